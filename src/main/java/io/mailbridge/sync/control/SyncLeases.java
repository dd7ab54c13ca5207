package io.mailbridge.sync.control;

import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.sync.entity.SyncUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The lease on one user's sync, taken in a transaction of its own before a run reads anything: the
 * job queue may hold two jobs for one user (a request that came while one ran), and two nodes may
 * claim them at once; only the one that takes the lease syncs, the other waits. A run gives the
 * lease back with its own commit; one that fails gives it back here; a node that dies holds it
 * until it expires.
 */
@ApplicationScoped
public class SyncLeases {

  @PersistenceContext EntityManager em;

  Clock clock = Clock.systemUTC();

  /** Makes the user's row on first use; a row made at the same time by another node is as good. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void ensure(String orgId, String userId) {
    if (em.find(SyncUser.class, userId) == null) {
      try {
        em.persist(new SyncUser(orgId, userId, clock.instant()));
        em.flush();
      } catch (PersistenceException made) {
        // Another node made it first: the lease decides who runs.
      }
    }
  }

  /** Whether {@code owner} now holds the user's lease until {@code length} from now. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean take(String userId, String owner, Duration length) {
    Instant now = clock.instant();
    return em.createNativeQuery(
                "UPDATE sync_user SET lease_owner = ?, lease_until = ? WHERE id = ?"
                    + " AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)")
            .setParameter(1, owner)
            .setParameter(2, SqlTime.utc(now.plus(length)))
            .setParameter(3, userId)
            .setParameter(4, SqlTime.utc(now))
            .setParameter(5, owner)
            .executeUpdate()
        == 1;
  }

  /**
   * The job whose run holds the user's lease now (owners are "{node}/{job id}"), to wait for the
   * end of that run rather than for a fixed time.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<String> holdingJob(String userId) {
    List<?> owners =
        em.createNativeQuery("SELECT lease_owner FROM sync_user WHERE id = ? AND lease_until >= ?")
            .setParameter(1, userId)
            .setParameter(2, SqlTime.utc(clock.instant()))
            .getResultList();
    if (owners.isEmpty() || !(owners.get(0) instanceof String owner) || !owner.contains("/")) {
      return Optional.empty();
    }
    return Optional.of(owner.substring(owner.lastIndexOf('/') + 1));
  }

  /** Gives the lease back after a run that failed (its own commit did not happen). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void release(String userId, String owner) {
    em.createNativeQuery(
            "UPDATE sync_user SET lease_owner = NULL, lease_until = NULL"
                + " WHERE id = ? AND lease_owner = ?")
        .setParameter(1, userId)
        .setParameter(2, owner)
        .executeUpdate();
  }

  /** Notes an error that ended a run, so that the status shows it although the run rolled back. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void failed(String userId, String reason) {
    SyncUser state = em.find(SyncUser.class, userId);
    if (state != null) {
      state.errors(SyncErrors.add(state.errors(), clock.instant(), reason), clock.instant());
    }
  }
}
