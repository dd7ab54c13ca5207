package io.mailbridge.platform.database.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Applies the Liquibase changelogs once at deployment, before any other bean touches the database;
 * beans that need the schema declare {@code @DependsOn("SchemaMigration")}.
 */
@Singleton
@Startup
public class SchemaMigration {

  static final String CHANGELOG = "liquibase/db.changelog-master.xml";
  private static final Logger LOG = Logger.getLogger(SchemaMigration.class.getName());

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  private volatile boolean complete;

  // Liquibase commits on its own connection, so it must not run inside a container transaction.
  @PostConstruct
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void migrate() {
    long started = System.nanoTime();
    try (Connection connection = dataSource.getConnection()) {
      Database database =
          DatabaseFactory.getInstance()
              .findCorrectDatabaseImplementation(new JdbcConnection(connection));
      @SuppressWarnings("deprecation")
      Liquibase liquibase =
          new Liquibase(
              CHANGELOG, new ClassLoaderResourceAccessor(getClass().getClassLoader()), database);
      liquibase.update(new Contexts(), new LabelExpression());
      complete = true;
      LOG.info(
          () ->
              "Database schema is up to date on "
                  + database.getDatabaseProductName()
                  + " ("
                  + (System.nanoTime() - started) / 1_000_000
                  + " ms)");
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "Database migration failed; Mailbridge stays not ready", e);
      throw new IllegalStateException("Database migration failed", e);
    }
  }

  public boolean isComplete() {
    return complete;
  }
}
