package io.mailbridge.platform.web.boundary;

import io.mailbridge.platform.database.control.MailbridgeDataSource;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the database answers: a database that closed itself (H2 after running out of
 * memory, PostgreSQL gone) makes the server DOWN, so a load balancer stops sending it requests.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

  static final int VALID_WITHIN_SECONDS = 3;
  private static final Logger LOG = Logger.getLogger(DatabaseReadiness.class.getName());

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("mailbridge-database-connection")
        .status(answers(dataSource))
        .build();
  }

  static boolean answers(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(VALID_WITHIN_SECONDS);
    } catch (SQLException | RuntimeException e) {
      // The driver's message may name the database URL; the class and SQL state are enough here.
      LOG.log(Level.WARNING, "The database does not answer: {0}", e.getClass().getSimpleName());
      return false;
    }
  }
}
