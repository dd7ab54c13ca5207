package io.mailbridge.platform.jobs.control;

import java.time.Instant;

/**
 * Work to queue. The payload holds ids and cursors, never secrets or mail content; a dedup key
 * makes a second enqueue of the same pending work return the first job.
 */
public record NewJob(
    String kind, String orgId, String payload, String dedupKey, Instant runAt, int maxAttempts) {

  public static NewJob of(String kind, String orgId, String payload) {
    return new NewJob(kind, orgId, payload, null, null, 0);
  }

  public NewJob dedupedBy(String key) {
    return new NewJob(kind, orgId, payload, key, runAt, maxAttempts);
  }

  public NewJob notBefore(Instant at) {
    return new NewJob(kind, orgId, payload, dedupKey, at, maxAttempts);
  }

  public NewJob withMaxAttempts(int attempts) {
    return new NewJob(kind, orgId, payload, dedupKey, runAt, attempts);
  }
}
