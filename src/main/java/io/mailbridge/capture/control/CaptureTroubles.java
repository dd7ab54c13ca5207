package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;

/**
 * Writes a failed capture run's health in a transaction of its own, so it stays when the run's own
 * transaction rolls back (the job is then retried from the unchanged cursor); so does flagging a
 * mailbox whose requests wait too long, so one conflict does not undo the others.
 */
@ApplicationScoped
public class CaptureTroubles {

  @PersistenceContext EntityManager em;
  @Inject CaptureStalls stalls;
  @Inject CaptureHealthChanges healthChanges;

  Clock clock = Clock.systemUTC();

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void throttled(String mailboxId, Instant until) {
    CaptureCursor cursor = em.find(CaptureCursor.class, mailboxId);
    if (cursor != null) {
      cursor.throttled(until, clock.instant());
    }
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void failed(String mailboxId, String reason) {
    CaptureCursor cursor = em.find(CaptureCursor.class, mailboxId);
    if (cursor != null) {
      CaptureHealthChanges.Before before = CaptureHealthChanges.Before.of(cursor);
      stalls.failed(cursor, reason, clock.instant());
      healthChanges.said(cursor, before);
    }
  }

  /** Flags the mailbox stalled if its sync requests still wait at {@code now}; answers whether. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean waitedTooLong(String mailboxId, Instant now) {
    CaptureCursor cursor = em.find(CaptureCursor.class, mailboxId);
    if (cursor == null || !cursor.enabled()) {
      return false;
    }
    CaptureHealthChanges.Before before = CaptureHealthChanges.Before.of(cursor);
    boolean stalled = stalls.checkWaiting(cursor, now);
    healthChanges.said(cursor, before);
    return stalled;
  }
}
