package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CapturePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * One mailbox's capture as its owner and admins see it: {@code state} is {@code off}, {@code
 * backfilling} (with {@code seen}/{@code captured}/{@code skipped}), {@code live} (with {@code
 * lastChangeAt}), {@code throttled} (until {@code throttledUntil}), {@code reauth_required} or
 * {@code error} (with {@code reason}), {@code polling} (live, but the provider cannot push; {@code
 * reason} says why); {@code lastProgressAt} is when a page was last read. While backfilling, {@code
 * percent} and {@code eta} are estimated from the provider's count when the backfill started
 * ({@code estimatedTotal}) and the pace of the pages read since; both are null when the provider
 * gives no count. {@code lastResyncAt} and {@code lastResync} say when and why the provider last
 * forgot a folder's position and the folder was read again (no duplicates follow from it).
 */
public record CaptureHealth(
    String mailboxId,
    String userId,
    String provider,
    boolean enabled,
    String state,
    String phase,
    long seen,
    long captured,
    long skipped,
    Instant backfillSince,
    Instant lastProgressAt,
    Instant lastChangeAt,
    Instant throttledUntil,
    String reason,
    Instant pushExpiresAt,
    Long estimatedTotal,
    Integer percent,
    Instant eta,
    Instant lastResyncAt,
    String lastResync) {

  static CaptureHealth of(CaptureCursor c) {
    return new CaptureHealth(
        c.mailboxId(),
        c.userId(),
        c.provider(),
        c.enabled(),
        c.state().name().toLowerCase(Locale.ROOT),
        c.phase().name().toLowerCase(Locale.ROOT),
        c.seen(),
        c.captured(),
        c.skipped(),
        c.backfillSince(),
        c.lastProgressAt(),
        c.lastChangeAt(),
        c.throttledUntil(),
        c.reason(),
        c.subscriptionExpiresAt(),
        c.backfillTotal() == null || c.backfillTotal() < 0 ? null : c.backfillTotal(),
        percent(c),
        eta(c),
        c.lastResyncAt(),
        c.lastResync());
  }

  /** Items read since the estimate, of its total; at most 99 until the backfill is done. */
  static Integer percent(CaptureCursor c) {
    if (c.phase() != CapturePhase.BACKFILLING || c.backfillTotal() == null) {
      return null;
    }
    long total = c.backfillTotal();
    if (total <= 0) {
      return total == 0 ? 99 : null; // 0: the provider counts nothing; the end comes with the page
    }
    long done = Math.max(0, c.seen() - (c.backfillBase() == null ? 0 : c.backfillBase()));
    return (int) Math.min(99, done * 100 / total);
  }

  /**
   * When the backfill should end at the pace of the pages read since the estimate: the time of the
   * last page plus what is left at that pace. Null before the first page or without a count.
   */
  static Instant eta(CaptureCursor c) {
    if (c.phase() != CapturePhase.BACKFILLING
        || c.backfillTotal() == null
        || c.backfillTotal() < 0
        || c.backfillStartedAt() == null
        || c.lastProgressAt() == null
        || c.lastProgressAt().isBefore(c.backfillStartedAt())) {
      return null;
    }
    long done = c.seen() - (c.backfillBase() == null ? 0 : c.backfillBase());
    if (done <= 0) {
      return null;
    }
    long left = Math.max(0, c.backfillTotal() - done);
    long elapsedMicros =
        Duration.between(c.backfillStartedAt(), c.lastProgressAt()).toNanos() / 1000;
    return c.lastProgressAt().plus(Duration.ofNanos(elapsedMicros * 1000 / done * left));
  }

  /** A mailbox capture never touched. */
  static CaptureHealth never(String mailboxId, String userId, String provider) {
    return new CaptureHealth(
        mailboxId,
        userId,
        provider,
        false,
        "off",
        "backfilling",
        0,
        0,
        0,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
