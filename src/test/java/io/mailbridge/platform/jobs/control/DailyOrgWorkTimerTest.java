package io.mailbridge.platform.jobs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DailyOrgWorkTimerTest {

  private static final Instant NOW = Instant.parse("2026-11-30T03:17:00Z");

  /** Work over fixed orgs that records what was queued and refuses the orgs it is told to. */
  private static class Recorded implements DailyOrgWork {
    final List<String> orgs;
    final List<String> refused;
    final List<String> queued = new ArrayList<>();

    Recorded(List<String> orgs, List<String> refused) {
      this.orgs = orgs;
      this.refused = refused;
    }

    @Override
    public String name() {
      return "test work";
    }

    @Override
    public List<String> orgs() {
      return orgs;
    }

    @Override
    public void queueFor(String orgId, Instant now) {
      assertEquals(NOW, now);
      if (refused.contains(orgId)) {
        throw new IllegalStateException("duplicate dedup key");
      }
      queued.add(orgId);
    }
  }

  @Test
  void anOrgAnotherNodeQueuedFirstIsSkippedAndTheOthersAreQueued() {
    Recorded work = new Recorded(List.of("org-a", "org-b", "org-c"), List.of("org-b"));
    assertEquals(2, DailyOrgWorkTimer.queue(work, NOW));
    assertEquals(List.of("org-a", "org-c"), work.queued);
  }

  @Test
  void workWhoseOrgsCannotBeListedQueuesNothingAndDoesNotThrow() {
    DailyOrgWork broken =
        new Recorded(List.of(), List.of()) {
          @Override
          public List<String> orgs() {
            throw new IllegalStateException("database down");
          }
        };
    assertEquals(0, DailyOrgWorkTimer.queue(broken, NOW));
  }
}
