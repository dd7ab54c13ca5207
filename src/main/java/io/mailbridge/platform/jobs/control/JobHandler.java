package io.mailbridge.platform.jobs.control;

/**
 * Does the work of one job kind. Implementations are CDI beans; each call runs in a transaction of
 * its own, and throwing makes the job retry later (see {@link RetryLater}).
 */
public interface JobHandler {

  /** The job kind this handler runs, e.g. {@code crypto.reencrypt}. */
  String kind();

  JobOutcome run(ClaimedJob job) throws Exception;
}
