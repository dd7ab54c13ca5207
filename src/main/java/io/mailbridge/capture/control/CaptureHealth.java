package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import java.time.Instant;
import java.util.Locale;

/**
 * One mailbox's capture as its owner and admins see it: {@code state} is {@code off}, {@code
 * backfilling} (with {@code seen}/{@code captured}/{@code skipped}), {@code live} (with {@code
 * lastChangeAt}), {@code throttled} (until {@code throttledUntil}), {@code reauth_required} or
 * {@code error} (with {@code reason}); {@code lastProgressAt} is when a page was last read.
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
    Instant pushExpiresAt) {

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
        c.subscriptionExpiresAt());
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
        null);
  }
}
