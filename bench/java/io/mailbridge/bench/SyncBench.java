package io.mailbridge.bench;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.ProviderCalls;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Contact and event sync rounds for one user with {@code bench.contacts} CRM contacts and {@code
 * bench.events} CRM events of their own, against each fake of the tests in turn ({@code
 * bench.providers}: Microsoft Graph, Google People and Calendar, Exchange over EWS). Per provider a
 * server of its own (fresh H2, its job pump and sync timer on, {@code -Xmx512m}), the rep's mailbox
 * connected as production connects it (OAuth for Graph and Google, the org's Exchange service
 * account impersonating the rep), and contact and event sync set to "both". Three rounds: (1)
 * everything CRM → mail, (2) nothing changed, (3) after {@code bench.edits} contact and as many
 * event edits in the CRM and at the fake each, half of them on the same items (conflicts; the
 * mailbox's later write wins).
 *
 * <p>Rounds are started by the server's own sync timer, which ticks every minute and queues a user
 * whose last sync is older than {@code mailbridge.sync.interval}; the bench sets that interval to
 * one second, so the first tick after sync is switched on starts a round. Before rounds 2 and 3
 * sync is switched off until no sync job is left in the queue (round 3's edits are made then), so a
 * round never overlaps the end of the one before. A round is timed from the tick (the minute the
 * first sync call to the fake falls in) to the rep's {@code GET /api/sync/status} showing the new
 * {@code lastSyncAt} after both the contact and the event job ended (the status has one {@code
 * lastSyncAt} for both; the server's {@code mailbridge_job_runs_total} says when each kind's job
 * succeeded). The fake's requests in that window are counted by operation ({@code ProviderCalls}).
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.SyncBench} (-Dbench.providers=graph,google,exchange,
 * -Dbench.contacts=5000, -Dbench.events=2000, -Dbench.edits=100).
 */
public final class SyncBench {

  static final int CONTACTS = Integer.getInteger("bench.contacts", 5000);
  static final int EVENTS = Integer.getInteger("bench.events", 2000);
  static final int EDITS = Integer.getInteger("bench.edits", 100);
  static final List<String> PROVIDERS =
      List.of(System.getProperty("bench.providers", "graph,google,exchange").split(","));
  static final int PORT = Integer.getInteger("bench.port", 18191);
  static final int FAKE_PORT = Integer.getInteger("bench.fake-port", 18192);
  static final int ROUND_MINUTES = Integer.getInteger("bench.round-minutes", 20);
  static final Path WAR = Path.of(System.getProperty("bench.war", "target/mailbridge.war"));
  static final String REP = "sync-rep@bench.example";
  static final String REP_PASSWORD = "bench rep password, long enough";
  static final String FOLDER = "Mailbridge";
  static final String CRM_ID = "MailbridgeCrmId";
  static final String GRAPH_CRM_ID =
      "String {" + FakeExchange.LOGGED_PROPERTY_SET + "} Name " + CRM_ID;
  static final String EWS_CRM_ID = FakeExchange.LOGGED_PROPERTY_SET + "|" + CRM_ID;

  /** Exchange operations of capture's streaming, not of sync: they run whenever they run. */
  static final Set<String> CAPTURE_CALLS =
      Set.of("GetStreamingEvents", "Subscribe", "Unsubscribe", "GetEvents");

  /** What one round did, as the fake, the server's job counts and the rep's status saw it. */
  record Round(
      String provider,
      String name,
      Instant tick,
      Instant firstCall,
      Instant lastSyncAt,
      Instant seen,
      Map<String, Integer> calls,
      long in,
      long out,
      long conflicts,
      int errors,
      long retried,
      String load) {

    int totalCalls() {
      return calls.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** The rep's mailbox at one fake: how it is connected, read and edited by hand. */
  interface Mailbox {
    /** Connects the rep's mailbox (the admin's token, the rep's token). */
    void connect(HttpClient http, String base, String admin, String rep) throws Exception;

    /** The fake's request counts. */
    ProviderCalls calls();

    /** The synced contacts as {mail id, CRM id}. */
    List<String[]> contacts();

    /** The synced events as {mail id, CRM id}. */
    List<String[]> events();

    /** A person changes a contact's job title in the mailbox. */
    void editContact(String id, String title);

    /** A person changes an event's subject in the calendar. */
    void editEvent(String id, String subject);

    String contactTitle(String id);

    String eventSubject(String id);
  }

  public static void main(String[] args) throws Exception {
    // The fakes' JDK HTTP server answers without waiting for delayed ACKs, as the vendors' do.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    FakeProviders cloud = FakeProviders.start(FAKE_PORT);
    cloud.keepRequests = false;
    // Contact delta pages as large as Mailbridge asks for (Prefer: odata.maxpagesize), up to the
    // 200 Graph answers at most (Microsoft Q&A 2052165; the contact-delta page names no limit).
    cloud.graphContactMaxPage = 200;
    List<Round> rounds = new ArrayList<>();
    try (FakeExchange ews = FakeExchange.start()) {
      ews.requireBasic(
          ExchangeCaptureBench.DOMAIN + "\\" + ExchangeCaptureBench.USER,
          ExchangeCaptureBench.PASSWORD);
      ews.keepRequests = false;
      for (String provider : PROVIDERS) {
        Mailbox mailbox =
            switch (provider) {
              case "graph" -> new GraphMailbox(cloud);
              case "google" -> new GoogleMailbox(cloud);
              case "exchange" -> new ExchangeMailbox(ews);
              default -> throw new IllegalArgumentException("no provider " + provider);
            };
        try {
          rounds.addAll(run(provider, mailbox, "http://127.0.0.1:" + FAKE_PORT));
        } catch (Exception e) {
          System.out.println(provider + " failed: " + e);
          e.printStackTrace(System.out);
        }
      }
    } finally {
      cloud.stop();
    }
    table(rounds);
  }

  private static List<Round> run(String provider, Mailbox mailbox, String fakeBase)
      throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "sync-bench-" + provider);
    Path gcLog = data.resolve("gc.log");
    Map<String, String> settings = new LinkedHashMap<>(ProviderFakes.cloudSettings(fakeBase));
    settings.put("MAILBRIDGE_JOBS_ENABLED", "true");
    settings.put("MAILBRIDGE_OUTBOUND_ALLOW_PRIVATE_ADDRESSES", "true");
    // Every minute's tick queues the user again once a round ended: a round per tick.
    settings.put("MAILBRIDGE_SYNC_INTERVAL", "PT1S");
    // The queue's counts in /metrics fresh enough to see the sync jobs drain between rounds.
    settings.put("MAILBRIDGE_METRICS_JOB_COUNTS_MAX_AGE", "PT1S");
    Process server =
        ImportBench.startServer(data, PORT, settings, List.of("-Xlog:gc:file=" + gcLog), WAR);
    List<Round> rounds = new ArrayList<>();
    try {
      ImportBench.Ready ready = ImportBench.ready(PORT);
      HttpClient http = ready.http();
      String base = ready.base();
      String admin = ready.token();
      AddinLogBench.send(
          http,
          "POST",
          base + "/api/admin/users",
          admin,
          Json.createObjectBuilder()
              .add("email", REP)
              .add("displayName", "Sync Rep")
              .add("role", "USER")
              .add("password", REP_PASSWORD)
              .build()
              .toString());
      String rep = ImportBench.login(http, base, REP, REP_PASSWORD);
      mailbox.connect(http, base, admin, rep);
      System.out.printf("%s: the rep's mailbox is connected%n", provider);
      // The rep imports them, so the rep owns them: contact sync's default carries a user's own.
      importContacts(http, base, rep, data);
      createEvents(http, base, rep);

      settings(http, base, admin, "both");
      rounds.add(
          round(provider, "1: all CRM→mail", http, base, rep, mailbox, server, Instant.now()));
      quiesce(http, base, admin);
      settings(http, base, admin, "both");
      rounds.add(
          round(provider, "2: nothing changed", http, base, rep, mailbox, server, Instant.now()));

      // The edits are made with sync off, so that no tick starts round 3 halfway through them.
      quiesce(http, base, admin);
      List<String[]> contacts = mailbox.contacts();
      List<String[]> events = mailbox.events();
      System.out.printf(
          "%s: %d contacts and %d events at the fake are linked to the CRM%n",
          provider, contacts.size(), events.size());
      int half = EDITS / 2;
      for (int i = 0; i < EDITS; i++) {
        String contact = contacts.get(i)[1];
        JsonObject record =
            json(
                AddinLogBench.send(
                    http, "GET", base + "/api/records/contacts/" + contact, admin, ""));
        AddinLogBench.send(
            http,
            "PUT",
            base + "/api/records/contacts/" + contact,
            admin,
            Json.createObjectBuilder(record).add("title", "CRM title " + i).build().toString());
        AddinLogBench.send(
            http,
            "PATCH",
            base + "/api/events/" + events.get(i)[1],
            rep,
            Json.createObjectBuilder().add("subject", "CRM subject " + i).build().toString());
      }
      // Items half .. half + EDITS: the first half of them were just edited in the CRM too.
      for (int i = half; i < half + EDITS; i++) {
        mailbox.editContact(contacts.get(i)[0], "Mail title " + i);
        mailbox.editEvent(events.get(i)[0], "Mail subject " + i);
      }
      settings(http, base, admin, "both");
      System.out.printf(
          "%s: %d contacts and %d events edited in the CRM (items 0-%d), as many at the fake"
              + " (items %d-%d); %d of each changed on both sides%n",
          provider, EDITS, EDITS, EDITS - 1, half, half + EDITS - 1, EDITS - half);
      rounds.add(
          round(
              provider,
              "3: " + EDITS + "+" + EDITS + " edits each side",
              http,
              base,
              rep,
              mailbox,
              server,
              Instant.now()));
      checkEdits(provider, http, base, admin, mailbox, contacts, events, half);
      ExchangeCaptureBench.jcmd(server, "GC.run");
      System.out.printf("%s: server heap %s%n", provider, ExchangeCaptureBench.heap(gcLog));
      return rounds;
    } finally {
      server.destroy();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
      System.out.println(provider + ": server log " + data.resolve("server.log"));
    }
  }

  private static void importContacts(HttpClient http, String base, String owner, Path data)
      throws Exception {
    Path csv = data.resolve("contacts.csv");
    ImportBench.writeCsv(csv, CONTACTS);
    long importing = System.nanoTime();
    HttpResponse<String> imported = ImportBench.importCsv(http, base, owner, csv);
    if (imported.statusCode() >= 300) {
      throw new IllegalStateException(
          "the contact import answered " + imported.statusCode() + ": " + imported.body());
    }
    System.out.printf(
        "CSV import of %,d contacts in %.1f s%n", CONTACTS, (System.nanoTime() - importing) / 1e9);
  }

  /**
   * The rep's CRM events, half-hour meetings with one contact over the next 80 days (inside the
   * window event sync reads), 25 a day, made on 4 connections at once.
   */
  private static void createEvents(HttpClient http, String base, String rep) throws Exception {
    Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
    long creating = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> made = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        int n = i;
        Instant start =
            today
                .plus(1 + n % 80, ChronoUnit.DAYS)
                .plus(7, ChronoUnit.HOURS)
                .plus(30L * ((n / 80) % 25), ChronoUnit.MINUTES);
        String body =
            Json.createObjectBuilder()
                .add("subject", "Meeting " + n)
                .add("start", start.toString())
                .add("end", start.plus(30, ChronoUnit.MINUTES).toString())
                .add("timeZone", "Europe/Paris")
                .add("location", "Room " + (n % 20))
                .add("bodyText", "Agenda of meeting " + n)
                .add(
                    "attendees",
                    Json.createArrayBuilder()
                        .add(
                            Json.createObjectBuilder()
                                .add("email", ImportBench.contactAddress(n % CONTACTS))
                                .add("name", "First" + n + " Last" + n)))
                .build()
                .toString();
        made.add(
            pool.submit(() -> AddinLogBench.send(http, "POST", base + "/api/events", rep, body)));
      }
      for (Future<String> f : made) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    System.out.printf(
        "%,d CRM events made by the rep in %.1f s%n", EVENTS, (System.nanoTime() - creating) / 1e9);
  }

  private static void settings(HttpClient http, String base, String admin, String direction)
      throws Exception {
    AddinLogBench.send(
        http,
        "PUT",
        base + "/api/admin/sync/settings",
        admin,
        "{\"contacts\":\""
            + direction
            + "\",\"events\":\""
            + direction
            + "\",\"includeLeads\":false}");
  }

  /**
   * Waits for the next round to end: the contact and the event job of the rep each succeeded once
   * more (the server's job counts), and then the status. The round's start is the timer tick of the
   * minute its first sync call to the fake falls in.
   */
  private static Round round(
      String provider,
      String name,
      HttpClient http,
      String base,
      String rep,
      Mailbox mailbox,
      Process server,
      Instant armed)
      throws Exception {
    JsonObject before = status(http, base, rep);
    Map<String, Integer> callsBefore = mailbox.calls().snapshot();
    Map<String, Double> jobsBefore = jobRuns(http, base);
    Instant firstCall = null;
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1L + ROUND_MINUTES));
    long lastScrape = 0;
    while (true) {
      if (firstCall == null && syncCalls(mailbox.calls().since(callsBefore)) > 0) {
        firstCall = Instant.now();
      }
      if (System.nanoTime() - lastScrape > 500_000_000L) {
        lastScrape = System.nanoTime();
        Map<String, Double> jobs = jobRuns(http, base);
        if (grew(jobs, jobsBefore, "sync.contacts", "succeeded")
            && grew(jobs, jobsBefore, "sync.events", "succeeded")) {
          break;
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            provider + " round " + name + " did not end: " + status(http, base, rep));
      }
      Thread.sleep(50);
    }
    JsonObject after = status(http, base, rep);
    Instant seen = Instant.now();
    Map<String, Double> jobs = jobRuns(http, base);
    Map<String, Integer> calls = mailbox.calls().since(callsBefore);
    if (firstCall == null) {
      firstCall = seen;
    }
    Instant tick = firstCall.truncatedTo(ChronoUnit.MINUTES);
    if (tick.isBefore(armed)) {
      tick = armed; // a job queued before sync was switched on again, waiting for the lease
    }
    Round round =
        new Round(
            provider,
            name,
            tick,
            firstCall,
            after.containsKey("lastSyncAt") && !after.isNull("lastSyncAt")
                ? Instant.parse(after.getString("lastSyncAt"))
                : null,
            seen,
            calls,
            count(after, "itemsIn") - count(before, "itemsIn"),
            count(after, "itemsOut") - count(before, "itemsOut"),
            count(after, "conflicts") - count(before, "conflicts"),
            after.getJsonArray("errors").size() - before.getJsonArray("errors").size(),
            Math.round(
                jobs.getOrDefault("sync.contacts retried", 0.0)
                    - jobsBefore.getOrDefault("sync.contacts retried", 0.0)
                    + jobs.getOrDefault("sync.events retried", 0.0)
                    - jobsBefore.getOrDefault("sync.events retried", 0.0)),
            Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.printf(
        "%s round %s: tick %s%s, first sync call +%.1f s, lastSyncAt +%.1f s, status showed it"
            + " +%.1f s; %d calls %s; in %d, out %d, conflicts %d, new errors %d, job retries %d;"
            + " load %s%n",
        provider,
        name,
        tick,
        " (armed " + armed.truncatedTo(ChronoUnit.MILLIS) + ")",
        seconds(tick, firstCall),
        round.lastSyncAt() == null ? Double.NaN : seconds(tick, round.lastSyncAt()),
        seconds(tick, seen),
        round.totalCalls(),
        calls,
        round.in(),
        round.out(),
        round.conflicts(),
        round.errors(),
        round.retried(),
        round.load());
    if (round.errors() > 0) {
      System.out.println("  errors: " + after.getJsonArray("errors"));
    }
    return round;
  }

  /**
   * Switches sync off and waits until no sync job is queued, scheduled (a retry included) or
   * running: the round after it starts at a tick after sync is on again, and does not overlap the
   * end of the one before (with a one-second interval, the tick after the contact job ended queues
   * the next contact round while the event job may still run).
   */
  private static void quiesce(HttpClient http, String base, String admin) throws Exception {
    settings(http, base, admin, "off");
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (pendingSyncJobs(http, base) > 0) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("sync jobs still pending 3 minutes after sync was off");
      }
      Thread.sleep(500);
    }
  }

  /** {@code mailbridge_jobs} of the sync kinds that are queued, scheduled or running. */
  private static double pendingSyncJobs(HttpClient http, String base) throws Exception {
    double pending = 0;
    for (String line : metrics(http, base)) {
      if (line.startsWith("mailbridge_jobs{")
          && line.contains("kind=\"sync.")
          && !label(line, "state").equals("parked")) {
        pending += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return pending;
  }

  private static int syncCalls(Map<String, Integer> calls) {
    int n = 0;
    for (Map.Entry<String, Integer> e : calls.entrySet()) {
      if (!CAPTURE_CALLS.contains(e.getKey().split(" ")[0])) {
        n += e.getValue();
      }
    }
    return n;
  }

  private static boolean grew(
      Map<String, Double> now, Map<String, Double> before, String kind, String outcome) {
    String key = kind + " " + outcome;
    return now.getOrDefault(key, 0.0) > before.getOrDefault(key, 0.0);
  }

  /** {@code mailbridge_job_runs_total} of the sync kinds, as "kind outcome" → runs. */
  private static Map<String, Double> jobRuns(HttpClient http, String base) throws Exception {
    Map<String, Double> runs = new TreeMap<>();
    for (String line : metrics(http, base)) {
      if (!line.startsWith("mailbridge_job_runs") || !line.contains("kind=\"sync.")) {
        continue;
      }
      String kind = label(line, "kind");
      String outcome = label(line, "outcome");
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      runs.merge(kind + " " + outcome, value, Double::sum);
    }
    return runs;
  }

  /** The lines of the server's own metrics, Prometheus' text format. */
  static List<String> metrics(HttpClient http, String base) throws Exception {
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics?scope=application"))
                .header("Accept", "text/plain")
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return List.of(metrics.body().split("\n"));
  }

  static String label(String line, String name) {
    int at = line.indexOf(name + "=\"");
    if (at < 0) {
      return "?";
    }
    int from = at + name.length() + 2;
    return line.substring(from, line.indexOf('"', from));
  }

  /** Whether round 3 put every edit where it belongs: the later write on both sides. */
  private static void checkEdits(
      String provider,
      HttpClient http,
      String base,
      String admin,
      Mailbox mailbox,
      List<String[]> contacts,
      List<String[]> events,
      int half)
      throws Exception {
    int[] contactChecks = new int[3];
    int[] eventChecks = new int[3];
    for (int i = 0; i < half + EDITS; i++) {
      String crmTitle =
          json(AddinLogBench.send(
                  http, "GET", base + "/api/records/contacts/" + contacts.get(i)[1], admin, ""))
              .getString("title", null);
      String crmSubject =
          json(AddinLogBench.send(http, "GET", base + "/api/events/" + events.get(i)[1], admin, ""))
              .getString("subject", null);
      check(
          contactChecks,
          i,
          half,
          "CRM title " + i,
          "Mail title " + i,
          crmTitle,
          mailbox.contactTitle(contacts.get(i)[0]));
      check(
          eventChecks,
          i,
          half,
          "CRM subject " + i,
          "Mail subject " + i,
          crmSubject,
          mailbox.eventSubject(events.get(i)[0]));
    }
    System.out.printf(
        "%s after round 3: contacts: %d of %d CRM-only edits at the fake, %d of %d mail-only"
            + " edits in the CRM, %d of %d edited on both sides show the mailbox's (later) title"
            + " on both sides; events: %d of %d, %d of %d, %d of %d%n",
        provider,
        contactChecks[0],
        half,
        contactChecks[1],
        half,
        contactChecks[2],
        EDITS - half,
        eventChecks[0],
        half,
        eventChecks[1],
        half,
        eventChecks[2],
        EDITS - half);
  }

  private static void check(
      int[] counts, int i, int half, String crmValue, String mailValue, String crm, String mail) {
    if (i < half) {
      counts[0] += crmValue.equals(mail) ? 1 : 0;
    } else if (i < EDITS) {
      counts[2] += mailValue.equals(mail) && mailValue.equals(crm) ? 1 : 0;
    } else {
      counts[1] += mailValue.equals(crm) ? 1 : 0;
    }
  }

  private static void table(List<Round> rounds) {
    System.out.println();
    System.out.printf(
        "%-9s %-28s %9s %9s %7s %6s %6s %6s %6s %7s  %s%n",
        "provider",
        "round",
        "tick→done",
        "1st→done",
        "calls",
        "in",
        "out",
        "confl",
        "errors",
        "retries",
        "calls by operation");
    for (Round r : rounds) {
      System.out.printf(
          "%-9s %-28s %8.1fs %8.1fs %7d %6d %6d %6d %6d %7d  %s%n",
          r.provider(),
          r.name(),
          seconds(r.tick(), r.seen()),
          seconds(r.firstCall(), r.seen()),
          r.totalCalls(),
          r.in(),
          r.out(),
          r.conflicts(),
          r.errors(),
          r.retried(),
          r.calls());
    }
  }

  private static long count(JsonObject status, String field) {
    return status.containsKey(field) ? status.getJsonNumber(field).longValue() : 0;
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  private static JsonObject status(HttpClient http, String base, String token) throws Exception {
    return json(AddinLogBench.send(http, "GET", base + "/api/sync/status", token, ""));
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  // ------------------------------------------------------------------------------ the mailboxes

  /** The items that carry a CRM id, each as {mail id, CRM id}. */
  static <T> List<String[]> pairs(
      List<T> items, Function<T, String> mailId, Function<T, String> crmId) {
    List<String[]> pairs = new ArrayList<>();
    for (T item : items) {
      String crm = crmId.apply(item);
      if (crm != null) {
        pairs.add(new String[] {mailId.apply(item), crm});
      }
    }
    return pairs;
  }

  /** A mailbox at the fake Google or Microsoft, connected by the rep through the OAuth flow. */
  abstract static class CloudMailbox implements Mailbox {
    final FakeProviders fake;
    private final String provider;

    CloudMailbox(FakeProviders fake, String provider) {
      this.fake = fake;
      this.provider = provider;
    }

    @Override
    public void connect(HttpClient http, String base, String admin, String rep) throws Exception {
      ProviderFakes.registerApps(http, base, admin, fake);
      ProviderFakes.connect(http, base, rep, provider, REP);
    }

    @Override
    public ProviderCalls calls() {
      return fake.calls;
    }
  }

  /** The rep's Microsoft 365 mailbox at the fake Graph, connected through OAuth. */
  static final class GraphMailbox extends CloudMailbox {
    GraphMailbox(FakeProviders fake) {
      super(fake, "graph");
    }

    @Override
    public List<String[]> contacts() {
      return pairs(
          fake.graphContactsIn(REP, FOLDER),
          c -> c.getString("id"),
          c -> fake.graphContactProperties(REP, c.getString("id")).get(GRAPH_CRM_ID));
    }

    @Override
    public List<String[]> events() {
      return pairs(
          fake.graphCalendar(REP),
          FakeProviders.GraphEvent::id,
          e -> {
            FakeProviders.GraphEventExtra extra = fake.graphEventExtras.get(e.id());
            return extra == null ? null : extra.crmId();
          });
    }

    @Override
    public void editContact(String id, String title) {
      fake.changeGraphContact(REP, id, "jobTitle", Json.createValue(title), Instant.now());
    }

    @Override
    public void editEvent(String id, String subject) {
      FakeProviders.GraphEvent event = fake.graphEvent(REP, id);
      fake.putGraphEvent(event.retitled(subject, event.body()));
    }

    @Override
    public String contactTitle(String id) {
      JsonObject contact = fake.graphContact(REP, id);
      return contact == null ? null : contact.getString("jobTitle", null);
    }

    @Override
    public String eventSubject(String id) {
      FakeProviders.GraphEvent event = fake.graphEvent(REP, id);
      return event == null ? null : event.subject();
    }
  }

  /** The rep's Google account at the fake People and Calendar APIs, connected through OAuth. */
  static final class GoogleMailbox extends CloudMailbox {
    GoogleMailbox(FakeProviders fake) {
      super(fake, "google");
    }

    @Override
    public List<String[]> contacts() {
      return pairs(
          fake.googleContactsIn(REP, FOLDER),
          p -> p.getString("resourceName"),
          p -> {
            JsonArray data = p.getJsonArray("clientData");
            return data == null
                ? null
                : data.getValuesAs(JsonObject.class).stream()
                    .filter(d -> d.getString("key").equals(CRM_ID))
                    .map(d -> d.getString("value"))
                    .findFirst()
                    .orElse(null);
          });
    }

    @Override
    public List<String[]> events() {
      return pairs(
          fake.googleCalendar(REP),
          FakeProviders.GoogleEvent::id,
          e -> {
            FakeProviders.GoogleEventExtra extra = fake.googleEventExtras.get(e.id());
            return extra == null ? null : extra.privateProperties().get(CRM_ID);
          });
    }

    @Override
    public void editContact(String id, String title) {
      fake.changeGoogleContact(
          REP,
          id,
          "organizations",
          Json.createArrayBuilder()
              .add(Json.createObjectBuilder().add("title", title).add("type", "work"))
              .build(),
          Instant.now());
    }

    @Override
    public void editEvent(String id, String subject) {
      FakeProviders.GoogleEvent event = fake.googleEvent(REP, id);
      fake.putGoogleEvent(event.edited(subject, event.location(), event.description()));
    }

    @Override
    public String contactTitle(String id) {
      JsonObject person = fake.googleContact(REP, id);
      JsonArray organizations = person == null ? null : person.getJsonArray("organizations");
      return organizations == null || organizations.isEmpty()
          ? null
          : organizations.getJsonObject(0).getString("title", null);
    }

    @Override
    public String eventSubject(String id) {
      FakeProviders.GoogleEvent event = fake.googleEvent(REP, id);
      return event == null ? null : event.summary();
    }
  }

  /** The rep's mailbox at the fake Exchange, reached by the org's impersonating service account. */
  static final class ExchangeMailbox implements Mailbox {
    private final FakeExchange fake;

    ExchangeMailbox(FakeExchange fake) {
      this.fake = fake;
    }

    @Override
    public ProviderCalls calls() {
      return fake.calls;
    }

    @Override
    public void connect(HttpClient http, String base, String admin, String rep) throws Exception {
      fake.impersonable.add(REP);
      ProviderFakes.allowLoopbackExchange(http, base, admin);
      AddinLogBench.send(
          http,
          "PUT",
          base + "/api/admin/exchange/connection",
          admin,
          ProviderFakes.exchangeConnection(
              fake.ewsUrl(),
              ExchangeCaptureBench.USER,
              ExchangeCaptureBench.DOMAIN,
              ExchangeCaptureBench.PASSWORD,
              List.of(REP)));
    }

    @Override
    public List<String[]> contacts() {
      return pairs(fake.contacts.in(REP, FOLDER), c -> c.id, c -> c.properties.get(EWS_CRM_ID));
    }

    @Override
    public List<String[]> events() {
      return pairs(fake.calendar.in(REP), i -> i.id, i -> i.properties.get(EWS_CRM_ID));
    }

    @Override
    public void editContact(String id, String title) {
      fake.contacts.editByHand(id, Map.of("JobTitle", title));
    }

    @Override
    public void editEvent(String id, String subject) {
      fake.calendar.editByHand(id, item -> item.subject = subject);
    }

    @Override
    public String contactTitle(String id) {
      return fake.contacts.in(REP, FOLDER).stream()
          .filter(c -> c.id.equals(id))
          .map(c -> c.field("JobTitle"))
          .filter(Objects::nonNull)
          .findFirst()
          .orElse(null);
    }

    @Override
    public String eventSubject(String id) {
      return fake.calendar.in(REP).stream()
          .filter(i -> i.id.equals(id))
          .map(i -> i.subject)
          .filter(Objects::nonNull)
          .findFirst()
          .orElse(null);
    }
  }
}
