package io.mailbridge.platform.web.boundary;

import io.mailbridge.platform.database.control.SchemaMigration;
import io.mailbridge.platform.startup.control.StartupState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the schema is migrated and the keys Mailbridge needs are loaded. */
@Readiness
@ApplicationScoped
public class MigrationReadiness implements HealthCheck {

  @Inject SchemaMigration migration;
  @Inject StartupState startup;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("mailbridge-database")
        .status(migration.isComplete() && startup.isReady())
        .withData("migrated", migration.isComplete())
        .withData("keysLoaded", startup.isReady())
        .build();
  }
}
