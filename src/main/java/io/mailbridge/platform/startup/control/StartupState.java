package io.mailbridge.platform.startup.control;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * How far start-up has come: the schema migrated, then the start-up work after it (keys, bootstrap
 * admin) finished. A plain CDI bean on purpose: readiness probes ask it while the EJB container is
 * still initializing, when calling a start-up EJB throws (and Payara logs a warning per probe).
 */
@ApplicationScoped
public class StartupState {
  private volatile boolean migrated;
  private volatile boolean ready;

  public void markMigrated() {
    migrated = true;
  }

  public boolean isMigrated() {
    return migrated;
  }

  public void markReady() {
    ready = true;
  }

  public boolean isReady() {
    return ready;
  }
}
