package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.ews.entity.EwsSubscription;
import io.mailbridge.mailbox.ews.entity.ExchangeConnection;
import io.mailbridge.platform.base.SqlTime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The stored EWS notification subscriptions of captured mailboxes, and the per-org lease that lets
 * one node hold the org's streams: each change in a transaction of its own, since the streams run
 * on threads of their own, outside any request.
 */
@ApplicationScoped
public class EwsSubscriptions {

  @PersistenceContext EntityManager em;

  Clock clock = Clock.systemUTC();

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void add(EwsSubscription subscription) {
    em.persist(subscription);
  }

  /**
   * Stores the subscription unless its org holds {@code max} already; answers whether it was
   * stored. The org's Exchange connection row is locked while counting, so subscriptions opened at
   * once by several job workers or nodes cannot together pass the limit (Exchange's {@code
   * EWSMaxSubscriptions}).
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean addWithin(EwsSubscription subscription, int max) {
    em.find(ExchangeConnection.class, subscription.orgId(), LockModeType.PESSIMISTIC_WRITE);
    long held =
        em.createQuery("SELECT COUNT(s) FROM EwsSubscription s WHERE s.orgId = :org", Long.class)
            .setParameter("org", subscription.orgId())
            .getSingleResult();
    if (held >= max) {
      return false;
    }
    em.persist(subscription);
    return true;
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public EwsSubscription find(String id) {
    return id == null ? null : em.find(EwsSubscription.class, id);
  }

  /** Forgets a subscription (capture stopped, or Exchange no longer knows it). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean remove(String id) {
    EwsSubscription found = id == null ? null : em.find(EwsSubscription.class, id);
    if (found == null) {
      return false;
    }
    em.remove(found);
    return true;
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<EwsSubscription> ofOrg(String orgId) {
    return em.createQuery(
            "SELECT s FROM EwsSubscription s WHERE s.orgId = :org ORDER BY s.createdAt, s.id",
            EwsSubscription.class)
        .setParameter("org", orgId)
        .getResultList();
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public long count(String orgId) {
    return em.createQuery("SELECT COUNT(s) FROM EwsSubscription s WHERE s.orgId = :org", Long.class)
        .setParameter("org", orgId)
        .getSingleResult();
  }

  /** The orgs with at least one subscription. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<String> orgs() {
    return em.createQuery(
            "SELECT DISTINCT s.orgId FROM EwsSubscription s ORDER BY s.orgId", String.class)
        .getResultList();
  }

  /** Notes the watermark a pull subscription's events were read to. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void readUpTo(String id, String watermark) {
    EwsSubscription found = em.find(EwsSubscription.class, id);
    if (found != null && watermark != null) {
      found.readUpTo(watermark);
    }
  }

  /** Notes that Exchange posted for a push subscription at {@code at}, up to {@code watermark}. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void seen(String id, Instant at, String watermark) {
    EwsSubscription found = em.find(EwsSubscription.class, id);
    if (found != null) {
      found.seen(at);
      if (watermark != null) {
        found.readUpTo(watermark);
      }
    }
  }

  /**
   * Whether {@code owner} now holds the org's streams until {@code length} from now (taken when
   * free or run out, kept when already its own).
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean takeLease(String orgId, String owner, Duration length) {
    Instant now = clock.instant();
    int taken =
        em.createNativeQuery(
                "UPDATE ews_stream_lease SET lease_owner = ?, lease_until = ? WHERE org_id = ?"
                    + " AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)")
            .setParameter(1, owner)
            .setParameter(2, SqlTime.utc(now.plus(length)))
            .setParameter(3, orgId)
            .setParameter(4, SqlTime.utc(now))
            .setParameter(5, owner)
            .executeUpdate();
    if (taken == 1) {
      return true;
    }
    if (em.createNativeQuery("SELECT COUNT(*) FROM ews_stream_lease WHERE org_id = ?")
                .setParameter(1, orgId)
                .getSingleResult()
            instanceof Number n
        && n.longValue() > 0) {
      return false; // another node's, still running
    }
    try {
      em.createNativeQuery(
              "INSERT INTO ews_stream_lease (org_id, lease_owner, lease_until) VALUES (?, ?, ?)")
          .setParameter(1, orgId)
          .setParameter(2, owner)
          .setParameter(3, SqlTime.utc(now.plus(length)))
          .executeUpdate();
      return true;
    } catch (PersistenceException raced) {
      return false; // another node made the row first: it holds the lease
    }
  }

  /** Gives the org's streams up (the node stops, or no subscription is left). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void releaseLease(String orgId, String owner) {
    em.createNativeQuery(
            "UPDATE ews_stream_lease SET lease_owner = NULL, lease_until = NULL"
                + " WHERE org_id = ? AND lease_owner = ?")
        .setParameter(1, orgId)
        .setParameter(2, owner)
        .executeUpdate();
  }
}
