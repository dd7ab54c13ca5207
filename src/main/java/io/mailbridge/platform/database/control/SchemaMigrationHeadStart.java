package io.mailbridge.platform.database.control;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.service.spi.ServiceContributor;

/**
 * Starts the schema migration at the first of Mailbridge's code a deployment runs (README,
 * "Start-up"): Liquibase on an empty database takes seconds that would otherwise follow the rest of
 * the deployment instead of running beside it.
 *
 * <p>Two triggers, whichever comes first (the second finds the migration begun): Hibernate building
 * the persistence unit, which Payara does while it prepares the application, about 4 s before Weld
 * starts on two cores; and Weld starting, for a server that builds the persistence unit later.
 */
public class SchemaMigrationHeadStart implements Extension, ServiceContributor {

  void begin(@Observes BeforeBeanDiscovery discovery) {
    SchemaMigration.beginEarly();
  }

  @Override
  public void contribute(StandardServiceRegistryBuilder registry) {
    SchemaMigration.beginEarly();
  }
}
