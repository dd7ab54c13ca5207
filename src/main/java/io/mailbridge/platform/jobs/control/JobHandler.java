package io.mailbridge.platform.jobs.control;

/**
 * Does the work of one job kind. Implementations are CDI beans; each call runs in a transaction of
 * its own; when it throws, the failure's type decides whether the job is tried again after a wait,
 * after back-off or parked (see {@link RetryDecision}; {@link RetryLater} names its own wait).
 */
public interface JobHandler {

  /** The job kind this handler runs, e.g. {@code crypto.reencrypt}. */
  String kind();

  JobOutcome run(ClaimedJob job) throws Exception;
}
