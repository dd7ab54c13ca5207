package io.mailbridge.sync.control;

import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Queues "sync this user's contacts" (or events): however often it is asked before the job starts,
 * one job runs (the dedup key is the user), and the job always works from the user's stored state.
 */
@ApplicationScoped
public class SyncJobs {

  public static final String CONTACTS = "sync.contacts";
  public static final String EVENTS = "sync.events";

  @Inject JobStore jobs;

  public String requestContactSync(String orgId, String userId) {
    return jobs.enqueue(NewJob.of(CONTACTS, orgId, userId).dedupedBy(CONTACTS + ":" + userId));
  }

  /** Queues "sync this user's events", coalesced by user the same way. */
  public String requestEventSync(String orgId, String userId) {
    return jobs.enqueue(NewJob.of(EVENTS, orgId, userId).dedupedBy(EVENTS + ":" + userId));
  }
}
