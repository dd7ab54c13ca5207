package io.mailbridge.platform.database.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
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
      String product = update(connection);
      complete = true;
      LOG.info(
          () ->
              "Database schema is up to date on "
                  + product
                  + " ("
                  + (System.nanoTime() - started) / 1_000_000
                  + " ms)");
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "Database migration failed; Mailbridge stays not ready", e);
      throw new IllegalStateException("Database migration failed", e);
    }
  }

  /**
   * Applies the changelogs on this connection; answers the database product's name. Liquibase's
   * usage analytics stay off: by default it fetches its configuration from config.liquibase.com at
   * every update (a call out, and a wait where the network drops it) and may send usage data.
   */
  static String update(Connection connection) throws Exception {
    return Scope.child(
        Map.of("liquibase.analytics.enabled", false), () -> applyChangelogs(connection));
  }

  // Not an overload of migrate(): the EJB container finds the @PostConstruct method by its name
  // and, with two methods of that name, sometimes invoked this one ("wrong number of arguments").
  private static String applyChangelogs(Connection connection) throws Exception {
    Database database =
        DatabaseFactory.getInstance()
            .findCorrectDatabaseImplementation(new JdbcConnection(connection));
    @SuppressWarnings("deprecation")
    Liquibase liquibase =
        new Liquibase(
            CHANGELOG,
            new ClassLoaderResourceAccessor(SchemaMigration.class.getClassLoader()),
            database);
    liquibase.update(new Contexts(), new LabelExpression());
    return database.getDatabaseProductName();
  }

  public boolean isComplete() {
    return complete;
  }
}
