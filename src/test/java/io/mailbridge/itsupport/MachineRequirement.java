package io.mailbridge.itsupport;

import io.mailbridge.browser.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Something a test needs from the machine beyond JDK 17 and Maven Central, and how to get it. */
public enum MachineRequirement {
  CHROMIUM(
      "Chromium and ChromeDriver at /usr/bin/chromium and /usr/bin/chromedriver",
      "apt-get install chromium chromium-driver") {
    @Override
    Optional<String> absence() {
      return notExecutable(HeadlessChromium.CHROMIUM, HeadlessChromium.CHROMEDRIVER);
    }
  },
  POSTGRESQL(
      "PostgreSQL on 127.0.0.1:5432 letting user postgres in without a password",
      "apt-get install postgresql, then trust 127.0.0.1 in pg_hba.conf") {
    @Override
    Optional<String> absence() {
      return refusal(POSTGRESQL_PROBE.formatted(5432), "postgres");
    }
  },
  MARIADB(
      "MariaDB on 127.0.0.1:3306 letting user root in without a password",
      "apt-get install mariadb-server, then ALTER USER root@localhost IDENTIFIED BY ''") {
    @Override
    Optional<String> absence() {
      return refusal(MARIADB_PROBE.formatted(3306), "root");
    }
  };

  // Short timeouts so an absent or silent server costs seconds, not the drivers' half minute.
  static final String POSTGRESQL_PROBE =
      "jdbc:postgresql://127.0.0.1:%d/postgres?connectTimeout=2&loginTimeout=3";
  static final String MARIADB_PROBE =
      "jdbc:mariadb://127.0.0.1:%d/?connectTimeout=2000&socketTimeout=3000";

  private final String description;
  private final String installation;

  MachineRequirement(String description, String installation) {
    this.description = description;
    this.installation = installation;
  }

  /** What is needed and how to install it, as the skip line and the CI failure say it. */
  public String need() {
    return description + " (" + installation + ")";
  }

  /** Empty when the machine has it, otherwise what is wrong; looks, never installs or starts. */
  abstract Optional<String> absence();

  public boolean isPresent() {
    return absence().isEmpty();
  }

  static Optional<String> notExecutable(Path... paths) {
    String missing =
        Arrays.stream(paths)
            .filter(p -> !Files.isExecutable(p))
            .map(Path::toString)
            .collect(Collectors.joining(", "));
    return missing.isEmpty() ? Optional.empty() : Optional.of("no executable " + missing);
  }

  /** Connects once as {@code user} without a password; empty when that works. */
  static Optional<String> refusal(String url, String user) {
    try (Connection ignored = DriverManager.getConnection(url, user, "")) {
      return Optional.empty();
    } catch (SQLException e) {
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      return Optional.of(message.length() > 160 ? message.substring(0, 160) + "…" : message);
    }
  }
}
