package io.mailbridge.capture.control;

import io.mailbridge.crm.control.ActivityExpiry;
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
 * Once a day queues the retention job of every org that has activities; the jobs do the deleting in
 * batches on the job queue, and the queue's dedup key makes the timers of several nodes queue one
 * run per org.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class CaptureRetentionTimer {

  private static final Logger LOG = Logger.getLogger(CaptureRetentionTimer.class.getName());

  @Inject ActivityExpiry expiry;
  @Inject CaptureRetention retention;
  @Inject StartupState startup;

  // Read at every tick: a node whose job pump is off does not queue work either.
  @Inject
  @ConfigProperty(name = "mailbridge.jobs.enabled", defaultValue = "true")
  Provider<Boolean> jobsEnabled;

  Clock clock = Clock.systemUTC();

  // 03:17 UTC: away from the full hour other schedules crowd.
  @Schedule(hour = "3", minute = "17", persistent = false, info = "capture retention")
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void daily() {
    if (!jobsEnabled.get() || !startup.isReady()) {
      return;
    }
    try {
      Instant now = clock.instant();
      int orgs = 0;
      for (String orgId : expiry.orgsWithActivities()) {
        try {
          retention.requestFor(orgId, now);
          orgs++;
        } catch (RuntimeException raced) {
          // Another node queued it at the same moment (dedup key): one run is enough.
          LOG.log(Level.FINE, "Retention of org " + orgId + " not queued", raced);
        }
      }
      int queued = orgs;
      LOG.info(() -> "Capture retention queued for " + queued + " org(s)");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Queueing capture retention failed; it runs again tomorrow", e);
    }
  }
}
