package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CaptureState;
import io.mailbridge.mailbox.control.ChangeFeeds;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.RevokeConnection;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.problem.Conflict;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * Switches capture of one mailbox on or off, for its owner or an admin of its org. On starts (or
 * resumes) the backfill at once; off stops it at once: a running job sees the switch before its
 * next page and ends, and the provider is asked to stop pushing its changes ({@link PushStops}).
 * Disconnecting the mailbox does the same.
 */
@ApplicationScoped
public class CaptureSwitch {

  private static final SecureRandom RANDOM = new SecureRandom();

  @PersistenceContext EntityManager em;
  @Inject MailboxConnections connections;
  @Inject ChangeFeeds feeds;
  @Inject OrgCaptureSettings settings;
  @Inject CaptureJobs jobs;
  @Inject AuditLog audit;
  @Inject PushStops push;

  Clock clock = Clock.systemUTC();

  @Transactional
  public CaptureHealth switchTo(
      String orgId, String callerId, boolean callerIsAdmin, String mailboxId, boolean enabled) {
    ConnectedMailbox mailbox = connections.describe(orgId, mailboxId);
    if (!callerIsAdmin && !mailbox.userId().equals(callerId)) {
      throw new NotFound("Mailbox " + mailboxId); // another user's mailbox: as if unknown
    }
    Instant now = clock.instant();
    CaptureCursor cursor = em.find(CaptureCursor.class, mailboxId);
    if (enabled) {
      if (feeds.of(mailbox.kind()).isEmpty()) {
        throw new Conflict(
            "capture_unavailable",
            "Capture of "
                + mailbox.kind().name().toLowerCase(Locale.ROOT)
                + " mailboxes is not available yet");
      }
      if (cursor == null) {
        cursor =
            new CaptureCursor(
                mailbox.id(),
                orgId,
                mailbox.userId(),
                mailbox.kind().provider(),
                clientState(),
                now);
        em.persist(cursor);
      }
      Instant since = now.minus(Duration.ofDays(settings.of(orgId).backfillDays()));
      cursor.switchOn(since, now);
      em.flush();
      jobs.requestSync(orgId, mailboxId);
    } else if (cursor != null) {
      cursor.switchOff(now);
      stopPush(cursor, now);
    }
    audit.record(
        orgId,
        callerId,
        enabled ? "capture.switched_on" : "capture.switched_off",
        mailboxId,
        "ok",
        null);
    return cursor == null
        ? CaptureHealth.never(mailboxId, mailbox.userId(), mailbox.kind().provider())
        : CaptureHealth.of(cursor);
  }

  /**
   * A mailbox being disconnected: its push channel is stopped while its tokens still work, and its
   * capture is off at once rather than at its next run.
   */
  @Transactional
  void disconnecting(@Observes RevokeConnection.Ending ending) {
    CaptureCursor cursor = em.find(CaptureCursor.class, ending.connectionId());
    if (cursor == null || !cursor.orgId().equals(ending.orgId())) {
      return;
    }
    Instant now = clock.instant();
    stopPush(cursor, now);
    if (cursor.enabled()) {
      cursor.switchOff(now);
      cursor.stopped(CaptureState.OFF, "The mailbox was disconnected", now);
    }
  }

  /** Ends the push channel at the provider; switched on again, capture opens a new one. */
  private void stopPush(CaptureCursor cursor, Instant now) {
    if (cursor.pushOpen()) {
      push.stop(cursor);
      cursor.pushStopped(now);
    }
  }

  /** The secret Graph echoes in each notification: random per mailbox. */
  static String clientState() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
