package io.mailbridge.platform.jobs.control;

import io.mailbridge.platform.startup.control.StartupState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The job queue in the server's metrics: {@code mailbridge_job_runs_total} counts how this node's
 * runs ended, by kind; {@code mailbridge_jobs} tells how many jobs of each kind are queued,
 * scheduled, running and parked. The queue is shared by all nodes, so its counts are read from the
 * database (every node reports the same numbers), at most once per {@code
 * mailbridge.metrics.job-counts-max-age} however often the endpoint is scraped.
 */
@ApplicationScoped
public class JobMetrics {

  private static final Logger LOG = Logger.getLogger(JobMetrics.class.getName());

  static final Metadata RUNS =
      Metadata.builder()
          .withName("mailbridge_job_runs")
          .withDescription(
              "Job runs on this node by kind and outcome: succeeded, continued (a batch done, more"
                  + " to come), retried, parked (out of attempts), lease_lost (another node took"
                  + " over)")
          .build();

  static final Metadata JOBS =
      Metadata.builder()
          .withName("mailbridge_jobs")
          .withDescription(
              "Unfinished jobs by kind and state: queued (due), scheduled (waiting for their time,"
                  + " retries included), running, parked; the same on every node")
          .build();

  static final List<String> STATES = List.of("queued", "scheduled", "running", "parked");

  /** How a run ended, as the outcome label. */
  enum RunOutcome {
    SUCCEEDED,
    CONTINUED,
    RETRIED,
    PARKED,
    LEASE_LOST;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Inject MetricRegistry registry;
  @Inject JobStore store;
  @Inject JobRunner runner;
  @Inject StartupState startup;

  @Inject
  @ConfigProperty(name = "mailbridge.metrics.job-counts-max-age", defaultValue = "PT15S")
  Duration maxAge;

  private Map<String, Long> counts = Map.of();
  private long countedAt;
  private boolean counted;

  /** A gauge per kind that has a handler and per state, so each series exists from the start. */
  void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
    for (String kind : runner.kinds()) {
      for (String state : STATES) {
        registry.gauge(
            JOBS, () -> count(kind, state), new Tag("kind", kind), new Tag("state", state));
      }
    }
  }

  /** Counts one run of a job of this kind (a constant of the code, never data). */
  void ran(String kind, RunOutcome outcome) {
    registry.counter(RUNS, new Tag("kind", kind), new Tag("outcome", outcome.label())).inc();
  }

  private long count(String kind, String state) {
    return current().getOrDefault(kind + '\n' + state, 0L);
  }

  private synchronized Map<String, Long> current() {
    long now = System.nanoTime();
    if (counted && now - countedAt < maxAge.toNanos()) {
      return counts;
    }
    if (!startup.isReady()) {
      return counts;
    }
    try {
      Map<String, Long> fresh = new HashMap<>();
      for (JobCount count : store.countUnfinished()) {
        fresh.put(count.kind() + '\n' + count.state(), count.count());
      }
      counts = fresh;
    } catch (RuntimeException e) {
      // The database's readiness check reports it; the last counts stay until it answers again.
      LOG.log(Level.FINE, "The job counts could not be read", e);
    }
    countedAt = now;
    counted = true;
    return counts;
  }
}
