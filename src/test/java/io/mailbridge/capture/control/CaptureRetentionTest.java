package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.crm.control.ActivityExpiry;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobOutcome;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureRetentionTest {

  private static final Instant AS_OF = Instant.parse("2026-11-30T03:17:00Z");

  /** Answers the batch sizes it is given, and notes what it was asked. */
  static final class ScriptedExpiry extends ActivityExpiry {
    final Deque<Integer> activities = new ArrayDeque<>();
    final Deque<Integer> blobs = new ArrayDeque<>();
    final List<String> asked = new ArrayList<>();

    @Override
    public int deleteOccurredBefore(
        String orgId, Instant cutoff, boolean includeLogged, int batch) {
      asked.add("activities " + cutoff + " logged=" + includeLogged + " batch=" + batch);
      return activities.pop();
    }

    @Override
    public int deleteUnreferencedBlobs(String orgId, Instant createdBefore, int batch) {
      asked.add("blobs " + createdBefore);
      return blobs.pop();
    }
  }

  static final class Settings extends OrgCaptureSettings {
    CaptureRules rules = CaptureRules.DEFAULTS;

    @Override
    public CaptureRules of(String orgId) {
      return rules;
    }
  }

  static final class Audit extends AuditLog {
    final List<String> events = new ArrayList<>();

    @Override
    public void record(
        String orgId,
        String actorUserId,
        String action,
        String subjectId,
        String outcome,
        String detail) {
      events.add(orgId + " " + actorUserId + " " + action + " " + outcome + " " + detail);
    }
  }

  private static CaptureRetention retention(ScriptedExpiry expiry, Settings settings, Audit audit) {
    CaptureRetention retention = new CaptureRetention();
    retention.expiry = expiry;
    retention.settings = settings;
    retention.audit = audit;
    return retention;
  }

  private static JobOutcome run(CaptureRetention retention, String payload) {
    return retention.run(new ClaimedJob("j1", CaptureRetention.RETENTION, "org1", payload, 1, "n"));
  }

  @Test
  void deletesBatchByBatchThenFilesThenAuditsTheTotals() {
    ScriptedExpiry expiry = new ScriptedExpiry();
    expiry.activities.addAll(List.of(CaptureRetention.BATCH, 3));
    expiry.blobs.addAll(List.of(2));
    Audit audit = new Audit();
    CaptureRetention retention = retention(expiry, new Settings(), audit);

    JobOutcome first = run(retention, CaptureRetention.Progress.start(AS_OF).toPayload());
    assertFalse(first.finished());
    JobOutcome second = run(retention, first.nextPayload());
    assertFalse(second.finished(), "the last activity batch is followed by the files");
    assertTrue(audit.events.isEmpty(), "audited once, at the end");
    JobOutcome third = run(retention, second.nextPayload());
    assertTrue(third.finished());

    Instant cutoff = AS_OF.minus(730, ChronoUnit.DAYS);
    assertEquals(
        List.of(
            "activities " + cutoff + " logged=false batch=" + CaptureRetention.BATCH,
            "activities " + cutoff + " logged=false batch=" + CaptureRetention.BATCH,
            "blobs " + AS_OF.minus(1, ChronoUnit.HOURS)),
        expiry.asked);
    assertEquals(1, audit.events.size());
    String event = audit.events.get(0);
    assertTrue(event.startsWith("org1 null capture.retention ok 503 activities older than 730"));
    assertTrue(event.contains("manually logged ones kept"), event);
    assertTrue(event.endsWith("and 2 attachment files no longer referenced deleted"), event);
  }

  @Test
  void anOrgThatDoesNotRetainLoggedActivitiesHasThemDeletedToo() {
    ScriptedExpiry expiry = new ScriptedExpiry();
    expiry.activities.add(0);
    expiry.blobs.add(0);
    Settings settings = new Settings();
    CaptureRules d = CaptureRules.DEFAULTS;
    settings.rules =
        new CaptureRules(
            d.backfillDays(),
            30,
            false,
            false,
            false,
            false,
            List.of(),
            List.of(),
            List.of(),
            "Private",
            false);
    Audit audit = new Audit();
    CaptureRetention retention = retention(expiry, settings, audit);
    JobOutcome first = run(retention, CaptureRetention.Progress.start(AS_OF).toPayload());
    assertTrue(run(retention, first.nextPayload()).finished());
    assertEquals(
        "activities " + AS_OF.minus(30, ChronoUnit.DAYS) + " logged=true batch=500",
        expiry.asked.get(0));
    assertTrue(audit.events.get(0).contains("captured and manually logged"), audit.events.get(0));
  }

  @Test
  void progressSurvivesTheRoundTripThroughThePayload() {
    CaptureRetention.Progress p =
        CaptureRetention.Progress.start(AS_OF.plusMillis(450)).withActivities(7, true).withBlobs(2);
    assertEquals(p, CaptureRetention.Progress.parse(p.toPayload()));
    assertEquals(AS_OF, p.asOf());
  }
}
