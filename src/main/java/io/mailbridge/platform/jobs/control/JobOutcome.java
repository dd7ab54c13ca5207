package io.mailbridge.platform.jobs.control;

import java.time.Duration;

/**
 * How a handler's run ended: finished, or more to do (long work goes in batches, each a run of its
 * own, with the payload carrying where to go on).
 */
public record JobOutcome(boolean finished, String nextPayload, Duration delay) {

  public static JobOutcome done() {
    return new JobOutcome(true, null, Duration.ZERO);
  }

  public static JobOutcome continueWith(String nextPayload) {
    return new JobOutcome(false, nextPayload, Duration.ZERO);
  }

  /**
   * More to do, but not before {@code delay} has passed: the job keeps its place (and its dedup
   * key) without using up attempts, as when other work it must not overlap is still running.
   */
  public static JobOutcome continueAfter(String nextPayload, Duration delay) {
    return new JobOutcome(false, nextPayload, delay);
  }
}
