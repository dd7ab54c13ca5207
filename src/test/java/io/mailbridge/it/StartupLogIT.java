package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The start-up log an operator reads: every warning the suite's server logged until it was ready is
 * one that README "Start-up" explains (the server logs to target/it-server.log as well, pom.xml
 * execution it-logging).
 */
@ExtendWith(ArquillianExtension.class)
class StartupLogIT {

  /** Logger and words of each warning README "Start-up" explains. */
  private static final List<String[]> EXPLAINED =
      List.of(
          new String[] {"PayaraMicro", "Runtime directory is located in a temporary file location"},
          new String[] {"javax.enterprise.system.security.ssl", "has expired"},
          new String[] {
            "io.mailbridge.platform.crypto.control.KeyEncryptionKey",
            "Generated a new key-encryption key"
          },
          new String[] {
            "io.mailbridge.platform.security.control.FirstAdmin", "The database has no org yet"
          });

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Test
  @RunAsClient
  void everyWarningOfTheStartUpIsOneTheReadmeExplains() throws IOException {
    Path log = Path.of(System.getProperty("mailbridge.it-log", "target/it-server.log"));
    assertTrue(Files.isRegularFile(log), "the suite's server logs to " + log);
    List<String> unexplained = new ArrayList<>();
    boolean ready = false;
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      // A record's first line is level|logger|message (SimpleFormatter, pom.xml).
      String[] record = line.split("\\|", 3);
      if (record.length < 3) {
        continue;
      }
      if (record[1].equals("PayaraMicro") && record[2].contains(" ready in ")) {
        ready = true;
        break;
      }
      if ((record[0].equals("WARNING") || record[0].equals("SEVERE")) && !explained(record)) {
        unexplained.add(line);
      }
    }
    assertTrue(ready, "the log holds Payara Micro's \"ready in\" line");
    assertEquals(List.of(), unexplained, "warnings of the start-up README does not explain");
  }

  private static boolean explained(String[] record) {
    return EXPLAINED.stream().anyMatch(e -> record[1].equals(e[0]) && record[2].contains(e[1]));
  }
}
