package io.mailbridge.platform.web.boundary;

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

  // Only the CDI state: SchemaMigration is an EJB, and calling it while the container is still
  // initializing throws, which Payara logged as a warning for every probe during start-up.
  @Inject StartupState startup;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("mailbridge-database")
        .status(startup.isMigrated() && startup.isReady())
        .withData("migrated", startup.isMigrated())
        .withData("keysLoaded", startup.isReady())
        .build();
  }
}
