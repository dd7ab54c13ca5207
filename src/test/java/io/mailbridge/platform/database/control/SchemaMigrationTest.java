package io.mailbridge.platform.database.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import liquibase.Scope;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.exception.ChangeLogParseException;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration never calls Liquibase's analytics endpoints (privacy, and time at start-up), and
 * the changelogs it no longer checks against Liquibase's XML schemas at start-up are checked here.
 */
class SchemaMigrationTest {

  @Test
  void theChangelogsAreValidAgainstLiquibasesXmlSchemas() throws Exception {
    DatabaseChangeLog changelog =
        parse(SchemaMigration.CHANGELOG, new ClassLoaderResourceAccessor(), true);
    assertTrue(changelog.getChangeSets().size() > 50, () -> "" + changelog.getChangeSets().size());
  }

  @Test
  void theSchemaCheckIsWhatFindsAMisspeltAttribute(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("wrong.xml"),
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <databaseChangeLog
            xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
            xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
              http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
          <changeSet id="1" author="test">
            <createTable tableName="t">
              <column name="id" type="INT"><constraints primaryKey="true" nulable="false"/></column>
            </createTable>
          </changeSet>
        </databaseChangeLog>
        """);
    try (DirectoryResourceAccessor files = new DirectoryResourceAccessor(dir)) {
      // Without the check the misspelt attribute is silently ignored ...
      assertEquals(1, parse("wrong.xml", files, false).getChangeSets().size());
      // ... and with it the changelog is refused, naming the attribute.
      ChangeLogParseException refused =
          assertThrows(ChangeLogParseException.class, () -> parse("wrong.xml", files, true));
      assertTrue(String.valueOf(refused.getMessage()).contains("nulable"), refused::getMessage);
    }
  }

  private static DatabaseChangeLog parse(String path, ResourceAccessor files, boolean validate)
      throws Exception {
    // Liquibase's parsers read the setting when they are made, and its factory keeps them.
    try {
      return Scope.child(
          Map.of(SchemaMigration.VALIDATE_XML, validate),
          () -> {
            ChangeLogParserFactory.reset();
            return ChangeLogParserFactory.getInstance()
                .getParser(path, files)
                .parse(path, new ChangeLogParameters(), files);
          });
    } finally {
      ChangeLogParserFactory.reset();
    }
  }

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
