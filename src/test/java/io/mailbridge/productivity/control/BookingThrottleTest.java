package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.platform.problem.TooManyRequests;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BookingThrottleTest {

  private static final Instant MINUTE = Instant.parse("2026-11-30T10:15:00Z");

  private BookingThrottle throttle;

  @BeforeEach
  void setUp() {
    throttle = new BookingThrottle();
    throttle.maxPerMinute = 3;
  }

  private void at(Instant now) {
    throttle.clock = Clock.fixed(now, ZoneOffset.UTC);
  }

  @Test
  void theRequestAfterTheLimitIsRefusedUntilTheNextMinute() {
    at(MINUTE.plusSeconds(20));
    for (int i = 0; i < 3; i++) {
      throttle.check("198.51.100.7");
    }
    TooManyRequests refused =
        assertThrows(TooManyRequests.class, () -> throttle.check("198.51.100.7"));
    assertEquals(Duration.ofSeconds(40), refused.retryAfter(), "until the minute ends");

    at(MINUTE.plusSeconds(60));
    throttle.check("198.51.100.7"); // a new minute counts from zero
  }

  @Test
  void oneAddressUsingItsLimitLeavesTheOthersTheirs() {
    at(MINUTE);
    for (int i = 0; i < 3; i++) {
      throttle.check("198.51.100.7");
    }
    assertThrows(TooManyRequests.class, () -> throttle.check("198.51.100.7"));
    for (int i = 0; i < 3; i++) {
      throttle.check("203.0.113.9");
    }
    assertThrows(TooManyRequests.class, () -> throttle.check("203.0.113.9"));
  }
}
