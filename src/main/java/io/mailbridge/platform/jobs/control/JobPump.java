package io.mailbridge.platform.jobs.control;

import io.mailbridge.platform.startup.control.StartupState;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every node's job pump: a non-persistent timer (so it fires on every node) that claims due jobs up
 * to the free worker slots and runs them on the node's job workers.
 *
 * <p>Besides the tick, a pass starts when a job is queued on this node, when a run ends, and when a
 * job this node ran comes due again sooner than the next tick (a capture run paced for a second):
 * otherwise such a job would wait for the tick, up to two seconds of nothing done.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class JobPump {

  private static final Logger LOG = Logger.getLogger(JobPump.class.getName());

  /** Identifies this node's leases; unique per process so a restarted node never reuses one. */
  static final String NODE_OWNER = "node-" + UUID.randomUUID();

  /** The timer's period (the {@code @Schedule} below). */
  static final Duration TICK = Duration.ofSeconds(2);

  /**
   * A job due again within this long gets a pass of its own when it comes due; a later one waits
   * for the tick. A paced capture run waits seconds for its mailbox's budget, and coming back up to
   * a tick late would leave that budget unspent meanwhile.
   */
  static final Duration NUDGE_HORIZON = Duration.ofMinutes(2);

  /** Added to a job's delay, so the pass it asks for finds the job due rather than just not. */
  static final Duration DUE_MARGIN = Duration.ofMillis(50);

  /**
   * How long an idle job worker waits for the next job before its thread ends; a busy node keeps
   * its workers, an idle one holds no threads.
   */
  static final Duration WORKER_IDLE = Duration.ofMinutes(1);

  @Resource ManagedThreadFactory threads;
  @Resource ManagedScheduledExecutorService scheduler;
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

  /**
   * How long the switch's last reading stands; reading it through MicroProfile Config is not free.
   */
  static final Duration SWITCH_READ_EVERY = Duration.ofSeconds(1);

  private volatile boolean lastSwitch;
  private volatile long switchReadAt;
  private volatile boolean switchRead;

  /**
   * The threads jobs and passes run on: made by the managed thread factory, so each carries the
   * application's context from its start, and a job handed over is only queued. The managed
   * executor captured the caller's context for every task it took (Payara looks its context
   * providers up through the service loader each time, across the WAR's jars): a few percent of a
   * capture backfill's CPU at one job per page.
   */
  Executor workers;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean pumping = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();

  @PostConstruct
  void startWorkers() {
    // One more thread than job slots, for the passes a nudge asks for.
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            concurrency + 1,
            concurrency + 1,
            WORKER_IDLE.toMillis(),
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            threads);
    pool.allowCoreThreadTimeOut(true);
    workers = pool;
  }

  /**
   * Stops the workers with the application. A job cut short keeps its lease and runs again once it
   * expires, as after a crash; each run reads from its stored cursor.
   */
  @PreDestroy
  void stopWorkers() {
    if (workers instanceof ExecutorService pool) {
      pool.shutdownNow();
    }
  }

  @Schedule(second = "*/2", minute = "*", hour = "*", persistent = false, info = "job pump")
  void tick() {
    if (enabledNow() && startup.isReady()) {
      dispatch();
    }
  }

  /**
   * One pass of the pump: claims due jobs up to the free worker slots and hands them to the job
   * workers, as every tick does; answers how many it handed over. Public so that a test can make
   * the pump pass while the timer is switched off, and so exercise the workers' threads (whose
   * container context differs from a request's).
   */
  public int dispatch() {
    int handed = 0;
    do {
      if (!pumping.compareAndSet(false, true)) {
        return handed; // the pass under way sees the request and passes again
      }
      again.set(false);
      try {
        handed += pass();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "The job pump could not claim jobs; it tries again shortly", e);
        return handed;
      } finally {
        pumping.set(false);
      }
    } while (again.get());
    return handed;
  }

  /**
   * Asks for a pass now rather than at the next tick: a job was queued on this node, or a run ended
   * and freed a worker (and perhaps made the jobs waiting for it due). Cheap when nothing is due:
   * one claim query. Does nothing while the pump is paused, as the tick.
   */
  public void nudge() {
    if (!enabledNow() || !startup.isReady()) {
      return;
    }
    // Set before looking at the pass under way: either it sees the flag when it ends, or this
    // sees it ended and starts one.
    again.set(true);
    if (pumping.get()) {
      return;
    }
    try {
      workers.execute(this::dispatch);
    } catch (RejectedExecutionException busy) {
      // The next tick passes.
    }
  }

  /**
   * The pass a run that ended asks for, on the worker it ran on, rather than queued behind the jobs
   * as {@link #nudge} does: the slot it frees is filled at once.
   */
  private void passOnThisThread() {
    if (!enabledLately() || !startup.isReady()) {
      return;
    }
    again.set(true);
    dispatch();
  }

  /** Whether the pump runs on this node, read now. */
  private boolean enabledNow() {
    boolean on = Boolean.TRUE.equals(enabled.get());
    lastSwitch = on;
    switchReadAt = System.nanoTime();
    switchRead = true;
    return on;
  }

  /**
   * Whether the pump runs on this node, as read within the last {@link #SWITCH_READ_EVERY}: for the
   * pass at the end of each run, where a look-up through Payara's config sources (one of them a
   * JNDI look-up that fails with an exception for a key not set there) was a few percent of a
   * backfill's CPU. The tick and a nudge read it now, so switching the pump off takes effect at
   * once for them, and for a run's pass within that second.
   */
  private boolean enabledLately() {
    if (!switchRead || System.nanoTime() - switchReadAt >= SWITCH_READ_EVERY.toNanos()) {
      return enabledNow();
    }
    return lastSwitch;
  }

  /** Asks for a pass when a job comes due again, if that is within {@link #NUDGE_HORIZON}. */
  void nudgeAfter(Duration delay) {
    if (delay == null
        || delay.isNegative()
        || delay.isZero()
        || delay.compareTo(NUDGE_HORIZON) > 0) {
      return;
    }
    try {
      scheduler.schedule(this::nudge, delay.plus(DUE_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException busy) {
      // The next tick passes.
    }
  }

  /** Observes queued jobs once their transaction committed; a rolled-back job is not there. */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public void queued(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobQueued job) {
    nudge();
  }

  private int pass() {
    int handed = 0;
    int free = concurrency - inFlight.get();
    List<ClaimedJob> claimed = store.claim(NODE_OWNER, free, lease);
    for (ClaimedJob job : claimed) {
      inFlight.incrementAndGet();
      try {
        workers.execute(
            () -> {
              Duration dueAgain = null;
              try {
                dueAgain = runner.run(job);
              } catch (RuntimeException e) {
                // Recording the run failed (the database went away): the lease runs out and
                // another pass takes the job again; the worker's thread goes on.
                LOG.log(Level.WARNING, "Could not record how job " + job.id() + " ended", e);
              } finally {
                inFlight.decrementAndGet();
                passOnThisThread();
                nudgeAfter(dueAgain);
              }
            });
        handed++;
      } catch (RejectedExecutionException busy) {
        // The lease expires and another pass picks the job up again.
        inFlight.decrementAndGet();
      }
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
