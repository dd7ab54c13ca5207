package io.mailbridge.platform.database.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The migration never calls Liquibase's analytics endpoints (privacy, and time at start-up). */
class SchemaMigrationTest {

  @Test
  void theMigrationAsksLiquibaseForNoAnalytics() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    HttpServer liquibaseCom = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    liquibaseCom.createContext(
        "/",
        exchange -> {
          calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
          byte[] config = "timeoutMs: 1000\nsendOss: true\nsendPro: true\nwriteKey: k\n".getBytes();
          exchange.sendResponseHeaders(200, config.length);
          exchange.getResponseBody().write(config);
          exchange.close();
        });
    liquibaseCom.start();
    String endpoint = "liquibase.analytics.configEndpointUrl";
    System.setProperty(
        endpoint, "http://127.0.0.1:" + liquibaseCom.getAddress().getPort() + "/analytics.yaml");
    try (Connection c =
        DriverManager.getConnection("jdbc:h2:mem:analytics;DB_CLOSE_DELAY=-1", "sa", "")) {
      SchemaMigration.update(c);
    } finally {
      System.clearProperty(endpoint);
      liquibaseCom.stop(0);
    }
    assertEquals(List.of(), calls);
  }
}
