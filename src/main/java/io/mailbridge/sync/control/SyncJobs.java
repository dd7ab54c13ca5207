package io.mailbridge.sync.control;

import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Queues "sync this user's contacts": however often it is asked before the job starts, one job runs
 * (the dedup key is the user), and the job always works from the user's stored state.
 */
@ApplicationScoped
public class SyncJobs {

  public static final String CONTACTS = "sync.contacts";

  @Inject JobStore jobs;

  public String requestContactSync(String orgId, String userId) {
    return jobs.enqueue(NewJob.of(CONTACTS, orgId, userId).dedupedBy(CONTACTS + ":" + userId));
  }
}
