package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CaptureState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;

/**
 * Writes a failed capture run's health in a transaction of its own, so it stays when the run's own
 * transaction rolls back (the job is then retried from the unchanged cursor).
 */
@ApplicationScoped
public class CaptureTroubles {

  @PersistenceContext EntityManager em;

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
      cursor.stopped(CaptureState.ERROR, reason, clock.instant());
    }
  }
}
