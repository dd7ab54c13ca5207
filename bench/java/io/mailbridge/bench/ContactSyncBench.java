package io.mailbridge.bench;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthBrowser;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A contact sync round for a user with {@code bench.contacts} CRM contacts against the fake
 * Microsoft Graph: a server with its own job pump and sync timer running (the interval set to one
 * second, so every five-minute tick queues the user), a rep whose Microsoft 365 mailbox is
 * connected through the real OAuth flow, the contacts imported from CSV and contact sync set to
 * "both". Three rounds, each started by the server's timer: (1) every contact CRM → mail, (2)
 * nothing changed, (3) after {@code bench.edits} title changes in the CRM and as many at the fake,
 * half of them on the same contacts (those are conflicts, and the mailbox's later write wins). A
 * round is timed from the timer tick that queued it to the rep's {@code GET /api/sync/status}
 * showing a new {@code lastSyncAt}; the fake's contact requests in that window are counted by kind.
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.ContactSyncBench} (-Dbench.contacts=5000, -Dbench.edits=100). A
 * run lasts about three timer periods (15 minutes) plus the rounds themselves.
 */
public final class ContactSyncBench {

  static final int CONTACTS = Integer.getInteger("bench.contacts", 5000);
  static final int EDITS = Integer.getInteger("bench.edits", 100);
  static final int PORT = Integer.getInteger("bench.port", 18191);
  static final int FAKE_PORT = Integer.getInteger("bench.fake-port", 18192);
  static final int ROUND_MINUTES = Integer.getInteger("bench.round-minutes", 20);
  static final String ACCOUNT = "sync-rep@bench.example";
  static final String REP = "sync-rep@bench.example";
  static final String REP_PASSWORD = "bench rep password, long enough";
  static final String FOLDER = "Mailbridge";
  static final String CRM_ID_PROPERTY =
      "String {c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58} Name MailbridgeCrmId";
  static final long TICK_MILLIS = Duration.ofMinutes(5).toMillis();

  /** What one round did, as the fake and the rep's status saw it. */
  record Round(
      String name,
      Instant tick,
      Instant firstCall,
      Instant seen,
      Instant lastSyncAt,
      Map<String, Integer> calls,
      int otherGraphCalls,
      int tokenRefreshes,
      long in,
      long out,
      long conflicts,
      int errors,
      int atFake,
      String heapUsed,
      String load) {

    int totalCalls() {
      return calls.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  public static void main(String[] args) throws Exception {
    FakeProviders fake = FakeProviders.start(FAKE_PORT);
    String fakeBase = "http://127.0.0.1:" + FAKE_PORT;
    Path data = Files.createTempDirectory(Path.of("target"), "contact-sync-bench");
    Process process =
        ImportBench.startServer(
            data,
            PORT,
            Map.ofEntries(
                Map.entry("MAILBRIDGE_JOBS_ENABLED", "true"),
                // Every tick of the five-minute sync timer queues the user: a round per tick.
                Map.entry("MAILBRIDGE_SYNC_INTERVAL", "PT1S"),
                Map.entry("MAILBRIDGE_PUBLIC_URL", OAuthBrowser.PUBLIC_URL),
                Map.entry("MAILBRIDGE_OAUTH_ALLOW_PRIVATE_ENDPOINTS", "true"),
                Map.entry("MAILBRIDGE_MICROSOFT_AUTHORITY", fakeBase + "/microsoft"),
                Map.entry("MAILBRIDGE_MICROSOFT_GRAPH_URL", fakeBase + "/graph/v1.0")));
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String base = "http://127.0.0.1:" + PORT;
      ImportBench.waitUntilReady(http, base);
      String admin = ImportBench.token(http, base);
      String client = java.util.UUID.randomUUID().toString();
      fake.clientSecrets.put(client, "bench secret");
      AddinLogBench.send(
          http,
          "PUT",
          base + "/api/admin/providers/microsoft",
          admin,
          "{\"clientId\":\"" + client + "\",\"clientSecret\":\"bench secret\"}");
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
      String rep = login(http, base, REP, REP_PASSWORD);
      String outcome =
          OAuthBrowser.outcome(new OAuthBrowser(base).connect("microsoft", rep, ACCOUNT));
      System.out.println("the rep's Microsoft 365 mailbox: " + outcome);

      long importing = System.nanoTime();
      HttpResponse<String> imported =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/records/contacts/import"))
                  .timeout(Duration.ofMinutes(10))
                  .header("Authorization", "Bearer " + admin)
                  .header("Content-Type", "text/csv")
                  .POST(HttpRequest.BodyPublishers.ofString(csv(), StandardCharsets.UTF_8))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      System.out.printf(
          "CSV import of %,d contacts answered %d in %d ms: %s%n",
          CONTACTS,
          imported.statusCode(),
          (System.nanoTime() - importing) / 1_000_000,
          abbreviate(imported.body()));
      System.out.println("heap before sync: " + heap(process));

      settings(http, base, admin, "both");
      System.out.println(
          "contact sync set to both at "
              + Instant.now().truncatedTo(ChronoUnit.SECONDS)
              + "; the next timer tick starts round 1");
      List<Round> rounds = new ArrayList<>();
      rounds.add(round("1: " + CONTACTS + " contacts CRM→mail", http, base, rep, fake, process));
      rounds.add(round("2: nothing changed", http, base, rep, fake, process));

      // The edits are made with sync off, so that no tick starts round 3 halfway through them.
      settings(http, base, admin, "off");
      List<String[]> pairs = pairs(fake);
      int half = EDITS / 2;
      for (int i = 0; i < EDITS; i++) {
        String crmId = pairs.get(i)[1];
        JsonObject record =
            json(
                AddinLogBench.send(
                    http, "GET", base + "/api/records/contacts/" + crmId, admin, ""));
        AddinLogBench.send(
            http,
            "PUT",
            base + "/api/records/contacts/" + crmId,
            admin,
            Json.createObjectBuilder(record).add("title", "CRM title " + i).build().toString());
      }
      // Contacts half .. half + EDITS: the first half of them were just edited in the CRM too.
      for (int i = half; i < half + EDITS; i++) {
        fake.changeGraphContact(
            ACCOUNT,
            pairs.get(i)[0],
            "jobTitle",
            Json.createValue("Mail title " + i),
            Instant.now());
      }
      settings(http, base, admin, "both");
      System.out.printf(
          "%d CRM edits (contacts 0-%d) and %d edits at the fake (contacts %d-%d) made;"
              + " %d contacts changed on both sides%n",
          EDITS, EDITS - 1, EDITS, half, half + EDITS - 1, EDITS - half);
      rounds.add(
          round("3: " + EDITS + " CRM + " + EDITS + " mail edits", http, base, rep, fake, process));
      checkEdits(http, base, admin, fake, pairs, half);
      table(rounds);
    } finally {
      process.destroy();
      process.waitFor(60, TimeUnit.SECONDS);
      fake.stop();
      System.out.println("server log: " + data.resolve("server.log"));
    }
  }

  private static String csv() {
    StringBuilder out = new StringBuilder("firstName,lastName,emails,phone,title\n");
    for (int i = 0; i < CONTACTS; i++) {
      out.append("Sync")
          .append(i)
          .append(",Contact")
          .append(i)
          .append(",sync")
          .append(i)
          .append("@customer")
          .append(i % 50)
          .append(".example,+1 555 ")
          .append(i)
          .append(",Buyer ")
          .append(i % 17)
          .append('\n');
    }
    return out.toString();
  }

  private static void settings(HttpClient http, String base, String admin, String contacts)
      throws Exception {
    AddinLogBench.send(
        http,
        "PUT",
        base + "/api/admin/sync/settings",
        admin,
        "{\"contacts\":\"" + contacts + "\",\"events\":\"off\",\"includeLeads\":false}");
  }

  /**
   * Waits for the next round to end: the rep's status shows a new {@code lastSyncAt}. The round's
   * trigger is the five-minute timer tick before its first Graph contact call.
   */
  private static Round round(
      String name, HttpClient http, String base, String rep, FakeProviders fake, Process process)
      throws Exception {
    JsonObject before = status(http, base, rep);
    String lastBefore = before.getString("lastSyncAt", null);
    int callsBefore = fake.graphContactRequests().size();
    int otherBefore = fake.graphRequests.size();
    int refreshesBefore = refreshes(fake);
    Instant firstCall = null;
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5L + ROUND_MINUTES));
    JsonObject after;
    while (true) {
      if (firstCall == null && fake.graphContactRequests().size() > callsBefore) {
        firstCall = Instant.now();
      }
      after = status(http, base, rep);
      if (!Objects.equals(lastBefore, after.getString("lastSyncAt", null))) {
        break;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("round " + name + " did not end: " + after);
      }
      Thread.sleep(100);
    }
    Instant seen = Instant.now();
    if (firstCall == null) {
      firstCall = seen;
    }
    List<String> all = fake.graphContactRequests();
    List<String> calls = all.subList(callsBefore, all.size());
    Map<String, Integer> kinds = new LinkedHashMap<>();
    for (String kind : List.of("folder", "delta", "create", "read", "update", "delete")) {
      kinds.put(kind, 0);
    }
    for (String call : calls) {
      kinds.merge(kind(call), 1, Integer::sum);
    }
    Instant tick = Instant.ofEpochMilli(firstCall.toEpochMilli() / TICK_MILLIS * TICK_MILLIS);
    Round round =
        new Round(
            name,
            tick,
            firstCall,
            seen,
            Instant.parse(after.getString("lastSyncAt")),
            kinds,
            fake.graphRequests.size() - otherBefore,
            refreshes(fake) - refreshesBefore,
            count(after, "itemsIn") - count(before, "itemsIn"),
            count(after, "itemsOut") - count(before, "itemsOut"),
            count(after, "conflicts") - count(before, "conflicts"),
            after.getJsonArray("errors").size(),
            fake.graphContactsIn(ACCOUNT, FOLDER).size(),
            heap(process),
            Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.printf(
        "round %s: tick %s, first Graph call +%.1f s, status showed it done +%.1f s"
            + " (server's lastSyncAt +%.1f s); %d contact calls %s, %d other Graph calls, %d token"
            + " refreshes; in %d, out %d, conflicts %d, errors %d; %d contacts at the fake;"
            + " heap used %s; load %s%n",
        name,
        tick,
        seconds(tick, firstCall),
        seconds(tick, seen),
        seconds(tick, round.lastSyncAt()),
        round.totalCalls(),
        kinds,
        round.otherGraphCalls(),
        round.tokenRefreshes(),
        round.in(),
        round.out(),
        round.conflicts(),
        round.errors(),
        round.atFake(),
        round.heapUsed(),
        round.load());
    if (round.errors() > 0) {
      System.out.println("  errors: " + after.getJsonArray("errors"));
    }
    return round;
  }

  private static String kind(String call) {
    // "METHOD /graph/v1.0/me/contactFolders[/folder[/contacts[/id|/delta]]] #account"
    String method = call.substring(0, call.indexOf(' '));
    String path = call.substring(call.indexOf(' ') + 1, call.lastIndexOf(" #"));
    if (path.contains("/contacts/delta")) {
      return "delta";
    }
    if (!path.contains("/contacts")) {
      return "folder";
    }
    return switch (method) {
      case "POST" -> "create";
      case "PATCH" -> "update";
      case "DELETE" -> "delete";
      default -> "read";
    };
  }

  /** The folder's contacts in the order they were made, each as {contact id, CRM id}. */
  private static List<String[]> pairs(FakeProviders fake) {
    List<String[]> pairs = new ArrayList<>();
    for (JsonObject contact : fake.graphContactsIn(ACCOUNT, FOLDER)) {
      String id = contact.getString("id");
      String crmId = fake.graphContactProperties(ACCOUNT, id).get(CRM_ID_PROPERTY);
      if (crmId != null) {
        pairs.add(new String[] {id, crmId});
      }
    }
    return pairs;
  }

  /** Whether round 3 put every edit where it belongs: the later write on both sides. */
  private static void checkEdits(
      HttpClient http,
      String base,
      String admin,
      FakeProviders fake,
      List<String[]> pairs,
      int half)
      throws Exception {
    int crmOnlyAtFake = 0;
    int mailOnlyInCrm = 0;
    int bothMailWon = 0;
    for (int i = 0; i < half + EDITS; i++) {
      JsonObject atFake = fake.graphContact(ACCOUNT, pairs.get(i)[0]);
      String fakeTitle = atFake == null ? null : atFake.getString("jobTitle", null);
      String crmTitle =
          json(AddinLogBench.send(
                  http, "GET", base + "/api/records/contacts/" + pairs.get(i)[1], admin, ""))
              .getString("title", null);
      if (i < half) {
        crmOnlyAtFake += ("CRM title " + i).equals(fakeTitle) ? 1 : 0;
      } else if (i < EDITS) {
        String mail = "Mail title " + i;
        bothMailWon += mail.equals(fakeTitle) && mail.equals(crmTitle) ? 1 : 0;
      } else {
        mailOnlyInCrm += ("Mail title " + i).equals(crmTitle) ? 1 : 0;
      }
    }
    System.out.printf(
        "after round 3: %d of %d CRM-only edits at the fake, %d of %d mail-only edits in the CRM,"
            + " %d of %d edited on both sides show the later (mailbox) title on both sides%n",
        crmOnlyAtFake, half, mailOnlyInCrm, half, bothMailWon, EDITS - half);
  }

  private static void table(List<Round> rounds) {
    System.out.println();
    System.out.printf(
        "%-32s %9s %9s %7s %6s %6s %6s %6s %6s %6s %6s %5s %5s %6s %5s %7s %10s%n",
        "round",
        "tick→done",
        "1st→done",
        "calls",
        "delta",
        "create",
        "read",
        "update",
        "delete",
        "folder",
        "in",
        "out",
        "confl",
        "errors",
        "other",
        "atFake",
        "heap used");
    for (Round r : rounds) {
      System.out.printf(
          "%-32s %8.1fs %8.1fs %7d %6d %6d %6d %6d %6d %6d %6d %5d %5d %6d %5d %7d %10s%n",
          r.name(),
          seconds(r.tick(), r.seen()),
          seconds(r.firstCall(), r.seen()),
          r.totalCalls(),
          r.calls().get("delta"),
          r.calls().get("create"),
          r.calls().get("read"),
          r.calls().get("update"),
          r.calls().get("delete"),
          r.calls().get("folder"),
          r.in(),
          r.out(),
          r.conflicts(),
          r.errors(),
          r.otherGraphCalls() + r.tokenRefreshes(),
          r.atFake(),
          r.heapUsed());
    }
  }

  private static int refreshes(FakeProviders fake) {
    return fake.refreshesByClient.values().stream().mapToInt(AtomicInteger::get).sum();
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

  /** The server JVM's heap in use, from {@code jcmd GC.heap_info}. */
  private static String heap(Process process) {
    try {
      Process jcmd =
          new ProcessBuilder("jcmd", Long.toString(process.pid()), "GC.heap_info")
              .redirectErrorStream(true)
              .start();
      String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
      return m.find()
          ? (Long.parseLong(m.group(2)) / 1024) + "/" + (Long.parseLong(m.group(1)) / 1024) + " MB"
          : "?";
    } catch (Exception e) {
      return "?";
    }
  }

  private static String login(HttpClient http, String base, String email, String password)
      throws Exception {
    HttpResponse<String> login =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Json.createObjectBuilder()
                            .add("email", email)
                            .add("password", password)
                            .build()
                            .toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (login.statusCode() != 200) {
      throw new IllegalStateException("login answered " + login.statusCode() + ": " + login.body());
    }
    return json(login.body()).getString("accessToken");
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }
}
