package io.mailbridge.platform.database.control;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;

/** Declares the application's one data source; {@link ConfiguredDataSource} supplies the URL. */
@DataSourceDefinition(
    name = MailbridgeDataSource.JNDI_NAME,
    className = "io.mailbridge.platform.database.control.ConfiguredDataSource",
    minPoolSize = 2,
    maxPoolSize = 32,
    isolationLevel = java.sql.Connection.TRANSACTION_READ_COMMITTED)
@ApplicationScoped
public class MailbridgeDataSource {
  public static final String JNDI_NAME = "java:app/jdbc/mailbridge";
}
