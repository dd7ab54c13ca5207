package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CaptureState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Health that does not claim progress it has not made: a mailbox whose runs failed {@code
 * mailbridge.capture.stall.failures} times in a row, or for which sync requests (notifications,
 * polls, the switch) have waited longer than {@code mailbridge.capture.stall.after} without a page
 * being read, is {@code stalled} with the reason; a page whose position did not move while the
 * provider reported changes is no progress but a failed run; the next page read brings it back by
 * itself. {@link CaptureHealthChanges} says each change in the log and the audit log with the
 * health's reason.
 */
@ApplicationScoped
public class CaptureStalls {

  private static final int BATCH = 500;

  @PersistenceContext EntityManager em;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.stall.failures", defaultValue = "5")
  int failuresInARow;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.stall.after", defaultValue = "PT1H")
  Duration waitLimit;

  Clock clock = Clock.systemUTC();

  /**
   * Why a mailbox whose runs failed {@code failures} times in a row is stalled, or empty while it
   * is not (yet).
   */
  static Optional<String> afterFailures(int failures, int limit, String lastReason) {
    if (limit <= 0 || failures < limit) {
      return Optional.empty();
    }
    return Optional.of(
        "The last "
            + failures
            + " runs failed in a row (the last: "
            + (lastReason == null ? "no reason given" : lastReason)
            + "); capture keeps retrying and goes on by itself with the next page it reads");
  }

  /**
   * Why a mailbox whose sync requests have waited since {@code requestedSince} is stalled at {@code
   * now}, or empty while it is not: not while the provider asked to wait, nor when capture cannot
   * or need not run.
   */
  static Optional<String> afterWaiting(
      CaptureState state,
      Instant requestedSince,
      Instant lastProgressAt,
      Instant throttledUntil,
      Instant now,
      Duration limit) {
    if (requestedSince == null
        || limit.isZero()
        || limit.isNegative()
        || state == CaptureState.STALLED
        || state == CaptureState.OFF
        || state == CaptureState.REAUTH_REQUIRED
        || (state == CaptureState.THROTTLED
            && throttledUntil != null
            && throttledUntil.isAfter(now))
        || !requestedSince.plus(limit).isBefore(now)) {
      return Optional.empty();
    }
    return Optional.of(
        "Sync requests (notifications or polls) have arrived since "
            + requestedSince.truncatedTo(ChronoUnit.SECONDS)
            + " but no page was read "
            + (lastProgressAt == null
                ? "since capture started"
                : "since " + lastProgressAt.truncatedTo(ChronoUnit.SECONDS))
            + "; capture goes on by itself with the next page it reads. If it stays stalled, check"
            + " that a node runs the job queue (mailbridge.jobs.enabled) and the server's log");
  }

  /** Why a page whose position did not move counts as a failed run. */
  static final String POSITION_STUCK =
      "The provider reported changes but handed back the position it was asked at, so capture"
          + " would read the same page forever; it asks again at the next sync (a notification"
          + " or the poll) and goes on by itself once the position moves";

  /**
   * Whether a page read from {@code before} brought changes yet left the position where it was: the
   * next read would bring the same page again, so the page does not count as progress.
   */
  static boolean positionStuck(String before, List<?> changes, String next) {
    return before != null && !changes.isEmpty() && before.equals(next);
  }

  /** Remembers that a sync was asked for, in the caller's transaction (no version conflict). */
  @Transactional
  public void requested(String mailboxId) {
    em.createQuery(
            "UPDATE CaptureCursor c SET c.requestedSince = :now"
                + " WHERE c.mailboxId = :id AND c.requestedSince IS NULL")
        .setParameter("now", clock.instant())
        .setParameter("id", mailboxId)
        .executeUpdate();
  }

  /** Captured mailboxes whose sync requests have waited longer than the limit at {@code now}. */
  public List<String> waitingTooLong(Instant now) {
    return em.createQuery(
            "SELECT c.mailboxId FROM CaptureCursor c WHERE c.enabled = true"
                + " AND c.requestedSince < :before AND c.state NOT IN :calm"
                + " ORDER BY c.requestedSince",
            String.class)
        .setParameter("before", now.minus(waitLimit))
        .setParameter(
            "calm", List.of(CaptureState.STALLED, CaptureState.OFF, CaptureState.REAUTH_REQUIRED))
        .setMaxResults(BATCH)
        .getResultList();
  }

  /** A run failed: error, or stalled once the failures in a row reach the limit. */
  void failed(CaptureCursor cursor, String reason, Instant now) {
    int failures = cursor.failedOnce(now);
    Optional<String> stalled = afterFailures(failures, failuresInARow, reason);
    if (stalled.isEmpty()) {
      cursor.stopped(CaptureState.ERROR, reason, now);
    } else if (cursor.state() == CaptureState.STALLED) {
      cursor.stopped(CaptureState.STALLED, stalled.get(), now); // the count goes on, said once
    } else {
      stall(cursor, stalled.get(), now);
    }
  }

  /** Checks again in the caller's transaction, then flags the mailbox stalled if still waiting. */
  boolean checkWaiting(CaptureCursor cursor, Instant now) {
    Optional<String> stalled =
        afterWaiting(
            cursor.state(),
            cursor.requestedSince(),
            cursor.lastProgressAt(),
            cursor.throttledUntil(),
            now,
            waitLimit);
    stalled.ifPresent(reason -> stall(cursor, reason, now));
    return stalled.isPresent();
  }

  private static void stall(CaptureCursor cursor, String reason, Instant now) {
    cursor.stopped(CaptureState.STALLED, reason, now);
  }
}
