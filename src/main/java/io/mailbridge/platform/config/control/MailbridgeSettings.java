package io.mailbridge.platform.config.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Server-wide settings whose defaults depend on other settings (data directory, database URL,
 * public URL), resolved in one place so every caller agrees on them.
 */
@ApplicationScoped
public class MailbridgeSettings {

  static final String DATA_DIR = "mailbridge.data-dir";
  static final String DB_URL = "mailbridge.db.url";
  static final String DB_USER = "mailbridge.db.user";
  static final String DB_PASSWORD = "mailbridge.db.password";
  static final String PUBLIC_URL = "mailbridge.public-url";
  static final String HTTP_PORT = "mailbridge.http-port";

  /** The embedded database's name: its files are {@code <data-dir>/mailbridge.*}. */
  public static final String EMBEDDED_DATABASE = "mailbridge";

  private final Config config;

  public MailbridgeSettings() {
    this(ConfigProvider.getConfig(MailbridgeSettings.class.getClassLoader()));
  }

  MailbridgeSettings(Config config) {
    this.config = config;
  }

  public Path dataDir() {
    return Path.of(config.getOptionalValue(DATA_DIR, String.class).orElse("./data"))
        .toAbsolutePath()
        .normalize();
  }

  public String databaseUrl() {
    return config
        .getOptionalValue(DB_URL, String.class)
        .filter(url -> !url.isBlank())
        .orElseGet(this::embeddedDatabaseUrl);
  }

  public boolean usesEmbeddedDatabase() {
    return databaseUrl().equals(embeddedDatabaseUrl());
  }

  // No trace file: H2 writes failing statements there, and they may carry values. A page cache of
  // 64 MB rather than H2's 16: with 100,000 contacts and a capture backfill, a sixth of the
  // server's CPU went to reading back pages the smaller cache had let go.
  private String embeddedDatabaseUrl() {
    return "jdbc:h2:file:"
        + dataDir().resolve(EMBEDDED_DATABASE)
        + ";TRACE_LEVEL_FILE=0;CACHE_SIZE=65536";
  }

  /** Creates the data directory readable by the server's user only, if it does not exist yet. */
  public Path createDataDir() throws IOException {
    Path dir = dataDir();
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createDirectories(dir);
      }
    }
    return dir;
  }

  public String databaseUser() {
    return config
        .getOptionalValue(DB_USER, String.class)
        .orElse(databaseUrl().startsWith("jdbc:h2:") ? "sa" : "");
  }

  public String databasePassword() {
    return config.getOptionalValue(DB_PASSWORD, String.class).orElse("");
  }

  /** The URL people and Office reach this server at, without a trailing slash. */
  public String publicUrl() {
    String url =
        config
            .getOptionalValue(PUBLIC_URL, String.class)
            .filter(u -> !u.isBlank())
            .orElseGet(() -> "http://localhost:" + httpPort());
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public int httpPort() {
    return config.getOptionalValue(HTTP_PORT, Integer.class).orElse(8080);
  }

  public Optional<String> value(String key) {
    return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank());
  }
}
