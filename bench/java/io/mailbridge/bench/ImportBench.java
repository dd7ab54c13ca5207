package io.mailbridge.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * CSV import of 100,000 contacts through the real server: starts Payara Micro with the built WAR on
 * a fresh H2 data directory (or the database in MAILBRIDGE_DB_URL), signs in, posts the file twice
 * (a first import, then the same file again, which matches every row) and reports rows per second
 * of each as seen by the client.
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.ImportBench}
 */
public final class ImportBench {

  static final int ROWS = Integer.getInteger("bench.rows", 100_000);
  static final int PORT = Integer.getInteger("bench.port", 18181);
  static final String ADMIN = "bench-admin@bench.example";
  static final String PASSWORD = "bench admin password";

  public static void main(String[] args) throws Exception {
    Path target = Path.of("target");
    Path data = Files.createTempDirectory(target, "import-bench");
    Path csv = data.resolve("contacts.csv");
    writeCsv(csv, ROWS);
    Process process = startServer(data, PORT);
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String base = "http://127.0.0.1:" + PORT;
      waitUntilReady(http, base);
      String token = token(http, base);
      // The second post is the re-import of the same file: every row matches a stored contact.
      for (String pass : new String[] {"first import", "same file again"}) {
        long start = System.nanoTime();
        HttpResponse<String> report = importCsv(http, base, token, csv);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(
            pass + " answered " + report.statusCode() + ": " + abbreviate(report.body()));
        System.out.printf(
            "%s: %,d rows (%,d bytes) in %.1f s: %,.0f rows/s%n",
            pass, ROWS, Files.size(csv), seconds, ROWS / seconds);
      }
    } finally {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Posts a contact CSV to {@code /api/records/contacts/import}; answers the server's report. */
  static HttpResponse<String> importCsv(HttpClient http, String base, String token, Path csv)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/api/records/contacts/import"))
            .timeout(Duration.ofMinutes(30))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofFile(csv))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * {@code rows} contacts; the address of row i is {@link #contactAddress(int) contactAddress(i)}.
   */
  static void writeCsv(Path csv, int rows) throws IOException {
    StringBuilder out = new StringBuilder("firstName,lastName,emails,phone,title\n");
    for (int i = 0; i < rows; i++) {
      out.append("First")
          .append(i)
          .append(",Last")
          .append(i)
          .append(",person")
          .append(i)
          .append("@company")
          .append(i % 5000)
          .append(".example,+1 555 ")
          .append(i)
          .append(",\"Title, with comma ")
          .append(i % 17)
          .append("\"\n");
    }
    Files.writeString(csv, out);
  }

  /** The address of the i-th contact of {@link #writeCsv}. */
  static String contactAddress(int i) {
    return "person" + i + "@company" + (i % 5000) + ".example";
  }

  /** Payara Micro with the built WAR on a fresh H2 database in {@code data}, log in server.log. */
  static Process startServer(Path data, int port) throws IOException {
    return startServer(data, port, java.util.Map.of());
  }

  /** The same with extra settings in the server's environment (provider URLs of the fakes). */
  static Process startServer(Path data, int port, java.util.Map<String, String> settings)
      throws IOException {
    return startServer(
        data, port, settings, java.util.List.of(), Path.of("target", "mailbridge.war"));
  }

  /** The same with extra JVM options (a GC log) and another build of the WAR. */
  static Process startServer(
      Path data,
      int port,
      java.util.Map<String, String> settings,
      java.util.List<String> jvmOptions,
      Path war)
      throws IOException {
    Path target = Path.of("target");
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add("java");
    command.add("@" + Path.of("server-config", "jvm.options"));
    command.addAll(jvmOptions);
    // -Dbench.jvm-args="-XX:... -XX:..." tries JVM options on the benchmarked server.
    for (String option : System.getProperty("bench.jvm-args", "").trim().split("\\s+")) {
      if (!option.isEmpty()) {
        command.add(option);
      }
    }
    command.addAll(
        java.util.List.of(
            "-jar",
            target.resolve("payara-micro.jar").toString(),
            "--prebootcommandfile",
            Path.of("server-config", "payara-micro.asadmin").toString(),
            "--logproperties",
            Path.of("server-config", "logging.properties").toString(),
            "--deploy",
            war.toString(),
            "--port",
            Integer.toString(port)));
    ProcessBuilder server =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("server.log").toFile());
    server.environment().put("MAILBRIDGE_DATA_DIR", data.toString());
    server.environment().put("MAILBRIDGE_BOOTSTRAP_ADMIN_EMAIL", ADMIN);
    server.environment().put("MAILBRIDGE_BOOTSTRAP_ADMIN_PASSWORD", PASSWORD);
    server.environment().put("MAILBRIDGE_JOBS_ENABLED", "false");
    server.environment().putAll(settings);
    return server.start();
  }

  static void waitUntilReady(HttpClient http, String base) throws Exception {
    // Two minutes by default; a busy machine may need -Dbench.ready-seconds=600.
    int tries = Integer.getInteger("bench.ready-seconds", 120) * 2;
    for (int i = 0; i < tries; i++) {
      try {
        HttpResponse<String> ready =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the server did not become ready");
  }

  /** A started server on loopback, ready, and the bootstrap admin's token. */
  record Ready(HttpClient http, String base, String token) {}

  /** Waits for the server on {@code port} and signs the bootstrap admin in. */
  static Ready ready(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://127.0.0.1:" + port;
    waitUntilReady(http, base);
    return new Ready(http, base, token(http, base));
  }

  static String token(HttpClient http, String base) throws Exception {
    return login(http, base, ADMIN, PASSWORD);
  }

  /** Signs a user in with a password; answers the access token. */
  static String login(HttpClient http, String base, String email, String password)
      throws Exception {
    HttpResponse<String> login =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        jakarta.json.Json.createObjectBuilder()
                            .add("email", email)
                            .add("password", password)
                            .build()
                            .toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (login.statusCode() != 200) {
      throw new IllegalStateException("login answered " + login.statusCode() + ": " + login.body());
    }
    String body = login.body();
    int start = body.indexOf("\"accessToken\":\"") + 15;
    return body.substring(start, body.indexOf('"', start));
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
