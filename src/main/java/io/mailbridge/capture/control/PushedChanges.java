package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.mailbox.control.MailboxChangesPushed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;

/**
 * Changes a provider announced over a channel Mailbridge holds open (EWS streaming and pull
 * notifications): like a Graph notification, each only queues "sync this mailbox" (coalesced),
 * which reads from the stored position, so a repeated, late or lost announcement changes nothing. A
 * lost subscription is forgotten on the cursor, so the queued sync subscribes again.
 */
@ApplicationScoped
public class PushedChanges {

  @PersistenceContext EntityManager em;
  @Inject CaptureJobs jobs;

  Clock clock = Clock.systemUTC();

  @Transactional
  void pushed(@Observes MailboxChangesPushed change) {
    CaptureCursor cursor =
        em.createQuery(
                "SELECT c FROM CaptureCursor c WHERE c.subscriptionId = :id", CaptureCursor.class)
            .setParameter("id", change.subscriptionId())
            .getResultStream()
            .findFirst()
            .orElse(null);
    if (cursor == null || !cursor.enabled()) {
      return; // capture stopped since: its subscription is being forgotten
    }
    if (change.subscriptionLost()) {
      cursor.pushRemoved(clock.instant());
    }
    jobs.requestSync(cursor.orgId(), cursor.mailboxId());
  }
}
