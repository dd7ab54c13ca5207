package io.mailbridge.platform.jobs.control;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobBackoffTest {

  private static JobStore store(Duration base, Duration max) {
    JobStore store = new JobStore();
    store.backoffBase = base;
    store.backoffMax = max;
    return store;
  }

  @Test
  void delaysDoubleWithEachAttemptPlusAtMostTenPercentJitter() {
    JobStore store = store(Duration.ofSeconds(10), Duration.ofHours(1));
    for (int attempt = 1; attempt <= 6; attempt++) {
      long expected = 10_000L << (attempt - 1);
      for (int sample = 0; sample < 50; sample++) {
        long delay = store.backoff(attempt).toMillis();
        assertTrue(
            delay >= expected && delay <= expected * 1.1, "attempt " + attempt + ": " + delay);
      }
    }
  }

  @Test
  void delaysAreCappedEvenForVeryManyAttempts() {
    JobStore store = store(Duration.ofSeconds(10), Duration.ofMinutes(5));
    for (int attempt : new int[] {7, 31, 64, 1000}) {
      long delay = store.backoff(attempt).toMillis();
      assertTrue(delay >= 300_000 && delay <= 330_000, "attempt " + attempt + ": " + delay);
    }
  }
}
