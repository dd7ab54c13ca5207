package io.mailbridge.capture.control;

import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Queues "sync this mailbox": however many times it is asked before the job starts, one job runs
 * (the dedup key is the mailbox), and the job always reads from the stored cursor.
 */
@ApplicationScoped
public class CaptureJobs {

  public static final String SYNC = "capture.sync";

  @Inject JobStore jobs;
  @Inject CaptureStalls stalls;

  public String requestSync(String orgId, String mailboxId) {
    // Remembered for health: requests that keep waiting without a page read mean "stalled".
    stalls.requested(mailboxId);
    return jobs.enqueue(NewJob.of(SYNC, orgId, mailboxId).dedupedBy(SYNC + ":" + mailboxId));
  }
}
