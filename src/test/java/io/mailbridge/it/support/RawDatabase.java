package io.mailbridge.it.support;

import io.mailbridge.platform.database.control.MailbridgeDataSource;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/** Reads and changes the database beneath the application, as an attacker with a dump would. */
@ApplicationScoped
public class RawDatabase {

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  /** Every application table (Liquibase's own excluded). */
  public List<String> tables() throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      try (ResultSet rs =
          meta.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
          if (!name.startsWith("databasechangelog")) {
            tables.add(name);
          }
        }
      }
    }
    return tables;
  }

  /** Every value of every column of a table, as bytes (strings in UTF-8). */
  public List<byte[]> allValues(String table) throws SQLException {
    List<byte[]> values = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement select = c.prepareStatement("SELECT * FROM " + table);
        ResultSet rs = select.executeQuery()) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          Object value = rs.getObject(i);
          if (value instanceof byte[] bytes) {
            values.add(bytes);
          } else if (value != null) {
            values.add(value.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
        }
      }
    }
    return values;
  }

  public byte[] bytes(String table, String column, String id) throws SQLException {
    return bytesOf("SELECT " + column + " FROM " + table + " WHERE id = ?", id);
  }

  /** The first column of every row, as bytes. */
  public List<byte[]> allBytes(String sql, Object... params) throws SQLException {
    return all(sql, rs -> rs.getBytes(1), params);
  }

  public byte[] bytesOf(String sql, Object... params) throws SQLException {
    return single(sql, rs -> rs.getBytes(1), params);
  }

  /** A UTC TIMESTAMP column read as the instant it stands for. */
  public java.time.Instant instant(String sql, Object... params) throws SQLException {
    return single(
        sql,
        rs -> rs.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC),
        params);
  }

  private interface Column<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T single(String sql, Column<T> column, Object... params) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement select = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        select.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no row for " + sql);
        }
        return column.read(rs);
      }
    }
  }

  public void setBytes(String table, String column, String id, byte[] value) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement update =
            c.prepareStatement("UPDATE " + table + " SET " + column + " = ? WHERE id = ?")) {
      update.setBytes(1, value);
      update.setString(2, id);
      if (update.executeUpdate() != 1) {
        throw new AssertionError("no row " + id + " in " + table);
      }
    }
  }

  public int update(String sql, Object... params) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement update = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        update.setObject(i + 1, params[i]);
      }
      return update.executeUpdate();
    }
  }

  public List<String> strings(String sql, Object... params) throws SQLException {
    return all(sql, rs -> rs.getString(1), params);
  }

  /** The ids of the capture syncs of this mailbox waiting in the queue (due or not). */
  public List<String> queuedSyncs(String mailboxId) throws SQLException {
    return strings(
        "SELECT id FROM job WHERE kind = ? AND payload = ? AND state = 'READY'",
        "capture.sync",
        mailboxId);
  }

  private <T> List<T> all(String sql, Column<T> column, Object... params) throws SQLException {
    List<T> found = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement select = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        select.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          found.add(column.read(rs));
        }
      }
    }
    return found;
  }

  /** Whether {@code needle} occurs anywhere in {@code haystack}. */
  public static boolean containsBytes(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
