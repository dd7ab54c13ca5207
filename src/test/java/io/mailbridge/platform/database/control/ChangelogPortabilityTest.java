package io.mailbridge.platform.database.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.itsupport.MachineRequirement;
import io.mailbridge.itsupport.Needs;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.Test;

/**
 * The changelogs must run on H2, PostgreSQL and MariaDB. H2 always runs here; the two servers run
 * where they listen on 127.0.0.1 ({@link Needs}: always in CI, where their absence is a failure).
 */
class ChangelogPortabilityTest {

  private static final Set<String> TABLES =
      Set.of("org", "org_keyset", "server_key", "app_user", "refresh_token", "job");

  @Test
  void changelogsRunTwiceOnH2() throws Exception {
    try (Connection c =
        DriverManager.getConnection("jdbc:h2:mem:portability;DB_CLOSE_DELAY=-1", "sa", "")) {
      migrateTwiceAndCheck(c);
    }
  }

  @Test
  @Needs(MachineRequirement.POSTGRESQL)
  void changelogsRunTwiceOnPostgreSql() throws Exception {
    String db = "mb_portability_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection admin =
        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
      execute(admin, "CREATE DATABASE " + db);
      try {
        try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + db, "postgres", "")) {
          migrateTwiceAndCheck(c);
        }
      } finally {
        execute(admin, "DROP DATABASE " + db);
      }
    }
  }

  @Test
  @Needs(MachineRequirement.MARIADB)
  void changelogsRunTwiceOnMariaDb() throws Exception {
    String db = "mb_portability_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection admin =
        DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "")) {
      execute(admin, "CREATE DATABASE " + db);
      try {
        try (Connection c =
            DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/" + db, "root", "")) {
          migrateTwiceAndCheck(c);
        }
      } finally {
        execute(admin, "DROP DATABASE " + db);
      }
    }
  }

  private static void migrateTwiceAndCheck(Connection c) throws Exception {
    migrate(c);
    int applied = appliedChangeSets(c);
    migrate(c);
    assertEquals(applied, appliedChangeSets(c), "a second run applies nothing");
    assertTrue(applied >= TABLES.size(), "change sets applied: " + applied);
    Set<String> found = new HashSet<>();
    try (ResultSet rs =
        c.getMetaData().getTables(c.getCatalog(), null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        found.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
      }
    }
    assertTrue(found.containsAll(TABLES), "tables: " + found);
  }

  @SuppressWarnings("deprecation")
  private static void migrate(Connection c) throws Exception {
    Database database =
        DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
    Liquibase liquibase =
        new Liquibase(SchemaMigration.CHANGELOG, new ClassLoaderResourceAccessor(), database);
    liquibase.update(new Contexts(), new LabelExpression());
  }

  private static int appliedChangeSets(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM DATABASECHANGELOG")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
