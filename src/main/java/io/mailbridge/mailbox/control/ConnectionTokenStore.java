package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.entity.ConnectionState;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.time.Instant;

/**
 * The database side of a token refresh, each step in its own short transaction so that nodes see
 * each other's leases and grants at once.
 */
@ApplicationScoped
public class ConnectionTokenStore {

  @PersistenceContext EntityManager em;

  /** A connection's tokens as read at one moment. */
  public record Snapshot(
      String id,
      String orgId,
      String userId,
      MailProvider provider,
      String address,
      String tenantId,
      ConnectionState state,
      String accessToken,
      Instant accessExpiresAt,
      String refreshToken,
      long grantVersion,
      Instant lastUsedAt,
      java.util.List<String> scopes) {

    @Override
    public String toString() {
      return "Snapshot[" + id + ", " + state + ", version " + grantVersion + "]";
    }
  }

  @Transactional(TxType.REQUIRES_NEW)
  public Snapshot read(String orgId, String id) {
    MailboxConnection c = em.find(MailboxConnection.class, id);
    if (c == null || !c.orgId().equals(orgId)) {
      throw new NotFound("Mailbox " + id);
    }
    return new Snapshot(
        c.id(),
        c.orgId(),
        c.userId(),
        c.provider(),
        c.address(),
        c.tenantId(),
        c.state(),
        c.accessToken(),
        c.accessExpiresAt(),
        c.refreshToken(),
        c.grantVersion(),
        c.lastUsedAt(),
        c.scopes());
  }

  /**
   * Takes the refresh lease if nobody holds a live one and the grant is still the one seen, so a
   * node never refreshes again what another has just refreshed.
   */
  @Transactional(TxType.REQUIRES_NEW)
  public boolean claim(String id, long seenVersion, String owner, Instant now, Instant until) {
    return em.createQuery(
                "UPDATE MailboxConnection c SET c.refreshOwner = :owner, c.refreshLeaseUntil ="
                    + " :until WHERE c.id = :id AND c.grantVersion = :seen AND c.state = :active"
                    + " AND (c.refreshLeaseUntil IS NULL OR c.refreshLeaseUntil < :now)")
            .setParameter("owner", owner)
            .setParameter("until", until)
            .setParameter("id", id)
            .setParameter("seen", seenVersion)
            .setParameter("active", ConnectionState.ACTIVE)
            .setParameter("now", now)
            .executeUpdate()
        == 1;
  }

  /** Stores a refreshed grant if this owner still holds the lease; false if it lost it. */
  @Transactional(TxType.REQUIRES_NEW)
  public boolean saveRefreshed(String id, String owner, TokenGrant grant, Instant now) {
    MailboxConnection c = em.find(MailboxConnection.class, id);
    if (c == null || !owner.equals(c.refreshOwner())) {
      return false;
    }
    c.granted(
        grant.accessToken(), grant.expiresAt(), grant.refreshToken(), grant.scopes(), null, now);
    return true;
  }

  /** The provider refused the refresh token: the connection needs its user again. */
  @Transactional(TxType.REQUIRES_NEW)
  public boolean markReauthRequired(String id, String owner) {
    MailboxConnection c = em.find(MailboxConnection.class, id);
    if (c == null || !owner.equals(c.refreshOwner())) {
      return false;
    }
    c.reauthRequired();
    return true;
  }

  @Transactional(TxType.REQUIRES_NEW)
  public void release(String id, String owner) {
    MailboxConnection c = em.find(MailboxConnection.class, id);
    if (c != null) {
      c.releaseLease(owner);
    }
  }

  @Transactional(TxType.REQUIRES_NEW)
  public void markUsed(String id, Instant now) {
    em.createQuery("UPDATE MailboxConnection c SET c.lastUsedAt = :now WHERE c.id = :id")
        .setParameter("now", now)
        .setParameter("id", id)
        .executeUpdate();
  }
}
