package io.mailbridge.platform.jobs.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs claimed jobs through the handler of their kind and records the outcome, in the metrics too.
 */
@ApplicationScoped
public class JobRunner {

  private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());

  @Inject @Any Instance<JobHandler> handlers;
  @Inject JobExecution execution;
  @Inject JobStore store;
  @Inject JobMetrics metrics;

  private final Map<String, JobHandler> byKind = new HashMap<>();

  @PostConstruct
  void index() {
    for (JobHandler handler : handlers) {
      JobHandler previous = byKind.put(handler.kind(), handler);
      if (previous != null) {
        throw new IllegalStateException("Two handlers for job kind " + handler.kind());
      }
    }
  }

  /** The kinds this node has a handler for. */
  public Set<String> kinds() {
    return Set.copyOf(byKind.keySet());
  }

  /**
   * Runs the job and records how it ended; answers how long until it is due again when it goes on
   * after a wait it named (a continuation's delay, a Retry-After), else null.
   */
  public Duration run(ClaimedJob job) {
    JobHandler handler = byKind.get(job.kind());
    try {
      if (handler == null) {
        throw new IllegalStateException("No handler for job kind " + job.kind());
      }
      JobOutcome outcome = execution.execute(handler, job);
      if (!store.finish(job, outcome)) {
        metrics.ran(job.kind(), JobMetrics.RunOutcome.LEASE_LOST);
        LOG.warning(() -> "Job " + job.id() + " finished after its lease passed to another node");
        return null;
      }
      metrics.ran(
          job.kind(),
          outcome.finished() ? JobMetrics.RunOutcome.SUCCEEDED : JobMetrics.RunOutcome.CONTINUED);
      return outcome.finished() || outcome.waitsFor() != null ? null : outcome.delay();
    } catch (RetryLater later) {
      Optional<JobState> now = store.fail(job, later, later.after());
      metrics.ran(job.kind(), failed(now));
      LOG.info(() -> "Job " + job.id() + " (" + job.kind() + ") will retry in " + later.after());
      return now.isPresent() && now.get() != JobState.PARKED ? later.after() : null;
    } catch (Exception e) {
      RetryDecision decision = RetryDecision.of(e);
      metrics.ran(job.kind(), failed(store.fail(job, e, decision)));
      LOG.log(
          decision.parks() ? Level.INFO : Level.WARNING,
          "Job "
              + job.id()
              + " ("
              + job.kind()
              + ") failed on attempt "
              + job.attempt()
              + (decision.parks() ? "; parked: it needs a person to act" : ""),
          e);
      return null;
    }
  }

  private static JobMetrics.RunOutcome failed(Optional<JobState> now) {
    if (now.isEmpty()) {
      return JobMetrics.RunOutcome.LEASE_LOST;
    }
    return now.get() == JobState.PARKED
        ? JobMetrics.RunOutcome.PARKED
        : JobMetrics.RunOutcome.RETRIED;
  }
}
