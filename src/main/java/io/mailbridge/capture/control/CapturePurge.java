package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.crm.control.ActivityOwners;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.logging.Logger;

/**
 * An admin deletes everything captured from one mailbox (also a disconnected one): activities only
 * this mailbox brought in go, shared or manually logged ones lose only this owner; capture of the
 * mailbox is switched off (its push channel stopped at the provider, as {@link PushStops} does) and
 * would start a new backfill. Audited with the count.
 */
@ApplicationScoped
public class CapturePurge {

  private static final Logger LOG = Logger.getLogger(CapturePurge.class.getName());

  @PersistenceContext EntityManager em;
  @Inject ActivityOwners owners;
  @Inject AuditLog audit;
  @Inject PushStops push;

  Clock clock = Clock.systemUTC();

  /** What a purge did. */
  public record Purged(String mailboxId, int activitiesDeleted) {}

  @Transactional
  public Purged purge(String orgId, String actorUserId, String mailboxId) {
    CaptureCursor cursor = mailboxId == null ? null : em.find(CaptureCursor.class, mailboxId);
    if (cursor == null || !cursor.orgId().equals(orgId)) {
      throw new NotFound("Captured mailbox " + mailboxId);
    }
    if (cursor.pushOpen()) {
      // Purged capture is off: the provider stops pushing its changes, as when switched off.
      push.stop(cursor);
      cursor.pushStopped(clock.instant());
    }
    cursor.purged(clock.instant());
    em.flush();
    int deleted = owners.purgeMailbox(orgId, mailboxId);
    audit.record(
        orgId,
        actorUserId,
        "capture.purged",
        mailboxId,
        "ok",
        deleted + " captured activities deleted");
    LOG.info(
        () -> "Capture of mailbox " + mailboxId + " purged: " + deleted + " activities deleted");
    return new Purged(mailboxId, deleted);
  }
}
