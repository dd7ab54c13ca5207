package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.capture.entity.CaptureState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CaptureStallsTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void failuresInARowStallAtTheLimitAndTheReasonNamesTheLastOne() {
    assertEquals(Optional.empty(), CaptureStalls.afterFailures(4, 5, "Graph answered 500"));
    String reason = CaptureStalls.afterFailures(5, 5, "Graph answered 500").orElseThrow();
    assertTrue(reason.startsWith("The last 5 runs failed in a row (the last: Graph answered 500)"));
    assertTrue(reason.contains("goes on by itself"), reason);
    assertEquals(Optional.empty(), CaptureStalls.afterFailures(50, 0, "x"), "0 switches it off");
  }

  @Test
  void requestsWaitingLongerThanTheLimitStallALiveOrBackfillingMailbox() {
    Instant since = NOW.minus(HOUR).minusSeconds(1);
    Instant progress = Instant.parse("2026-11-30T09:30:00.123Z");
    String reason =
        CaptureStalls.afterWaiting(CaptureState.LIVE, since, progress, null, NOW, HOUR)
            .orElseThrow();
    assertTrue(
        reason.startsWith(
            "Sync requests (notifications or polls) have arrived since 2026-11-30T10:59:59Z but"
                + " no page was read since 2026-11-30T09:30:00Z"),
        reason);
    assertTrue(
        CaptureStalls.afterWaiting(CaptureState.BACKFILLING, since, null, null, NOW, HOUR)
            .orElseThrow()
            .contains("since capture started"));
    assertTrue(
        CaptureStalls.afterWaiting(CaptureState.ERROR, since, null, null, NOW, HOUR).isPresent());
  }

  @Test
  void noStallWithinTheLimitWhileThrottledOrWhenCaptureCannotRun() {
    assertEquals(
        Optional.empty(),
        CaptureStalls.afterWaiting(CaptureState.LIVE, NOW.minus(HOUR), null, null, NOW, HOUR));
    assertEquals(
        Optional.empty(),
        CaptureStalls.afterWaiting(CaptureState.LIVE, null, null, null, NOW, HOUR));
    Instant longAgo = NOW.minus(Duration.ofDays(1));
    assertEquals(
        Optional.empty(),
        CaptureStalls.afterWaiting(
            CaptureState.THROTTLED, longAgo, null, NOW.plusSeconds(60), NOW, HOUR));
    assertTrue(
        CaptureStalls.afterWaiting(
                CaptureState.THROTTLED, longAgo, null, NOW.minusSeconds(60), NOW, HOUR)
            .isPresent(),
        "a wait the provider asked for that is over is no excuse");
    for (CaptureState calm :
        new CaptureState[] {CaptureState.OFF, CaptureState.REAUTH_REQUIRED, CaptureState.STALLED}) {
      assertEquals(
          Optional.empty(), CaptureStalls.afterWaiting(calm, longAgo, null, null, NOW, HOUR));
    }
    assertEquals(
        Optional.empty(),
        CaptureStalls.afterWaiting(CaptureState.LIVE, longAgo, null, null, NOW, Duration.ZERO));
  }
}
