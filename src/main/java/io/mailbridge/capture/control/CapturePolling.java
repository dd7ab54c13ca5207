package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CaptureState;
import io.mailbridge.platform.startup.control.StartupState;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The safety net under push: every minute, queues "sync this mailbox" for each captured mailbox
 * that has not read a page for {@code mailbridge.capture.poll-interval}, so lost notifications,
 * mailboxes without push (Gmail without a Pub/Sub topic, or a Mailbridge the provider cannot reach)
 * and push subscriptions near their end are taken care of. The queue's dedup key makes the timers
 * of several nodes queue one job per mailbox.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class CapturePolling {

  private static final Logger LOG = Logger.getLogger(CapturePolling.class.getName());
  private static final int BATCH = 500;

  @PersistenceContext EntityManager em;
  @Inject CaptureJobs jobs;
  @Inject CaptureStalls stalls;
  @Inject CaptureTroubles troubles;
  @Inject OrgWideCapture orgWide;
  @Inject StartupState startup;

  // Read at every tick: a node whose job pump is off does not poll either.
  @Inject
  @ConfigProperty(name = "mailbridge.jobs.enabled", defaultValue = "true")
  Provider<Boolean> jobsEnabled;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.poll-interval", defaultValue = "PT15M")
  Provider<Duration> interval;

  Clock clock = Clock.systemUTC();

  @Schedule(minute = "*", hour = "*", persistent = false, info = "capture polling")
  void tick() {
    Duration every = interval.get();
    if (!jobsEnabled.get() || !startup.isReady() || every.isZero() || every.isNegative()) {
      return;
    }
    try {
      pollReadNothingSince(clock.instant().minus(every));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Capture polling failed; it tries again in a minute", e);
    }
    try {
      for (String orgId : orgWide.membersDue(clock.instant())) {
        orgWide.requestMembers(orgId);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Queuing org-wide group reads failed; it tries again in a minute", e);
    }
    try {
      flagStalled(clock.instant());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Looking for stalled capture failed; it looks again in a minute", e);
    }
  }

  /**
   * Flags {@code stalled} each captured mailbox whose sync requests have waited too long at {@code
   * now} without a page read; answers how many (the timer's work, callable by tests).
   */
  public int flagStalled(Instant now) {
    int flagged = 0;
    for (String mailboxId : stalls.waitingTooLong(now)) {
      try {
        if (troubles.waitedTooLong(mailboxId, now)) {
          flagged++;
        }
      } catch (RuntimeException raced) {
        // A sync changed the cursor at the same moment: it made progress, or the next tick sees.
        LOG.log(Level.FINE, "Stall check of mailbox " + mailboxId + " skipped", raced);
      }
    }
    return flagged;
  }

  /**
   * Queues a sync for every captured mailbox that read no page since {@code before}; answers how
   * many (the timer's work, callable by operators' tools and tests).
   */
  public int pollReadNothingSince(Instant before) {
    int queued = 0;
    for (CaptureCursor cursor : due(before)) {
      try {
        jobs.requestSync(cursor.orgId(), cursor.mailboxId());
        queued++;
      } catch (RuntimeException raced) {
        // Another node queued it at the same moment (dedup key): one job is enough.
        LOG.log(Level.FINE, "Poll of mailbox " + cursor.mailboxId() + " not queued", raced);
      }
    }
    return queued;
  }

  /** Captured mailboxes, able to run, that read nothing since {@code before}. */
  List<CaptureCursor> due(Instant before) {
    return em.createQuery(
            "SELECT c FROM CaptureCursor c WHERE c.enabled = true AND c.state <> :reauth"
                + " AND (c.lastProgressAt IS NULL OR c.lastProgressAt < :before)"
                + " ORDER BY c.lastProgressAt",
            CaptureCursor.class)
        .setParameter("reauth", CaptureState.REAUTH_REQUIRED)
        .setParameter("before", before)
        .setMaxResults(BATCH)
        .getResultList();
  }
}
