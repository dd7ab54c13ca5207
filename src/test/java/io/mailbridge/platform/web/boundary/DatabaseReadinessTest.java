package io.mailbridge.platform.web.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class DatabaseReadinessTest {

  private static DataSource dataSource(Connection connection, SQLException failure) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                if (failure != null) {
                  throw failure;
                }
                return connection;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private static Connection connection(boolean valid) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "isValid" -> valid;
                  case "close" -> null;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void aDatabaseThatAnswersIsReady() {
    assertTrue(DatabaseReadiness.answers(dataSource(connection(true), null)));
  }

  @Test
  void aClosedDatabaseIsNotReady() {
    assertFalse(DatabaseReadiness.answers(dataSource(connection(false), null)));
    assertFalse(
        DatabaseReadiness.answers(
            dataSource(null, new SQLException("The database has been closed", "90098"))));
  }
}
