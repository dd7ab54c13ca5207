package io.mailbridge.platform.jobs.control;

import io.mailbridge.platform.startup.control.StartupState;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every node's job pump: a non-persistent timer (so it fires on every node) that claims due jobs up
 * to the free worker slots and runs them on the managed executor.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class JobPump {

  private static final Logger LOG = Logger.getLogger(JobPump.class.getName());

  /** Identifies this node's leases; unique per process so a restarted node never reuses one. */
  static final String NODE_OWNER = "node-" + UUID.randomUUID();

  @Resource ManagedExecutorService executor;
  @Inject JobStore store;
  @Inject JobRunner runner;
  @Inject StartupState startup;

  // Read at every tick, so an operator can pause the pump on a node without a restart.
  @Inject
  @ConfigProperty(name = "mailbridge.jobs.enabled", defaultValue = "true")
  Provider<Boolean> enabled;

  @Inject
  @ConfigProperty(name = "mailbridge.jobs.concurrency", defaultValue = "4")
  int concurrency;

  @Inject
  @ConfigProperty(name = "mailbridge.jobs.lease", defaultValue = "PT5M")
  Duration lease;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean pumping = new AtomicBoolean();

  @Schedule(second = "*/2", minute = "*", hour = "*", persistent = false, info = "job pump")
  void tick() {
    if (enabled.get() && startup.isReady()) {
      dispatch();
    }
  }

  /**
   * One pass of the pump: claims due jobs up to the free worker slots and hands them to the managed
   * executor, as every tick does; answers how many it handed over. Public so that a test can make
   * the pump pass while the timer is switched off, and so exercise the executor's threads (whose
   * container context differs from a request's).
   */
  public int dispatch() {
    if (!pumping.compareAndSet(false, true)) {
      return 0;
    }
    int handed = 0;
    try {
      int free = concurrency - inFlight.get();
      List<ClaimedJob> claimed = store.claim(NODE_OWNER, free, lease);
      for (ClaimedJob job : claimed) {
        inFlight.incrementAndGet();
        try {
          executor.execute(
              () -> {
                try {
                  runner.run(job);
                } finally {
                  inFlight.decrementAndGet();
                }
              });
          handed++;
        } catch (RejectedExecutionException busy) {
          // The lease expires and another pass picks the job up again.
          inFlight.decrementAndGet();
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "The job pump could not claim jobs; it tries again shortly", e);
    } finally {
      pumping.set(false);
    }
    return handed;
  }

  /**
   * Claims and runs due jobs on the calling thread under the given lease owner until three claims
   * in a row find nothing; returns how many ran. For operators' tools and tests that act as an
   * extra pump. A claim can come back empty while another pump holds the rows it looked at (H2
   * applies LIMIT before SKIP LOCKED), hence the retries.
   */
  public int drain(String owner, int batch) {
    int ran = 0;
    int emptyClaims = 0;
    while (emptyClaims < 3) {
      List<ClaimedJob> claimed = store.claim(owner, batch, lease);
      if (claimed.isEmpty()) {
        emptyClaims++;
        pause();
        continue;
      }
      emptyClaims = 0;
      for (ClaimedJob job : claimed) {
        runner.run(job);
        ran++;
      }
    }
    return ran;
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
