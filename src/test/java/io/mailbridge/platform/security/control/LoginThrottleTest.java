package io.mailbridge.platform.security.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.platform.problem.TooManyRequests;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private final MutableClock clock = new MutableClock();
  private LoginThrottle throttle;

  /** What the throttle counted in the metrics. */
  private final List<String> counted = new ArrayList<>();

  @BeforeEach
  void setUp() {
    throttle = new LoginThrottle();
    throttle.maxPerAccount = 3;
    throttle.maxPerAddress = 5;
    throttle.window = Duration.ofMinutes(15);
    throttle.clock = clock;
    throttle.metrics =
        new LoginMetrics() {
          @Override
          void failed() {
            counted.add("failure");
          }

          @Override
          void throttled(String limit) {
            counted.add("throttled by " + limit);
          }
        };
  }

  @Test
  void failuresAndRefusalsAreCountedWithTheLimitThatWasReached() {
    for (int i = 0; i < 3; i++) {
      throttle.recordFailure("a@x.com", "10.0.0.1");
    }
    assertThrows(TooManyRequests.class, () -> throttle.check("a@x.com", "10.0.0.2"));
    throttle.recordFailure("b@x.com", "10.0.0.1");
    throttle.recordFailure("c@x.com", "10.0.0.1");
    assertThrows(TooManyRequests.class, () -> throttle.check("d@x.com", "10.0.0.1"));
    assertDoesNotThrow(() -> throttle.check("d@x.com", "10.0.0.2"));
    assertEquals(
        List.of(
            "failure",
            "failure",
            "failure",
            "throttled by account",
            "failure",
            "failure",
            "throttled by address"),
        counted);
  }

  @Test
  void anAccountIsRefusedAfterItsFailuresUntilTheOldestLeavesTheWindow() {
    for (int i = 0; i < 3; i++) {
      throttle.check("a@x.com", "10.0.0.1");
      throttle.recordFailure("a@x.com", "10.0.0." + i);
      clock.advance(Duration.ofMinutes(1));
    }
    TooManyRequests refused =
        assertThrows(TooManyRequests.class, () -> throttle.check("a@x.com", "10.0.0.9"));
    assertEquals(429, ErrorAnswer.status(refused));
    // First failure at t=0, now t=3 min: it leaves the window at t=15 min.
    assertEquals(Duration.ofMinutes(12), refused.retryAfter());
    assertDoesNotThrow(
        () -> throttle.check("b@x.com", "10.0.0.9"), "other accounts are unaffected");

    clock.advance(Duration.ofMinutes(12).plusSeconds(1));
    assertDoesNotThrow(() -> throttle.check("a@x.com", "10.0.0.9"));
  }

  @Test
  void anAddressIsRefusedAfterFailuresAcrossAccounts() {
    for (int i = 0; i < 5; i++) {
      throttle.recordFailure("user" + i + "@x.com", "192.0.2.7");
    }
    TooManyRequests refused =
        assertThrows(TooManyRequests.class, () -> throttle.check("fresh@x.com", "192.0.2.7"));
    assertTrue(refused.retryAfter().toMinutes() >= 14);
    assertDoesNotThrow(() -> throttle.check("fresh@x.com", "192.0.2.8"));
  }

  @Test
  void successClearsTheAccountButNotTheAddress() {
    throttle.recordFailure("a@x.com", "192.0.2.1");
    throttle.recordFailure("a@x.com", "192.0.2.1");
    throttle.recordSuccess("a@x.com");
    throttle.recordFailure("a@x.com", "192.0.2.1");
    throttle.recordFailure("a@x.com", "192.0.2.1");
    assertDoesNotThrow(
        () -> throttle.check("a@x.com", "192.0.2.2"), "2 failures since the success");
    throttle.recordFailure("c@x.com", "192.0.2.1");
    assertThrows(
        TooManyRequests.class, () -> throttle.check("d@x.com", "192.0.2.1"), "5 from this address");
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
