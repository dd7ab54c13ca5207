package io.mailbridge.capture.control;

import io.mailbridge.crm.control.ActivityExpiry;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.DailyOrgWork;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.logging.Logger;

/**
 * The retention job of one org: deletes captured activities older than the org's {@code
 * retentionDays} (and manually logged ones too when the org does not retain them), one batch per
 * job run, then the attachment blobs nothing refers to any more, and writes what it deleted to the
 * audit log. The payload carries the moment it judges age from and the counts so far, so a job that
 * resumes after a restart goes on where the last committed batch ended.
 */
@ApplicationScoped
public class CaptureRetention implements JobHandler, DailyOrgWork {

  public static final String RETENTION = "capture.retention";
  static final int BATCH = 500;
  // A blob stored this recently may belong to an activity whose rows are not committed yet.
  private static final Duration BLOB_GRACE = Duration.ofHours(1);
  private static final Logger LOG = Logger.getLogger(CaptureRetention.class.getName());

  @Inject JobStore jobs;
  @Inject ActivityExpiry expiry;
  @Inject OrgCaptureSettings settings;
  @Inject AuditLog audit;

  @Override
  public String kind() {
    return RETENTION;
  }

  @Override
  public String name() {
    return "capture retention";
  }

  /** The orgs that have activities. */
  @Override
  public List<String> orgs() {
    return expiry.orgsWithActivities();
  }

  @Override
  public void queueFor(String orgId, Instant now) {
    requestFor(orgId, now);
  }

  /**
   * Queues the org's retention run judging age as of {@code asOf} (the daily timer passes now); one
   * pending run per org however often it is asked.
   */
  public String requestFor(String orgId, Instant asOf) {
    return jobs.enqueue(
        NewJob.of(RETENTION, orgId, Progress.start(asOf).toPayload())
            .dedupedBy(RETENTION + ":" + orgId));
  }

  @Override
  public JobOutcome run(ClaimedJob job) {
    Progress progress = Progress.parse(job.payload());
    CaptureRules rules = settings.of(job.orgId());
    Instant cutoff = progress.asOf().minus(rules.retentionDays(), ChronoUnit.DAYS);
    if (!progress.blobsStage()) {
      int deleted =
          expiry.deleteOccurredBefore(job.orgId(), cutoff, !rules.retainLoggedActivities(), BATCH);
      Progress next = progress.withActivities(deleted, deleted < BATCH);
      return JobOutcome.continueWith(next.toPayload());
    }
    int blobs =
        expiry.deleteUnreferencedBlobs(job.orgId(), progress.asOf().minus(BLOB_GRACE), BATCH);
    Progress next = progress.withBlobs(blobs);
    if (blobs == BATCH) {
      return JobOutcome.continueWith(next.toPayload());
    }
    String what =
        next.activities()
            + " activities older than "
            + rules.retentionDays()
            + " days (occurred before "
            + cutoff.truncatedTo(ChronoUnit.SECONDS)
            + (rules.retainLoggedActivities()
                ? "; captured only, manually logged ones kept"
                : "; captured and manually logged")
            + ") and "
            + next.blobs()
            + " attachment files no longer referenced deleted";
    audit.record(job.orgId(), null, "capture.retention", job.orgId(), "ok", what);
    LOG.info(() -> "Capture retention of org " + job.orgId() + ": " + what);
    return JobOutcome.done();
  }

  /** Where one org's retention run stands: {@code asOf;activities;blobs;stage}. */
  record Progress(Instant asOf, long activities, long blobs, boolean blobsStage) {

    static Progress start(Instant asOf) {
      return new Progress(asOf.truncatedTo(ChronoUnit.SECONDS), 0, 0, false);
    }

    static Progress parse(String payload) {
      String[] parts = payload.split(";");
      return new Progress(
          Instant.ofEpochSecond(Long.parseLong(parts[0])),
          Long.parseLong(parts[1]),
          Long.parseLong(parts[2]),
          "blobs".equals(parts[3]));
    }

    Progress withActivities(int deleted, boolean lastBatch) {
      return new Progress(asOf, activities + deleted, blobs, lastBatch);
    }

    Progress withBlobs(int deleted) {
      return new Progress(asOf, activities, blobs + deleted, true);
    }

    String toPayload() {
      return asOf.getEpochSecond()
          + ";"
          + activities
          + ";"
          + blobs
          + ";"
          + (blobsStage ? "blobs" : "activities");
    }
  }
}
