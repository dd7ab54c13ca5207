package io.mailbridge.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * Start-up of Mailbridge against bare Payara Micro on the same machine in the same run: starts the
 * two alternately ({@code -Dbench.runs=5} times each), each from a fresh data directory, and times
 * from process start to readiness: the first HTTP answer of bare Payara Micro, which deploys
 * nothing, and the first 200 of Mailbridge's {@code /health/ready}, which waits for the migrated
 * database. Prints the medians, their ratio, the CPU time the server process had used when it
 * became ready (less sensitive to a busy machine than the wall clock), Payara's deployment trace of
 * the median Mailbridge start, and the heap: the peak the GC log shows up to readiness, and after
 * every GET operation of {@code /openapi} was called once as the signed-in admin. Both run with the
 * JVM options and Payara Micro settings of server-config (so neither runs Payara's data grid).
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.StartupBench}
 */
public final class StartupBench {

  private static final int RUNS = Integer.getInteger("bench.runs", 5);
  private static final int PORT = Integer.getInteger("bench.port", 18182);
  // The JVM options and Payara Micro settings (jvm.options, payara-micro.asadmin) of every start.
  private static final Path CONFIG = Path.of("server-config");
  // An older build of the WAR started in the same rounds, for a before/after in one run, with the
  // server settings of its time (a copy of that build's server-config directory) if they changed.
  private static final String BASELINE_WAR = System.getProperty("bench.baseline-war", "");
  private static final Path BASELINE_CONFIG =
      Path.of(System.getProperty("bench.baseline-config", CONFIG.toString()));
  // JVM options given to every server of the run, bare Payara Micro included (space-separated).
  private static final List<String> JVM_ARGS =
      Arrays.stream(System.getProperty("bench.jvm-args", "").trim().split("\\s+"))
          .filter(a -> !a.isEmpty())
          .toList();
  private static final Pattern GC_PAUSE = Pattern.compile("Pause .*?(\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final Pattern TRACE_SPAN =
      Pattern.compile(
          "^[0-9:.]+\\t[0-9:.]+\\t(\\d)\\t[^\\t]*\\t(APPLICATION mailbridge\\.war[^\\t]*)\\t([A-Z_]+)\\t([^\\t]*)\\t(\\d+)$");

  private StartupBench() {}

  /** One start: wall and CPU time to ready, and where the heap stood. */
  record Start(long wallMillis, double cpuSeconds, Path data) {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of("target");
    Path war = target.resolve("mailbridge.war");
    printWar(war);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    List<Start> bare = new ArrayList<>();
    List<Start> mailbridge = new ArrayList<>();
    List<Start> baseline = new ArrayList<>();
    for (int run = 1; run <= RUNS; run++) {
      bare.add(start(http, null, CONFIG, run, false));
      mailbridge.add(start(http, war, CONFIG, run, false));
      if (!BASELINE_WAR.isEmpty()) {
        baseline.add(start(http, Path.of(BASELINE_WAR), BASELINE_CONFIG, run, false));
        System.out.printf(
            "run %d: baseline WAR %,d ms (%.1f s CPU)%n",
            run, baseline.get(run - 1).wallMillis(), baseline.get(run - 1).cpuSeconds());
      }
      System.out.printf(
          "run %d: bare Payara Micro %,d ms (%.1f s CPU), Mailbridge %,d ms (%.1f s CPU)%n",
          run,
          bare.get(run - 1).wallMillis(),
          bare.get(run - 1).cpuSeconds(),
          mailbridge.get(run - 1).wallMillis(),
          mailbridge.get(run - 1).cpuSeconds());
    }
    long bareMedian = median(bare.stream().mapToLong(Start::wallMillis).toArray());
    long mailbridgeMedian = median(mailbridge.stream().mapToLong(Start::wallMillis).toArray());
    double bareCpu = medianOf(bare.stream().mapToDouble(Start::cpuSeconds).toArray());
    double mailbridgeCpu = medianOf(mailbridge.stream().mapToDouble(Start::cpuSeconds).toArray());
    System.out.printf(
        "median to ready: bare Payara Micro %,d ms, Mailbridge %,d ms, ratio %.2f%n",
        bareMedian, mailbridgeMedian, (double) mailbridgeMedian / bareMedian);
    System.out.printf(
        "median CPU to ready: bare Payara Micro %.1f s, Mailbridge %.1f s, ratio %.2f%n",
        bareCpu, mailbridgeCpu, mailbridgeCpu / bareCpu);
    Start median =
        mailbridge.stream()
            .filter(s -> s.wallMillis() == mailbridgeMedian)
            .findFirst()
            .orElseThrow();
    if (!baseline.isEmpty()) {
      long baselineMedian = median(baseline.stream().mapToLong(Start::wallMillis).toArray());
      System.out.printf(
          "median to ready: baseline WAR %s %,d ms (%.1f s CPU), ratio to bare %.2f%n",
          BASELINE_WAR,
          baselineMedian,
          medianOf(baseline.stream().mapToDouble(Start::cpuSeconds).toArray()),
          (double) baselineMedian / bareMedian);
      printWar(Path.of(BASELINE_WAR));
    }
    printTrace(median.data().resolve("server.log"));
    printWarnings(median.data().resolve("server.log"));
    // One more start, kept running, for the heap after every GET operation.
    start(http, war, CONFIG, RUNS + 1, true);
  }

  /**
   * Starts bare Payara Micro ({@code deployed} null) or Payara Micro with that WAR, both with the
   * JVM options and Payara Micro settings of {@code config} (bare Payara Micro without the log
   * levels, which name Mailbridge's loggers).
   */
  private static Start start(HttpClient http, Path deployed, Path config, int run, boolean sweep)
      throws Exception {
    boolean withMailbridge = deployed != null;
    Path data =
        Files.createTempDirectory(
            Path.of("target"), (withMailbridge ? "startup-mailbridge-" : "startup-bare-") + run);
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "java",
            "@" + config.resolve("jvm.options"),
            "-Xlog:gc:file=" + data.resolve("gc.log")));
    command.addAll(JVM_ARGS);
    command.addAll(
        List.of(
            "-Dorg.glassfish.deployment.trace=true",
            "-jar",
            Path.of("target", "payara-micro.jar").toString(),
            "--port",
            Integer.toString(PORT),
            "--prebootcommandfile",
            config.resolve("payara-micro.asadmin").toString()));
    if (withMailbridge) {
      command.addAll(
          List.of(
              "--logproperties",
              Path.of("server-config", "logging.properties").toString(),
              "--deploy",
              deployed.toString()));
    }
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("server.log").toFile());
    builder.environment().put("MAILBRIDGE_DATA_DIR", data.resolve("h2").toString());
    builder.environment().put("MAILBRIDGE_BOOTSTRAP_ADMIN_EMAIL", ImportBench.ADMIN);
    builder.environment().put("MAILBRIDGE_BOOTSTRAP_ADMIN_PASSWORD", ImportBench.PASSWORD);
    long begin = System.nanoTime();
    Process server = builder.start();
    try {
      String base = "http://127.0.0.1:" + PORT;
      if (!waitFor(
          http,
          server,
          data.resolve("server.log"),
          base + (withMailbridge ? "/health/ready" : "/"),
          withMailbridge)) {
        // Payara Micro's own boot sometimes fails (a ConcurrentModificationException in its
        // Hazelcast store) and then neither exits nor listens: report it and start again.
        System.out.printf("run %d: Payara Micro failed to start (%s); starting again%n", run, data);
        server.destroyForcibly().waitFor();
        return start(http, deployed, config, run, sweep);
      }
      long wall = (System.nanoTime() - begin) / 1_000_000;
      double cpu =
          server.info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
      if (sweep) {
        System.out.printf(
            "heap after start-up: peak %s%n", heapFigures(data.resolve("gc.log"), server));
        Map<Integer, Integer> statuses = callEveryGet(http, base);
        System.out.printf(
            "heap after every GET operation was called once (%d operations, statuses %s): peak %s%n",
            statuses.values().stream().mapToInt(Integer::intValue).sum(),
            statuses,
            heapFigures(data.resolve("gc.log"), server));
      }
      return new Start(wall, cpu, data);
    } finally {
      server.destroy();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * Bare Payara Micro has nothing deployed, so its first HTTP answer (a 404) is its readiness;
   * Mailbridge's listener answers before the application is deployed, so it must be a 200.
   */
  private static boolean waitFor(
      HttpClient http, Process server, Path serverLog, String url, boolean needs200)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("the server stopped before it was ready: " + url);
      }
      try {
        HttpResponse<Void> answer =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() == 200 || !needs200) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (Files.readString(serverLog).contains("Failed to start, exiting")) {
        return false;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("not ready within 5 minutes: " + url);
  }

  /**
   * The highest heap occupancy any GC pause saw so far (the heap grows until a pause), and the live
   * heap: a full collection asked for with jcmd, read back from the GC log, which needs no agent.
   */
  private static String heapFigures(Path gcLog, Process server) throws Exception {
    Process gc =
        new ProcessBuilder(
                "jcmd",
                "-J-Dsun.tools.attach.attachTimeout=60000",
                Long.toString(server.pid()),
                "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gc.waitFor(2, TimeUnit.MINUTES);
    Thread.sleep(500);
    long peak = 0;
    long live = -1;
    int pauses = 0;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher pause = GC_PAUSE.matcher(line);
      if (pause.find()) {
        peak = Math.max(peak, Long.parseLong(pause.group(1)));
        if (line.contains("Pause Full")) {
          live = Long.parseLong(pause.group(2));
        }
        pauses++;
      }
    }
    return String.format(
        "%d MB before a GC pause (%d pauses so far); live after a full GC: %s, of 512 MB",
        peak, pauses, live < 0 ? "not measured (jcmd could not attach)" : live + " MB");
  }

  /** Every {@code get:} operation of the served OpenAPI document, path parameters filled in. */
  private static Map<Integer, Integer> callEveryGet(HttpClient http, String base) throws Exception {
    String token = ImportBench.token(http, base);
    String document =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/openapi")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Map<Integer, Integer> statuses = new TreeMap<>();
    String path = null;
    for (String line : document.split("\n")) {
      if (line.matches("^  /\\S*:\\s*$")) {
        path = line.trim().substring(0, line.trim().length() - 1);
      } else if (path != null && line.matches("^    get:\\s*$")) {
        String concrete =
            path.replaceAll("\\{type}", "contacts").replaceAll("\\{[^}]+}", "bench-unknown-id");
        HttpResponse<Void> answer =
            http.send(
                HttpRequest.newBuilder(URI.create(base + concrete))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        statuses.merge(answer.statusCode(), 1, Integer::sum);
      } else if (!line.startsWith("  ")) {
        path = null;
      }
    }
    return statuses;
  }

  /** Payara's deployment spans (levels 2 and 3) that took at least 100 ms. */
  private static void printTrace(Path serverLog) throws IOException {
    System.out.println("deployment trace of the median Mailbridge start (ms):");
    Map<String, Long> spans = new LinkedHashMap<>();
    for (String line : Files.readAllLines(serverLog)) {
      Matcher span = TRACE_SPAN.matcher(line);
      if (span.matches() && Integer.parseInt(span.group(1)) <= 4) {
        long millis = Long.parseLong(span.group(5));
        if (millis >= 100) {
          String name =
              "  ".repeat(Integer.parseInt(span.group(1)) - 2)
                  + span.group(2).replace("APPLICATION mailbridge.war", "").replace(" > ", "")
                  + " "
                  + span.group(3)
                  + " "
                  + span.group(4);
          spans.merge(name.replaceAll("\\s+$", ""), millis, Long::sum);
        }
      }
    }
    spans.forEach((name, millis) -> System.out.printf("  %,7d  %s%n", millis, name));
    List<String> log = Files.readAllLines(serverLog);
    Pattern deployed = Pattern.compile("successfully deployed in ([0-9,]+) milliseconds");
    Pattern ready = Pattern.compile("ready in ([0-9,]+) \\(ms\\)");
    for (String line : log) {
      Matcher d = deployed.matcher(line);
      Matcher r = ready.matcher(line);
      if (d.find()) {
        System.out.println("  deployment: " + d.group(1) + " ms");
      }
      if (r.find()) {
        System.out.println("  Payara Micro's own \"ready in\": " + r.group(1) + " ms");
      }
    }
  }

  /** WARNING and SEVERE records of a start, by message id and logger (README, "Start-up"). */
  private static void printWarnings(Path serverLog) throws IOException {
    Pattern record =
        Pattern.compile(
            "(WARNING|SEVERE)\\S*\\] \\[([^\\]]*)\\] \\[(?:\\u001b\\[[0-9;]*m)?([\\w.$]+)");
    Map<String, Integer> counts = new TreeMap<>();
    for (String line : Files.readAllLines(serverLog)) {
      Matcher m = record.matcher(line);
      if (m.find()) {
        counts.merge(m.group(1) + " " + m.group(2) + " " + m.group(3), 1, Integer::sum);
      }
    }
    System.out.println("warnings of the median Mailbridge start:");
    counts.forEach((what, count) -> System.out.printf("  %3d  %s%n", count, what));
  }

  private static void printWar(Path war) throws IOException {
    try (ZipFile zip = new ZipFile(war.toFile())) {
      long jars = zip.stream().filter(e -> e.getName().matches("WEB-INF/lib/[^/]+\\.jar")).count();
      System.out.printf("WAR %s: %.1f MB, %d library jars%n", war, Files.size(war) / 1e6, jars);
    }
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double medianOf(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
