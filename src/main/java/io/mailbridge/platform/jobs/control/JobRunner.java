package io.mailbridge.platform.jobs.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Runs claimed jobs through the handler of their kind and records the outcome. */
@ApplicationScoped
public class JobRunner {

  private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());

  @Inject @Any Instance<JobHandler> handlers;
  @Inject JobExecution execution;
  @Inject JobStore store;

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

  public void run(ClaimedJob job) {
    JobHandler handler = byKind.get(job.kind());
    try {
      if (handler == null) {
        throw new IllegalStateException("No handler for job kind " + job.kind());
      }
      JobOutcome outcome = execution.execute(handler, job);
      if (!store.finish(job, outcome)) {
        LOG.warning(() -> "Job " + job.id() + " finished after its lease passed to another node");
      }
    } catch (RetryLater later) {
      store.fail(job, later, later.after());
      LOG.info(() -> "Job " + job.id() + " (" + job.kind() + ") will retry in " + later.after());
    } catch (Exception e) {
      RetryDecision decision = RetryDecision.of(e);
      store.fail(job, e, decision);
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
    }
  }
}
