package io.mailbridge.platform.database.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database's files are owner-only, new ones and those left by earlier starts. */
class EmbeddedDatabaseFilesTest {

  @TempDir Path dataDir;

  @BeforeEach
  void onPosixOnly() throws Exception {
    Assumptions.assumeTrue(
        Files.getFileStore(dataDir).supportsFileAttributeView(PosixFileAttributeView.class));
  }

  @Test
  void aNewDatabaseFileIsOwnerOnlyAndH2UsesIt() throws Exception {
    new EmbeddedDatabaseFiles(dataDir, "mailbridge").prepare();
    Path file = dataDir.resolve("mailbridge.mv.db");
    assertEquals("rw-------", permissions(file));

    String url = "jdbc:h2:file:" + dataDir.resolve("mailbridge") + ";TRACE_LEVEL_FILE=0";
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (i INT)");
      s.execute("INSERT INTO t VALUES (42)");
    }
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        ResultSet rs = c.createStatement().executeQuery("SELECT i FROM t")) {
      assertTrue(rs.next(), "H2 took the empty file for a new database and kept the data");
      assertEquals(42, rs.getInt(1));
    }
    assertEquals("rw-------", permissions(file));
  }

  @Test
  void filesOfAnEarlierStartAreMadeOwnerOnlyAndOthersAreLeftAlone() throws Exception {
    Path database = world(dataDir.resolve("mailbridge.mv.db"));
    Path trace = world(dataDir.resolve("mailbridge.trace.db"));
    Path other = world(dataDir.resolve("notes.txt"));

    new EmbeddedDatabaseFiles(dataDir, "mailbridge").prepare();

    assertEquals("rw-------", permissions(database));
    assertEquals("rw-------", permissions(trace));
    assertEquals("rw-r--r--", permissions(other));
  }

  private static Path world(Path file) throws Exception {
    Files.writeString(file, "x");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    return file;
  }

  private static String permissions(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }
}
