package io.mailbridge.it.support;

import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A test job kind that records which lease owner ran which job, and how often. */
@ApplicationScoped
public class CountingJobHandler implements JobHandler {

  public static final String KIND = "it.counting";
  public static final Map<String, Queue<String>> RUNS = new ConcurrentHashMap<>();

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public JobOutcome run(ClaimedJob job) throws InterruptedException {
    RUNS.computeIfAbsent(job.id(), id -> new ConcurrentLinkedQueue<>()).add(job.leaseOwner());
    Thread.sleep(5); // widen the window in which two pumps could collide
    return JobOutcome.done();
  }
}
