package io.mailbridge.sync.control;

import io.mailbridge.platform.startup.control.StartupState;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every minute, on every node, queues the contact and event sync of the users that are due
 * (interval passed, or CRM changes to send); the queue's dedup key makes the timers of several
 * nodes queue one job per user and kind.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class SyncTimer {

  private static final Logger LOG = Logger.getLogger(SyncTimer.class.getName());

  @Inject SyncSchedule schedule;
  @Inject StartupState startup;

  // Read at every tick: a node whose job pump is off does not queue work either.
  @Inject
  @ConfigProperty(name = "mailbridge.jobs.enabled", defaultValue = "true")
  Provider<Boolean> jobsEnabled;

  Clock clock = Clock.systemUTC();

  @Schedule(minute = "*", hour = "*", persistent = false, info = "contact and event sync")
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void tick() {
    if (!jobsEnabled.get() || !startup.isReady()) {
      return;
    }
    try {
      int queued = schedule.queueDue(clock.instant());
      if (queued > 0) {
        LOG.fine(() -> "Contact sync queued for " + queued + " user(s)");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Queueing contact sync failed; the next tick tries again", e);
    }
  }
}
