package io.mailbridge.platform.database.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Applies the Liquibase changelogs once at deployment, before any other bean touches the database;
 * beans that need the schema declare {@code @DependsOn("SchemaMigration")}. {@link
 * SchemaMigrationHeadStart} starts the work while Hibernate, Weld and the web module still load;
 * this bean then waits for it, so readiness still means a migrated schema.
 */
@Singleton
@Startup
public class SchemaMigration {

  static final String CHANGELOG = "liquibase/db.changelog-master.xml";
  static final String VALIDATE_XML = "liquibase.validateXmlChangelogFiles";
  private static final Logger LOG = Logger.getLogger(SchemaMigration.class.getName());

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  /** The migration begun during deployment (SchemaMigrationHeadStart), one per deployment. */
  private static volatile CompletableFuture<Migrated> headStart;

  private volatile boolean complete;

  /**
   * Begins the migration on a thread of its own, on a connection of the same configured data source
   * the server's pool wraps (the pool is not bound to the thread yet). Deployment goes on loading
   * Hibernate, Weld, the EJBs and the web module beside it; {@link #migrate()} waits for the
   * result.
   */
  static synchronized void beginEarly() {
    if (headStart != null) {
      return;
    }
    CompletableFuture<Migrated> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              long begun = System.nanoTime();
              try (Connection connection = new ConfiguredDataSource().getConnection()) {
                result.complete(Migrated.since(update(connection), begun));
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "mailbridge-schema-migration");
    thread.setContextClassLoader(SchemaMigration.class.getClassLoader());
    thread.setDaemon(true);
    headStart = result;
    thread.start();
  }

  private static synchronized CompletableFuture<Migrated> takeHeadStart() {
    CompletableFuture<Migrated> started = headStart;
    headStart = null;
    return started;
  }

  // Liquibase commits on its own connection, so it must not run inside a container transaction.
  @PostConstruct
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void migrate() {
    CompletableFuture<Migrated> early = takeHeadStart();
    try {
      Migrated migrated = early != null ? early.join() : updateOnPool();
      complete = true;
      LOG.info(
          () ->
              "Database schema is up to date on "
                  + migrated.product()
                  + " ("
                  + migrated.millis()
                  + " ms"
                  + (early != null ? ", begun during deployment)" : ")"));
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
      LOG.log(Level.SEVERE, "Database migration failed; Mailbridge stays not ready", cause);
      throw new IllegalStateException("Database migration failed", cause);
    }
  }

  private Migrated updateOnPool() throws Exception {
    long begun = System.nanoTime();
    try (Connection connection = dataSource.getConnection()) {
      return Migrated.since(update(connection), begun);
    }
  }

  /** The database's product name and how long its migration took. */
  private record Migrated(String product, long millis) {
    static Migrated since(String product, long begunNanos) {
      return new Migrated(product, (System.nanoTime() - begunNanos) / 1_000_000);
    }
  }

  /**
   * Applies the changelogs on this connection; answers the database product's name. Liquibase's
   * usage analytics stay off: by default it fetches its configuration from config.liquibase.com at
   * every update (a call out, and a wait where the network drops it) and may send usage data. The
   * changelogs are not checked against Liquibase's XML schemas at each start (about a sixth of the
   * migration's time on an empty database): they are checked once, in the tests
   * (SchemaMigrationTest), and never change after the build.
   */
  static String update(Connection connection) throws Exception {
    return Scope.child(
        Map.of("liquibase.analytics.enabled", false, VALIDATE_XML, false),
        () -> applyChangelogs(connection));
  }

  // Not an overload of migrate(): the EJB container finds the @PostConstruct method by its name
  // and, with two methods of that name, sometimes invoked this one ("wrong number of arguments").
  private static String applyChangelogs(Connection connection) throws Exception {
    // Its parsers read the XML check's setting when they are made, and the factory keeps them.
    ChangeLogParserFactory.reset();
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
