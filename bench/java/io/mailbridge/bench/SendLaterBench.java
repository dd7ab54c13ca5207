package io.mailbridge.bench;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthBrowser;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How late send later sends: a server with its job pump running (every node's default), one Gmail
 * and one Microsoft 365 mailbox connected through the real OAuth flows at the fakes, and {@code
 * bench.sends} messages (half per provider) scheduled at random times over {@code bench.spread}
 * seconds, starting a minute out. The fakes are watched every 5 ms; a message's lateness is when it
 * reached the fake's Sent Items minus the time the rep chose. Each message carries its own
 * Message-ID, so it is told apart at the fake exactly as Mailbridge tells a retried send apart.
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.SendLaterBench} (-Dbench.sends=200, -Dbench.spread=240).
 */
public final class SendLaterBench {

  static final int SENDS = Integer.getInteger("bench.sends", 200);
  static final int SPREAD_SECONDS = Integer.getInteger("bench.spread", 240);
  static final int PORT = Integer.getInteger("bench.port", 18187);
  static final int FAKE_PORT = Integer.getInteger("bench.fake-port", 18188);
  static final String GMAIL_ACCOUNT = "later-g@bench.example";
  static final String GRAPH_ACCOUNT = "later-m@bench.example";

  public static void main(String[] args) throws Exception {
    FakeProviders fake = FakeProviders.start(FAKE_PORT);
    String fakeBase = "http://127.0.0.1:" + FAKE_PORT;
    String google = fakeBase + "/google";
    Path data = Files.createTempDirectory(Path.of("target"), "send-later-bench");
    Process process =
        ImportBench.startServer(
            data,
            PORT,
            Map.ofEntries(
                Map.entry("MAILBRIDGE_JOBS_ENABLED", "true"),
                Map.entry("MAILBRIDGE_PUBLIC_URL", OAuthBrowser.PUBLIC_URL),
                Map.entry("MAILBRIDGE_OAUTH_ALLOW_PRIVATE_ENDPOINTS", "true"),
                Map.entry("MAILBRIDGE_GOOGLE_AUTHORIZATION_URL", google + "/o/oauth2/v2/auth"),
                Map.entry("MAILBRIDGE_GOOGLE_TOKEN_URL", google + "/token"),
                Map.entry("MAILBRIDGE_GOOGLE_REVOCATION_URL", google + "/revoke"),
                Map.entry("MAILBRIDGE_GOOGLE_JWKS_URL", google + "/oauth2/v3/certs"),
                Map.entry("MAILBRIDGE_GOOGLE_GMAIL_URL", google + "/"),
                Map.entry("MAILBRIDGE_MICROSOFT_AUTHORITY", fakeBase + "/microsoft"),
                Map.entry("MAILBRIDGE_MICROSOFT_GRAPH_URL", fakeBase + "/graph/v1.0")));
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String base = "http://127.0.0.1:" + PORT;
      ImportBench.waitUntilReady(http, base);
      String token = ImportBench.token(http, base);
      register(http, base, token, fake, "google", "bench.apps.googleusercontent.com");
      register(http, base, token, fake, "microsoft", java.util.UUID.randomUUID().toString());
      new OAuthBrowser(base).connect("google", token, GMAIL_ACCOUNT);
      new OAuthBrowser(base).connect("microsoft", token, GRAPH_ACCOUNT);
      Map<String, String> mailboxes = mailboxIds(http, base, token);
      String contact =
          json(AddinLogBench.send(
                  http,
                  "POST",
                  base + "/api/records/contacts",
                  token,
                  "{\"firstName\":\"Bench\",\"lastName\":\"Customer\",\"emails\":[\"customer@bench.example\"]}"))
              .getString("id");

      Map<String, Instant> chosen = new ConcurrentHashMap<>();
      Map<String, Instant> arrived = new ConcurrentHashMap<>();
      Thread watcher = new Thread(() -> watch(fake, chosen, arrived), "sent-items-watcher");
      watcher.setDaemon(true);
      watcher.start();

      Random random = new Random(42);
      Instant first = Instant.now().plusSeconds(60);
      long scheduling = System.nanoTime();
      for (int i = 0; i < SENDS; i++) {
        String account = i % 2 == 0 ? GMAIL_ACCOUNT : GRAPH_ACCOUNT;
        Instant at = first.plusMillis((long) (random.nextDouble() * SPREAD_SECONDS * 1000));
        String messageId = "<send-later-" + i + "@bench.example>";
        chosen.put(messageId, at);
        String body =
            Json.createObjectBuilder()
                .add("mailboxId", mailboxes.get(account))
                .add("sendAt", at.toString())
                .add("mime", draft(account, i, messageId))
                .add("recordIds", Json.createArrayBuilder().add(contact))
                .build()
                .toString();
        AddinLogBench.send(http, "POST", base + "/api/scheduled-sends", token, body);
      }
      System.out.printf(
          "scheduled %d sends in %d ms; the first is due at %s%n",
          SENDS, (System.nanoTime() - scheduling) / 1_000_000, first);

      Instant deadline = first.plusSeconds(SPREAD_SECONDS + 180L);
      while (arrived.size() < SENDS && Instant.now().isBefore(deadline)) {
        Thread.sleep(1000);
      }
      Thread.sleep(5000); // a send that arrives twice would show up here
      report(fake, chosen, arrived);
    } finally {
      process.destroy();
      process.waitFor();
      fake.stop();
    }
  }

  private static void register(
      HttpClient http, String base, String token, FakeProviders fake, String provider, String id)
      throws Exception {
    fake.clientSecrets.put(id, "bench secret");
    AddinLogBench.send(
        http,
        "PUT",
        base + "/api/admin/providers/" + provider,
        token,
        "{\"clientId\":\"" + id + "\",\"clientSecret\":\"bench secret\"}");
  }

  private static Map<String, String> mailboxIds(HttpClient http, String base, String token)
      throws Exception {
    Map<String, String> ids = new ConcurrentHashMap<>();
    for (JsonObject m :
        json(AddinLogBench.send(http, "GET", base + "/api/mailboxes", token, ""))
            .getJsonArray("items")
            .getValuesAs(JsonObject.class)) {
      ids.put(m.getString("address"), m.getString("id"));
    }
    return ids;
  }

  private static String draft(String from, int i, String messageId) {
    String mime =
        "MIME-Version: 1.0\r\nFrom: "
            + from
            + "\r\nTo: customer@bench.example\r\nSubject: Send later "
            + i
            + "\r\nMessage-ID: "
            + messageId
            + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, this is send "
            + i
            + ".\r\n";
    return Base64.getEncoder().encodeToString(mime.getBytes(StandardCharsets.UTF_8));
  }

  /** Notes when each Message-ID first reaches either fake's Sent Items. */
  private static void watch(
      FakeProviders fake, Map<String, Instant> chosen, Map<String, Instant> arrived) {
    while (true) {
      Instant now = Instant.now();
      for (String id : fake.gmailSent.getOrDefault(GMAIL_ACCOUNT, List.of())) {
        arrived.putIfAbsent(id, now);
      }
      for (byte[] mime : fake.graphSentItems.getOrDefault(GRAPH_ACCOUNT, List.of())) {
        arrived.putIfAbsent(FakeProviders.messageIdOf(mime), now);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void report(
      FakeProviders fake, Map<String, Instant> chosen, Map<String, Instant> arrived) {
    List<Long> late = new ArrayList<>();
    int early = 0;
    for (Map.Entry<String, Instant> sent : arrived.entrySet()) {
      Instant at = chosen.get(sent.getKey());
      if (at == null) {
        continue;
      }
      long millis = Duration.between(at, sent.getValue()).toMillis();
      if (millis < 0) {
        early++;
      }
      late.add(millis);
    }
    int copies =
        fake.gmailSent.getOrDefault(GMAIL_ACCOUNT, List.of()).size()
            + fake.graphSentItems.getOrDefault(GRAPH_ACCOUNT, List.of()).size();
    Set<String> distinct = new HashSet<>(arrived.keySet());
    System.out.printf(
        "sent %d of %d (%d copies at the fakes, %d distinct Message-IDs), %d before their time%n",
        late.size(), chosen.size(), copies, distinct.size(), early);
    if (!late.isEmpty()) {
      long[] millis = late.stream().mapToLong(Long::longValue).toArray();
      LatencyReport.print("lateness after the chosen time", 0, millis, "");
    }
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }
}
