package io.mailbridge.platform.crypto.control;

import io.mailbridge.platform.jobs.control.JobState;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.JobView;
import io.mailbridge.platform.jobs.control.NewJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts a data-key rotation for an org: a new primary key now, re-encryption as a job. */
@ApplicationScoped
public class KeyRotation {

  @Inject OrgKeysets keysets;
  @Inject JobStore jobs;
  @Inject ReencryptOrgRows reencrypt;

  @Inject
  @ConfigProperty(name = "mailbridge.crypto.keyset-cache-ttl", defaultValue = "PT30S")
  Duration cacheTtl;

  Clock clock = Clock.systemUTC();

  /** What a rotation started. */
  public record Started(long primaryKeyId, String jobId) {}

  /**
   * Status of an org's keys, with the latest re-encryption job (null before the first rotation).
   */
  public record KeyStatus(long primaryKeyId, int keyCount, Reencryption reencryption) {}

  /**
   * The re-encryption after a rotation: {@code queued} (waiting for the nodes' key caches to
   * expire), {@code running} (also between batches), {@code done} (old keys dropped) or {@code
   * failed} (parked after its attempts); {@code tablesDone} of {@code tableCount} in the current
   * pass (a pass that changed rows is followed by one that checks nothing is left).
   */
  public record Reencryption(
      String jobId, String state, int tablesDone, int tableCount, int failedAttempts) {}

  @Transactional
  public Started rotate(String orgId) {
    long primary = keysets.rotate(orgId);
    // Other nodes keep encrypting with the old key until their cache expires: start after that.
    String jobId =
        jobs.enqueue(
            NewJob.of(ReencryptOrgRows.KIND, orgId, ReencryptOrgRows.Cursor.start().toString())
                .dedupedBy("reencrypt:" + orgId)
                .notBefore(clock.instant().plus(cacheTtl.multipliedBy(2))));
    return new Started(primary, jobId);
  }

  public KeyStatus status(String orgId) {
    keysets.forget(orgId);
    return new KeyStatus(
        keysets.primaryKeyId(orgId),
        keysets.dataKeyCount(orgId),
        jobs.latest(ReencryptOrgRows.KIND, orgId).map(this::reencryption).orElse(null));
  }

  private Reencryption reencryption(JobView job) {
    ReencryptOrgRows.Progress progress = reencrypt.progress(job.payload());
    boolean done = job.state() == JobState.DONE;
    return new Reencryption(
        job.id(),
        switch (job.state()) {
          case READY -> progress.begun() || job.attempts() > 0 ? "running" : "queued";
          case RUNNING -> "running";
          case DONE -> "done";
          case PARKED -> "failed";
        },
        done ? progress.tableCount() : progress.tablesDone(),
        progress.tableCount(),
        // A claim counts as an attempt; the run in progress has not failed (yet).
        switch (job.state()) {
          case RUNNING -> Math.max(0, job.attempts() - 1);
          case DONE -> 0;
          default -> job.attempts();
        });
  }
}
