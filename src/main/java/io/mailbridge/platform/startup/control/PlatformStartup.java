package io.mailbridge.platform.startup.control;

import io.mailbridge.platform.database.control.SchemaMigration;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

/**
 * Start-up after migration: announces {@link PlatformStarted} to the rooms that have start-up work
 * (they observe it; this class knows none of them), then declares the server ready.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
public class PlatformStartup {

  @Inject Event<PlatformStarted> started;
  @Inject StartupState state;
  @Inject SchemaMigration migration;

  @PostConstruct
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void start() {
    if (!migration.isComplete()) {
      return;
    }
    state.markMigrated();
    started.fire(new PlatformStarted());
    state.markReady();
  }
}
