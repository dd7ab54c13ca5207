package io.mailbridge.platform.jobs.control;

/**
 * How a handler's run ended: finished, or more to do (long work goes in batches, each a run of its
 * own, with the payload carrying where to go on).
 */
public record JobOutcome(boolean finished, String nextPayload) {

  public static JobOutcome done() {
    return new JobOutcome(true, null);
  }

  public static JobOutcome continueWith(String nextPayload) {
    return new JobOutcome(false, nextPayload);
  }
}
