package io.mailbridge.platform.database.control;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

/**
 * Starts the schema migration when Weld begins (README, "Start-up"): Liquibase on an empty database
 * takes seconds that would otherwise follow the rest of the deployment instead of running beside
 * it.
 */
public class SchemaMigrationHeadStart implements Extension {

  void begin(@Observes BeforeBeanDiscovery discovery) {
    SchemaMigration.beginEarly();
  }
}
