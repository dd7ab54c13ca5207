package io.mailbridge.platform.database.control;

import io.mailbridge.platform.config.control.MailbridgeSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Collections;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The JDBC data source behind {@code java:app/jdbc/mailbridge}: it reads the database URL and
 * credentials from MicroProfile Config so the same WAR runs on embedded H2 and on PostgreSQL, and
 * the server's pool wraps it.
 */
public class ConfiguredDataSource implements DataSource {

  private static final Logger LOG = Logger.getLogger(ConfiguredDataSource.class.getName());

  private volatile Driver driver;
  private volatile String url;
  private volatile Properties credentials;
  private PrintWriter logWriter;
  private int loginTimeout;

  @Override
  public Connection getConnection() throws SQLException {
    resolve();
    Connection connection = driver.connect(url, credentials);
    if (connection == null) {
      throw new SQLException("The JDBC driver refused the configured mailbridge.db.url");
    }
    return connection;
  }

  /** The pool may pass its own (empty) credentials; the configured ones always win. */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  private void resolve() throws SQLException {
    if (driver != null) {
      return;
    }
    synchronized (this) {
      if (driver != null) {
        return;
      }
      MailbridgeSettings settings = new MailbridgeSettings();
      String configuredUrl = settings.databaseUrl();
      if (settings.usesEmbeddedDatabase()) {
        try {
          Path dataDir = settings.createDataDir();
          new EmbeddedDatabaseFiles(dataDir, MailbridgeSettings.EMBEDDED_DATABASE).prepare();
        } catch (IOException e) {
          throw new SQLException(
              "Cannot prepare the data directory " + settings.dataDir() + " for the database", e);
        }
      }
      Properties props = new Properties();
      props.setProperty("user", settings.databaseUser());
      props.setProperty("password", settings.databasePassword());
      this.credentials = props;
      this.url = configuredUrl;
      this.driver = findDriver(configuredUrl);
    }
  }

  static Driver findDriver(String url) throws SQLException {
    ClassLoader loader = ConfiguredDataSource.class.getClassLoader();
    Driver found = null;
    for (Driver candidate : ServiceLoader.load(Driver.class, loader)) {
      if (found == null && candidate.acceptsURL(url)) {
        found = candidate;
      }
    }
    forgetRegistrations(loader);
    if (found == null) {
      // Never echo the URL: it may carry a password.
      throw new SQLException("No JDBC driver on the class path accepts mailbridge.db.url");
    }
    return found;
  }

  /**
   * Loading a driver registers it with DriverManager, which Mailbridge never uses (the pool calls
   * the driver above). Such a registration from the application's class loader outlives the
   * deployment: Payara warns at every start ("registered the JDBC driver [org.postgresql.Driver]
   * but failed to unregister it") when it drops the class loader the data source was first made
   * with.
   */
  private static void forgetRegistrations(ClassLoader loader) {
    for (Driver registered : Collections.list(DriverManager.getDrivers())) {
      if (registered.getClass().getClassLoader() == loader) {
        try {
          DriverManager.deregisterDriver(registered);
        } catch (SQLException e) {
          LOG.log(Level.FINE, "Could not deregister a JDBC driver", e);
        }
      }
    }
  }

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    this.logWriter = out;
  }

  @Override
  public void setLoginTimeout(int seconds) {
    this.loginTimeout = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeout;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("Not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
