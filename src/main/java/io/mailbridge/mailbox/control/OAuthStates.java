package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.entity.AuthorizationPurpose;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.OAuthState;
import io.mailbridge.platform.security.control.OpaqueTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Started authorizations: each has a random {@code state}, a PKCE verifier, an OpenID nonce and a
 * browser binding (a cookie only the starting browser holds). A callback may use one once, from
 * that browser, before it expires.
 */
@ApplicationScoped
public class OAuthStates {

  /** The cookie that binds a started authorization to its browser; the suffix is the state id. */
  public static final String COOKIE_PREFIX = "mailbridge_oauth_";

  @PersistenceContext EntityManager em;

  @Inject
  @ConfigProperty(name = "mailbridge.oauth.state-ttl", defaultValue = "PT10M")
  Duration ttl;

  Clock clock = Clock.systemUTC();

  /** What the start hands out: the secrets go to the provider URL and the browser cookie. */
  public record Started(
      OAuthState row, String state, String browserToken, String codeChallenge, String nonce) {

    public String cookieName() {
      return COOKIE_PREFIX + row.id();
    }

    @Override
    public String toString() {
      return "Started[" + row.id() + "]";
    }
  }

  /** Why a callback's state was not accepted. */
  public enum Refusal {
    UNKNOWN,
    OTHER_BROWSER,
    USED,
    EXPIRED
  }

  /** The outcome of presenting a state: the row when accepted, else why not. */
  public record Presented(OAuthState row, Refusal refusal) {}

  @Transactional
  public Started start(
      String orgId, String userId, MailProvider provider, AuthorizationPurpose purpose) {
    String state = OpaqueTokens.next();
    String browserToken = OpaqueTokens.next();
    String verifier = OpaqueTokens.next() + OpaqueTokens.next();
    String nonce = OpaqueTokens.next();
    Instant now = clock.instant();
    OAuthState row =
        new OAuthState(
            orgId,
            userId,
            provider,
            purpose,
            OpaqueTokens.hash(state),
            OpaqueTokens.hash(browserToken),
            verifier,
            nonce,
            now,
            now.plus(ttl));
    em.persist(row);
    // Old rows are only useful for telling "expired" from "unknown" for a while.
    em.createQuery("DELETE FROM OAuthState s WHERE s.expiresAt < :before")
        .setParameter("before", now.minus(Duration.ofDays(1)))
        .executeUpdate();
    return new Started(row, state, browserToken, challengeOf(verifier), nonce);
  }

  /**
   * Checks a callback's state against the browser's cookies and uses it up. A state presented from
   * another browser is not used up, so the rightful browser can still finish.
   */
  @Transactional
  public Presented present(
      MailProvider provider, AuthorizationPurpose purpose, String state, CookieLookup cookies) {
    if (state == null || state.isBlank() || state.length() > 200) {
      return new Presented(null, Refusal.UNKNOWN);
    }
    Optional<OAuthState> found =
        em.createQuery(
                "SELECT s FROM OAuthState s WHERE s.stateHash = :hash AND s.provider = :provider"
                    + " AND s.purpose = :purpose",
                OAuthState.class)
            .setParameter("hash", OpaqueTokens.hash(state))
            .setParameter("provider", provider)
            .setParameter("purpose", purpose)
            .getResultStream()
            .findFirst();
    if (found.isEmpty()) {
      return new Presented(null, Refusal.UNKNOWN);
    }
    OAuthState row = found.get();
    String browserToken = cookies.value(COOKIE_PREFIX + row.id());
    if (browserToken == null
        || !MessageDigest.isEqual(
            OpaqueTokens.hash(browserToken).getBytes(StandardCharsets.US_ASCII),
            row.browserHash().getBytes(StandardCharsets.US_ASCII))) {
      return new Presented(row, Refusal.OTHER_BROWSER);
    }
    Instant now = clock.instant();
    if (row.usedAt() != null) {
      return new Presented(row, Refusal.USED);
    }
    if (!row.expiresAt().isAfter(now)) {
      return new Presented(row, Refusal.EXPIRED);
    }
    int taken =
        em.createQuery(
                "UPDATE OAuthState s SET s.usedAt = :now WHERE s.id = :id AND s.usedAt IS NULL"
                    + " AND s.expiresAt > :now")
            .setParameter("now", now)
            .setParameter("id", row.id())
            .executeUpdate();
    return taken == 1 ? new Presented(row, null) : new Presented(row, Refusal.USED);
  }

  /** Reads a cookie of the callback request. */
  @FunctionalInterface
  public interface CookieLookup {
    String value(String name);
  }

  /** The PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
  static String challengeOf(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
