package io.mailbridge.platform.jobs.control;

import io.mailbridge.platform.startup.control.StartupState;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.time.Clock;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every node's daily timer (non-persistent, so it fires on each node) that queues each {@link
 * DailyOrgWork} for its orgs; the jobs then run on the queue like any other.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DailyOrgWorkTimer {

  private static final Logger LOG = Logger.getLogger(DailyOrgWorkTimer.class.getName());

  @Inject @Any Instance<DailyOrgWork> work;
  @Inject StartupState startup;

  // Read at every tick: a node whose job pump is off does not queue work either.
  @Inject
  @ConfigProperty(name = "mailbridge.jobs.enabled", defaultValue = "true")
  Provider<Boolean> jobsEnabled;

  Clock clock = Clock.systemUTC();

  // 03:17 UTC: away from the full hour other schedules crowd.
  @Schedule(hour = "3", minute = "17", persistent = false, info = "daily org work")
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void daily() {
    if (!jobsEnabled.get() || !startup.isReady()) {
      return;
    }
    for (DailyOrgWork each : work) {
      queue(each, clock.instant());
    }
  }

  /** Queues one kind of work for each of its orgs; answers for how many orgs it was queued. */
  static int queue(DailyOrgWork work, Instant now) {
    int orgs = 0;
    try {
      for (String orgId : work.orgs()) {
        try {
          work.queueFor(orgId, now);
          orgs++;
        } catch (RuntimeException raced) {
          // Another node queued it at the same moment (dedup key): one run is enough.
          LOG.log(Level.FINE, "The " + work.name() + " of org " + orgId + " was not queued", raced);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING, "Queueing the " + work.name() + " failed; it is tried again tomorrow", e);
      return orgs;
    }
    int queued = orgs;
    LOG.info(() -> "The " + work.name() + " was queued for " + queued + " org(s)");
    return orgs;
  }
}
