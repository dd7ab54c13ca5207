package io.mailbridge.platform.security.control;

import io.mailbridge.platform.base.OpaqueId;
import io.mailbridge.platform.problem.NotAuthenticated;
import io.mailbridge.platform.security.entity.RefreshToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Opaque refresh tokens: stored as SHA-256 hashes, single use, revoked by family. */
@ApplicationScoped
public class RefreshTokens {

  private static final Logger LOG = Logger.getLogger(RefreshTokens.class.getName());

  @PersistenceContext EntityManager em;

  @Inject
  @ConfigProperty(name = "mailbridge.token.refresh-ttl", defaultValue = "P30D")
  Duration lifetime;

  Clock clock = Clock.systemUTC();

  /** Starts a new family (a login). Must run inside the caller's transaction. */
  public String issueNewFamily(String orgId, String userId) {
    return issue(orgId, userId, OpaqueId.next());
  }

  /**
   * Retires the presented token and returns the one that replaces it. A token that was already used
   * or revoked revokes its whole family: someone holds a copy.
   */
  public Rotation rotate(String presented) {
    RefreshToken token = findByHash(hash(presented));
    if (token == null) {
      throw new NotAuthenticated("invalid_refresh_token", "The refresh token is not valid");
    }
    Instant now = clock.instant();
    int retired =
        em.createQuery(
                "UPDATE RefreshToken t SET t.usedAt = :now WHERE t.id = :id"
                    + " AND t.usedAt IS NULL AND t.revokedAt IS NULL")
            .setParameter("now", now)
            .setParameter("id", token.id())
            .executeUpdate();
    if (retired != 1) {
      revokeFamily(token.familyId(), now);
      LOG.warning(
          "A retired refresh token was presented again; its family is revoked (user "
              + token.userId()
              + ")");
      throw new NotAuthenticated(
          "refresh_token_reused", "This refresh token was already used; sign in again");
    }
    if (!token.expiresAt().isAfter(now)) {
      throw new NotAuthenticated(
          "refresh_token_expired", "The refresh token expired; sign in again");
    }
    return new Rotation(
        token.orgId(), token.userId(), issue(token.orgId(), token.userId(), token.familyId()));
  }

  /** Revokes the family of the presented token; unknown tokens are ignored (no oracle). */
  public void revokeFamilyOf(String presented) {
    RefreshToken token = findByHash(hash(presented));
    if (token != null) {
      revokeFamily(token.familyId(), clock.instant());
    }
  }

  public void revokeAllOf(String orgId, String userId) {
    em.createQuery(
            "UPDATE RefreshToken t SET t.revokedAt = :now WHERE t.orgId = :org AND t.userId = :user"
                + " AND t.revokedAt IS NULL")
        .setParameter("now", clock.instant())
        .setParameter("org", orgId)
        .setParameter("user", userId)
        .executeUpdate();
  }

  /** The user a refresh leads to, and the new token. */
  public record Rotation(String orgId, String userId, String refreshToken) {}

  private void revokeFamily(String familyId, Instant now) {
    em.createQuery(
            "UPDATE RefreshToken t SET t.revokedAt = :now WHERE t.familyId = :family"
                + " AND t.revokedAt IS NULL")
        .setParameter("now", now)
        .setParameter("family", familyId)
        .executeUpdate();
  }

  private String issue(String orgId, String userId, String familyId) {
    String raw = OpaqueTokens.next();
    Instant now = clock.instant();
    em.persist(new RefreshToken(orgId, userId, familyId, hash(raw), now, now.plus(lifetime)));
    return raw;
  }

  private RefreshToken findByHash(String tokenHash) {
    List<RefreshToken> found =
        em.createQuery("SELECT t FROM RefreshToken t WHERE t.tokenHash = :hash", RefreshToken.class)
            .setParameter("hash", tokenHash)
            .getResultList();
    return found.isEmpty() ? null : found.get(0);
  }

  static String hash(String raw) {
    return OpaqueTokens.hash(raw);
  }
}
