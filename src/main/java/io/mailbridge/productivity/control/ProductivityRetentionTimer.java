package io.mailbridge.productivity.control;

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
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Once a day queues the productivity retention job of every org with scheduled sends, tracked
 * emails or availability offers; the queue's dedup key makes the timers of several nodes queue one
 * run per org.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ProductivityRetentionTimer {

  private static final Logger LOG = Logger.getLogger(ProductivityRetentionTimer.class.getName());

  @Inject ProductivityRetention retention;
  @Inject StartupState startup;

  // Read at every tick: a node whose job pump is off does not queue work either.
  @Inject
  @ConfigProperty(name = "mailbridge.jobs.enabled", defaultValue = "true")
  Provider<Boolean> jobsEnabled;

  Clock clock = Clock.systemUTC();

  // 03:47 UTC: half an hour after capture's retention, so the two do not run at once.
  @Schedule(hour = "3", minute = "47", persistent = false, info = "productivity retention")
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void daily() {
    if (!jobsEnabled.get() || !startup.isReady()) {
      return;
    }
    try {
      Instant now = clock.instant();
      int orgs = 0;
      for (String orgId : retention.orgsWithData()) {
        try {
          retention.requestFor(orgId, now);
          orgs++;
        } catch (RuntimeException raced) {
          // Another node queued it at the same moment (dedup key): one run is enough.
          LOG.log(Level.FINE, "Productivity retention of org " + orgId + " not queued", raced);
        }
      }
      int queued = orgs;
      LOG.info(() -> "Productivity retention queued for " + queued + " org(s)");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Queueing productivity retention failed; it runs again tomorrow", e);
    }
  }
}
