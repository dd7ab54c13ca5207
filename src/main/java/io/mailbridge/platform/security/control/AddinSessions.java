package io.mailbridge.platform.security.control;

import io.mailbridge.platform.security.entity.AddinSession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Cookie sessions of the Outlook add-in: the task pane runs in an Office frame, where an HttpOnly
 * cookie is safer than a token held by script. Cookie-authenticated calls must also carry the
 * {@value #CSRF_HEADER} header, which a cross-site form or image cannot send.
 */
@ApplicationScoped
public class AddinSessions {

  public static final String COOKIE = "mailbridge_addin";
  public static final String CSRF_HEADER = "X-Mailbridge-Addin";

  @PersistenceContext EntityManager em;

  @Inject
  @ConfigProperty(name = "mailbridge.addin.session-ttl", defaultValue = "PT8H")
  Duration lifetime;

  Clock clock = Clock.systemUTC();

  /** A new session for this user, as the cookie value to hand out (shown once, never stored). */
  public record Opened(String id, String cookieValue, Instant expiresAt) {}

  @Transactional
  public Opened open(String orgId, String userId, String identityId) {
    String value = OpaqueTokens.next();
    Instant now = clock.instant();
    Instant expires = now.plus(lifetime);
    AddinSession session = new AddinSession(orgId, userId, identityId, hash(value), now, expires);
    em.persist(session);
    return new Opened(session.id(), value, expires);
  }

  /**
   * Records the mailbox connection the session's sign-in made, in the caller's transaction (the one
   * that opened the session).
   */
  public void useMailbox(Opened opened, String mailboxId) {
    AddinSession session = em.find(AddinSession.class, opened.id());
    if (session == null) {
      throw new IllegalStateException("the session was opened in another transaction");
    }
    session.useMailbox(mailboxId);
  }

  /** The live session this cookie value belongs to, if any. */
  public Optional<AddinSession> find(String cookieValue) {
    if (cookieValue == null || cookieValue.isBlank() || cookieValue.length() > 200) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return em.createQuery(
            "SELECT s FROM AddinSession s WHERE s.tokenHash = :hash", AddinSession.class)
        .setParameter("hash", hash(cookieValue))
        .getResultStream()
        .findFirst()
        .filter(s -> s.isValidAt(now));
  }

  @Transactional
  public void revoke(String cookieValue) {
    if (cookieValue == null) {
      return;
    }
    em.createQuery(
            "UPDATE AddinSession s SET s.revokedAt = :now"
                + " WHERE s.tokenHash = :hash AND s.revokedAt IS NULL")
        .setParameter("now", clock.instant())
        .setParameter("hash", hash(cookieValue))
        .executeUpdate();
  }

  /** Ends every session opened through this identity link; runs in the caller's transaction. */
  public int revokeForIdentity(String orgId, String identityId) {
    return em.createQuery(
            "UPDATE AddinSession s SET s.revokedAt = :now WHERE s.orgId = :org"
                + " AND s.identityId = :identity AND s.revokedAt IS NULL")
        .setParameter("now", clock.instant())
        .setParameter("org", orgId)
        .setParameter("identity", identityId)
        .executeUpdate();
  }

  public Duration lifetime() {
    return lifetime;
  }

  private static String hash(String value) {
    return OpaqueTokens.hash(value);
  }
}
