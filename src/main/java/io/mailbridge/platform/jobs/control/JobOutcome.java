package io.mailbridge.platform.jobs.control;

import java.time.Duration;

/**
 * How a handler's run ended: finished, or more to do (long work goes in batches, each a run of its
 * own, with the payload carrying where to go on).
 */
public record JobOutcome(boolean finished, String nextPayload, Duration delay, String waitsFor) {

  public static JobOutcome done() {
    return new JobOutcome(true, null, Duration.ZERO, null);
  }

  public static JobOutcome continueWith(String nextPayload) {
    return new JobOutcome(false, nextPayload, Duration.ZERO, null);
  }

  /**
   * More to do, but not before {@code delay} has passed: the job keeps its place (and its dedup
   * key) without using up attempts, as when other work it must not overlap is still running.
   */
  public static JobOutcome continueAfter(String nextPayload, Duration delay) {
    return new JobOutcome(false, nextPayload, delay, null);
  }

  /**
   * More to do once the run of job {@code otherJobId} has ended (finished, failed or continued),
   * and at the latest after {@code delay}, should that run's end go unnoticed (its node died): the
   * job keeps its place and its dedup key without using up attempts.
   */
  public static JobOutcome continueAfterRunOf(
      String otherJobId, String nextPayload, Duration delay) {
    return new JobOutcome(false, nextPayload, delay, otherJobId);
  }
}
