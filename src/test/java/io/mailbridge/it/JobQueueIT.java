package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.support.CountingJobHandler;
import io.mailbridge.it.support.FailingJobHandler;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.platform.jobs.control.JobPump;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobState;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.JobView;
import io.mailbridge.platform.jobs.control.NewJob;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The database job queue. The suite runs with the timer pump paused (mailbridge.jobs.enabled=false)
 * so each test drives the pumps it needs; one test switches the timer on to see it work.
 */
@ExtendWith(ArquillianExtension.class)
class JobQueueIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject JobStore store;
  @Inject JobPump pump;
  @Inject JobRunner runner;
  @Inject RawDatabase raw;

  @Test
  void twoPumpsClaimingConcurrentlyRunEachJobExactlyOnce() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      ids.add(store.enqueue(NewJob.of(CountingJobHandler.KIND, null, "n" + i)));
    }
    ExecutorService threads = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    Callable<Integer> pumpA =
        () -> {
          start.await();
          return pump.drain("it-pump-A", 3);
        };
    Callable<Integer> pumpB =
        () -> {
          start.await();
          return pump.drain("it-pump-B", 3);
        };
    Future<Integer> a = threads.submit(pumpA);
    Future<Integer> b = threads.submit(pumpB);
    start.countDown();
    int ranByA = a.get();
    int ranByB = b.get();
    threads.shutdown();

    for (String id : ids) {
      Queue<String> runs = CountingJobHandler.RUNS.get(id);
      assertEquals(1, runs == null ? 0 : runs.size(), "job " + id + " ran by " + runs);
      assertEquals(JobState.DONE, store.find(id).orElseThrow().state());
    }
    Set<String> owners =
        ids.stream().map(id -> CountingJobHandler.RUNS.get(id).peek()).collect(Collectors.toSet());
    assertTrue(
        ranByA + ranByB >= ids.size(), "the two pumps ran all jobs: " + ranByA + " + " + ranByB);
    assertTrue(
        owners.containsAll(Set.of("it-pump-A", "it-pump-B")), "both pumps got work: " + owners);
  }

  @Test
  void aFailingJobBacksOffExponentiallyThenIsParked() throws Exception {
    String id = store.enqueue(NewJob.of(FailingJobHandler.KIND, null, "plain").withMaxAttempts(3));

    runOnce(id);
    JobView first = store.find(id).orElseThrow();
    assertEquals(JobState.READY, first.state());
    assertEquals(1, first.attempts());
    assertTrue(first.lastError().contains("planned failure on attempt 1"), first.lastError());
    assertBetween(Duration.ofSeconds(10), Duration.ofSeconds(11), delayOf(id));
    assertEquals(0, claimSpecific(id, "it-impatient"), "not retried before its backoff is over");

    makeDue(id);
    runOnce(id);
    assertEquals(2, store.find(id).orElseThrow().attempts());
    assertBetween(Duration.ofSeconds(20), Duration.ofSeconds(22), delayOf(id));

    makeDue(id);
    runOnce(id);
    JobView parked = store.find(id).orElseThrow();
    assertEquals(JobState.PARKED, parked.state());
    assertEquals(3, parked.attempts());
    assertTrue(parked.lastError().contains("attempt 3"), parked.lastError());
    makeDue(id);
    assertEquals(0, claimSpecific(id, "it-after-park"), "a parked job is not claimed again");
  }

  @Test
  void aHandlerCanSayWhenToRetry() throws Exception {
    String id = store.enqueue(NewJob.of(FailingJobHandler.KIND, null, "retry-after:PT42S"));
    runOnce(id);
    assertEquals(JobState.READY, store.find(id).orElseThrow().state());
    assertEquals(Duration.ofSeconds(42), delayOf(id));
  }

  @Test
  void anExpiredLeaseIsClaimedAgainAndTheLateOwnerCannotFinish() throws Exception {
    String id = store.enqueue(NewJob.of(CountingJobHandler.KIND, null, "lease"));
    // Long enough that the "too early" claim below never outlives it on a slow machine (a 300 ms
    // lease once expired before that claim under CI load).
    ClaimedJob dead = claimUntil(id, "it-dead-node", Duration.ofSeconds(3));
    assertEquals("it-dead-node", store.find(id).orElseThrow().leaseOwner());
    assertEquals(0, claimSpecific(id, "it-too-early"), "a live lease is respected");

    Thread.sleep(3_300);
    ClaimedJob rescued = claimUntil(id, "it-rescuer", Duration.ofMinutes(1));
    assertEquals(2, rescued.attempt());
    assertFalse(
        store.finish(dead, JobOutcome.done()),
        "the node that lost its lease cannot record an outcome");
    runner.run(rescued);
    assertEquals(JobState.DONE, store.find(id).orElseThrow().state());
    assertEquals(List.of("it-rescuer"), List.copyOf(CountingJobHandler.RUNS.get(id)));
  }

  @Test
  void theSameDedupKeyIsQueuedOnceUntilTheJobIsDone() throws Exception {
    String key = "it-dedup-" + UUID.randomUUID();
    String first = store.enqueue(NewJob.of(CountingJobHandler.KIND, null, "x").dedupedBy(key));
    String second = store.enqueue(NewJob.of(CountingJobHandler.KIND, null, "y").dedupedBy(key));
    assertEquals(first, second);
    runOnce(first);
    assertEquals(JobState.DONE, store.find(first).orElseThrow().state());
    String third = store.enqueue(NewJob.of(CountingJobHandler.KIND, null, "z").dedupedBy(key));
    assertTrue(!third.equals(first), "once done, the same work can be queued again");
    runOnce(third);
  }

  @Test
  void aJobWaitingForAnotherRunBecomesDueWhenThatRunEnds() throws Exception {
    String work = "overlap-" + UUID.randomUUID();
    String firstId = store.enqueue(NewJob.of(CountingJobHandler.KIND, null, work));
    ClaimedJob first = claimUntil(firstId, "it-node-A", Duration.ofMinutes(1));
    Thread.sleep(20); // claimed strictly later, so the order does not hang on the ids
    String secondId = store.enqueue(NewJob.of(CountingJobHandler.KIND, null, work));
    ClaimedJob second = claimUntil(secondId, "it-node-B", Duration.ofMinutes(1));

    assertEquals(
        java.util.Optional.of(firstId), store.runClaimedEarlierElsewhere(second, List.of(work)));
    assertEquals(
        java.util.Optional.empty(),
        store.runClaimedEarlierElsewhere(first, List.of(work)),
        "the run claimed first goes on");
    assertTrue(
        store.finish(second, JobOutcome.continueAfterRunOf(firstId, work, Duration.ofMinutes(10))));
    assertBetween(
        Duration.ofMinutes(9),
        Duration.ofMinutes(11),
        Duration.between(Instant.now(), runAt(secondId)));

    runner.run(first);
    assertEquals(JobState.DONE, store.find(firstId).orElseThrow().state());
    assertTrue(
        !runAt(secondId).isAfter(Instant.now()), "due as soon as the run it waited for ended");
    runOnce(secondId);
    assertEquals(JobState.DONE, store.find(secondId).orElseThrow().state());
  }

  @Test
  void theTimerPumpRunsDueJobsWhenEnabled() throws Exception {
    String id = store.enqueue(NewJob.of(CountingJobHandler.KIND, null, "timer"));
    System.setProperty("mailbridge.jobs.enabled", "true");
    try {
      for (int i = 0; i < 150 && store.find(id).orElseThrow().state() != JobState.DONE; i++) {
        Thread.sleep(200);
      }
    } finally {
      System.setProperty("mailbridge.jobs.enabled", "false");
    }
    assertEquals(JobState.DONE, store.find(id).orElseThrow().state(), "the timer pump ran the job");
    String owner = CountingJobHandler.RUNS.get(id).peek();
    assertTrue(owner.startsWith("node-"), "run under the node's own lease owner, was " + owner);
  }

  private void runOnce(String id) throws InterruptedException {
    runner.run(claimUntil(id, "it-runner", Duration.ofMinutes(1)));
  }

  /** Claims until this job is among the claimed; other due jobs claimed on the way are run. */
  private ClaimedJob claimUntil(String id, String owner, Duration lease)
      throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      ClaimedJob wanted = null;
      for (ClaimedJob job : store.claim(owner, 20, lease)) {
        if (job.id().equals(id)) {
          wanted = job;
        } else {
          runner.run(job);
        }
      }
      if (wanted != null) {
        return wanted;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + id + " could not be claimed: " + store.find(id));
  }

  private int claimSpecific(String id, String owner) {
    int found = 0;
    for (ClaimedJob job : store.claim(owner, 50, Duration.ofMinutes(1))) {
      if (job.id().equals(id)) {
        found++;
      }
      runner.run(job);
    }
    return found;
  }

  /** How far after the failure was recorded the next attempt is due. */
  private Duration delayOf(String id) throws Exception {
    Instant recordedAt = raw.instant("SELECT updated_at FROM job WHERE id = ?", id);
    return Duration.between(recordedAt, store.find(id).orElseThrow().runAt());
  }

  private Instant runAt(String id) {
    return store.find(id).orElseThrow().runAt();
  }

  private void makeDue(String id) throws Exception {
    raw.update(
        "UPDATE job SET run_at = ? WHERE id = ?",
        LocalDateTime.ofInstant(Instant.now().minusSeconds(1), ZoneOffset.UTC),
        id);
  }

  private static void assertBetween(Duration low, Duration high, Duration actual) {
    assertTrue(
        actual.compareTo(low) >= 0 && actual.compareTo(high) <= 0,
        actual + " not within " + low + ".." + high);
  }
}
