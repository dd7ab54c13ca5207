package io.mailbridge.platform.jobs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.platform.startup.control.StartupState;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobPumpTest {

  private final Deque<Runnable> submitted = new ArrayDeque<>();
  private final Deque<List<ClaimedJob>> claimable = new ArrayDeque<>();
  private final List<String> ran = new ArrayList<>();
  private int claims;
  private Consumer<Integer> duringClaim = n -> {};
  private boolean enabled = true;
  private int switchReads;
  private Duration dueAgain;
  private final List<Scheduled> scheduled = new ArrayList<>();

  private record Scheduled(Runnable task, long afterMillis) {}

  private JobPump pump;

  @BeforeEach
  void pump() {
    pump = new JobPump();
    pump.workers = submitted::add;
    pump.scheduler =
        (ManagedScheduledExecutorService)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ManagedScheduledExecutorService.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("schedule") && args[0] instanceof Runnable task) {
                    scheduled.add(
                        new Scheduled(task, ((TimeUnit) args[2]).toMillis((Long) args[1])));
                    return null;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    pump.store =
        new JobStore() {
          @Override
          public List<ClaimedJob> claim(String owner, int limit, Duration lease) {
            claims++;
            duringClaim.accept(claims);
            return claimable.isEmpty() ? List.of() : claimable.poll();
          }
        };
    pump.runner =
        new JobRunner() {
          @Override
          public Duration run(ClaimedJob job) {
            ran.add(job.id());
            return dueAgain;
          }
        };
    pump.enabled =
        () -> {
          switchReads++;
          return enabled;
        };
    StartupState startup = new StartupState();
    startup.markReady();
    pump.startup = startup;
    pump.concurrency = 4;
    pump.lease = Duration.ofMinutes(5);
  }

  @Test
  void aNudgeWhileThePumpIsPausedStartsNoPass() {
    enabled = false;
    pump.nudge();
    assertTrue(submitted.isEmpty());
  }

  @Test
  void aNudgeStartsOnePassAtOnce() {
    pump.nudge();
    assertEquals(1, submitted.size());
    submitted.poll().run();
    assertEquals(1, claims);
  }

  @Test
  void aNudgeDuringAPassMakesThatPassClaimAgainInsteadOfStartingAnother() {
    duringClaim =
        n -> {
          if (n == 1) {
            pump.nudge(); // a job queued on another thread while this pass claims
          }
        };
    pump.dispatch();
    assertEquals(2, claims, "the pass claimed again for the job queued meanwhile");
    assertTrue(submitted.isEmpty(), "no second pass was started beside it");
  }

  @Test
  void aRunThatEndsPassesOnItsOwnThreadAndHandsOverWhatItClaims() {
    claimable.add(List.of(new ClaimedJob("job-1", "kind", null, "p", 1, JobPump.NODE_OWNER)));
    claimable.add(List.of(new ClaimedJob("job-2", "kind", null, "p", 1, JobPump.NODE_OWNER)));
    assertEquals(1, pump.dispatch());
    assertEquals(1, submitted.size(), "the claimed job went to the workers");
    submitted.poll().run();
    assertEquals(List.of("job-1"), ran);
    assertEquals(2, claims, "its end passed at once, with no pass of its own submitted");
    assertEquals(1, submitted.size(), "the job that pass claimed went to the workers");
    submitted.poll().run();
    assertEquals(List.of("job-1", "job-2"), ran);
  }

  @Test
  void aRunWhoseEndCannotBeRecordedFreesItsSlotAndLeavesTheWorkerGoing() {
    pump.concurrency = 1;
    pump.runner =
        new JobRunner() {
          @Override
          public Duration run(ClaimedJob job) {
            ran.add(job.id());
            throw new IllegalStateException("the database went away");
          }
        };
    claimable.add(List.of(new ClaimedJob("job-1", "kind", null, "p", 1, JobPump.NODE_OWNER)));
    claimable.add(List.of(new ClaimedJob("job-2", "kind", null, "p", 1, JobPump.NODE_OWNER)));
    assertEquals(1, pump.dispatch());
    submitted.poll().run(); // does not throw
    assertEquals(2, claims, "its end passed, its one slot free again");
    assertEquals(1, submitted.size(), "and the next job went to the workers");
    submitted.poll().run();
    assertEquals(List.of("job-1", "job-2"), ran);
  }

  @Test
  void aRunThatEndsUsesTheSwitchReadWithinTheSecondAndANudgeReadsItAgain() {
    claimable.add(List.of(new ClaimedJob("job-1", "kind", null, "p", 1, JobPump.NODE_OWNER)));
    pump.nudge();
    assertEquals(1, switchReads);
    submitted.poll().run();
    submitted.poll().run();
    assertEquals(List.of("job-1"), ran);
    assertEquals(2, claims, "the run's end passed");
    assertEquals(1, switchReads, "without reading the switch again");
    enabled = false;
    pump.nudge();
    assertEquals(2, switchReads);
    assertTrue(submitted.isEmpty(), "switched off, a nudge starts no pass");
  }

  @Test
  void aRunThatEndsWhileAPassIsUnderWayMakesThatPassClaimAgain() {
    claimable.add(List.of(new ClaimedJob("job-1", "kind", null, "p", 1, JobPump.NODE_OWNER)));
    pump.dispatch();
    Runnable run = submitted.poll();
    duringClaim =
        n -> {
          if (n == 2) {
            run.run(); // the run ends on its worker while this pass claims
          }
        };
    pump.dispatch();
    assertEquals(3, claims, "the pass under way claimed again for the freed worker");
  }

  @Test
  void aRunThatEndsWhileThePumpIsPausedPassesNoMore() {
    claimable.add(List.of(new ClaimedJob("job-1", "kind", null, "p", 1, JobPump.NODE_OWNER)));
    pump.dispatch();
    enabled = false;
    submitted.poll().run();
    assertEquals(1, claims);
  }

  @Test
  void aJobDueAgainSoonGetsAPassThen() {
    dueAgain = Duration.ofMillis(700); // a capture run paced until its budget frees
    claimable.add(List.of(new ClaimedJob("job-1", "kind", null, "p", 1, JobPump.NODE_OWNER)));
    pump.dispatch();
    submitted.poll().run();
    assertEquals(1, scheduled.size(), "a pass was asked for when the job is due");
    assertEquals(750, scheduled.get(0).afterMillis(), "its delay and the margin");

    submitted.clear();
    scheduled.get(0).task().run();
    assertEquals(1, submitted.size(), "the scheduled nudge started a pass");
  }

  @Test
  void aJobDueAfterTheTickButWithinTheHorizonGetsAPassThenToo() {
    // A paced run waits seconds for its budget; the tick would start it up to 2 s late.
    for (Duration later : new Duration[] {JobPump.TICK, JobPump.NUDGE_HORIZON}) {
      dueAgain = later;
      claimable.add(List.of(new ClaimedJob("job", "kind", null, "p", 1, JobPump.NODE_OWNER)));
      pump.dispatch();
      submitted.poll().run();
      submitted.clear();
    }
    assertEquals(
        List.of(2050L, 120_050L),
        scheduled.stream().map(s -> s.afterMillis()).toList(),
        "each asked for a pass when due");
  }

  @Test
  void aJobDueBeyondTheHorizonOrFinishedAsksForNoExtraPass() {
    for (Duration later :
        new Duration[] {
          null, Duration.ZERO, JobPump.NUDGE_HORIZON.plusMillis(1), Duration.ofHours(1)
        }) {
      dueAgain = later;
      claimable.add(List.of(new ClaimedJob("job", "kind", null, "p", 1, JobPump.NODE_OWNER)));
      pump.dispatch();
      submitted.poll().run();
      submitted.clear();
    }
    assertTrue(scheduled.isEmpty(), "the tick or the run's own end is soon enough");
  }
}
