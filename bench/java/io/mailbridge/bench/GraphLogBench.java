package io.mailbridge.bench;

import io.mailbridge.it.exchange.TestMime;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.FakeProviders.GraphAttachment;
import io.mailbridge.it.providers.OAuthBrowser;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Latency of {@code POST /api/addin/log} over Microsoft Graph for the same payload as {@link
 * AddinLogBench} (a 1 MB email with two 2 MB attachments): the rep signs in with an Entra token
 * (on-behalf-of once), then each call looks up the cached Graph token, reads the MIME and both
 * attachments with the Graph SDK from the fake Graph on loopback, stores everything encrypted and
 * writes the extended property. Every call logs a different message with bytes of its own.
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.GraphLogBench} (-Dbench.calls=200, -Dbench.warmup=20).
 */
public final class GraphLogBench {

  static final int CALLS = Integer.getInteger("bench.calls", 200);
  static final int WARMUP = Integer.getInteger("bench.warmup", 20);
  static final int PORT = Integer.getInteger("bench.port", 18185);
  static final int FAKE_PORT = Integer.getInteger("bench.fake-port", 18186);

  public static void main(String[] args) throws Exception {
    FakeProviders fake = FakeProviders.start(FAKE_PORT);
    String fakeBase = "http://127.0.0.1:" + FAKE_PORT;
    Path data = Files.createTempDirectory(Path.of("target"), "graph-log-bench");
    Process process =
        ImportBench.startServer(
            data,
            PORT,
            Map.of(
                "MAILBRIDGE_PUBLIC_URL",
                OAuthBrowser.PUBLIC_URL,
                "MAILBRIDGE_OAUTH_ALLOW_PRIVATE_ENDPOINTS",
                "true",
                "MAILBRIDGE_MICROSOFT_AUTHORITY",
                fakeBase + "/microsoft",
                "MAILBRIDGE_MICROSOFT_GRAPH_URL",
                fakeBase + "/graph/v1.0"));
    try {
      HttpClient http =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .cookieHandler(new java.net.CookieManager())
              .build();
      String base = "http://127.0.0.1:" + PORT;
      ImportBench.waitUntilReady(http, base);
      String token = ImportBench.token(http, base);
      String clientId = UUID.randomUUID().toString();
      fake.clientSecrets.put(clientId, "bench secret");
      AddinLogBench.send(
          http,
          "PUT",
          base + "/api/admin/providers/microsoft",
          token,
          "{\"clientId\":\"" + clientId + "\",\"clientSecret\":\"bench secret\"}");
      String tenant = UUID.randomUUID().toString();
      fake.tenants.put("admin@bench.example", tenant);
      OAuthBrowser consent = new OAuthBrowser(base);
      consent.callback(
          consent.consent(
              consent.startAt("/api/admin/microsoft/consent", token), "admin@bench.example"));
      String contact =
          Json.createReader(
                  new StringReader(
                      AddinLogBench.send(
                          http,
                          "POST",
                          base + "/api/records/contacts",
                          token,
                          "{\"firstName\":\"Bench\",\"lastName\":\"Customer\",\"emails\":[\"customer@bench.example\"]}")))
              .readObject()
              .getString("id");

      // The bootstrap admin links the Entra identity through the sign-up page, then signs in.
      String entra =
          fake.entraAccessToken(
              fake.microsoftKey(),
              tenant,
              "api://mailbridge.it.example/" + clientId,
              "access_as_user",
              "oid-bench",
              Instant.now().plusSeconds(3600));
      String signup = graphSession(http, base, entra).body();
      String ticketPath =
          Json.createReader(new StringReader(signup)).readObject().getString("signup");
      io.mailbridge.it.support.SignupPageClient pages =
          new io.mailbridge.it.support.SignupPageClient(base);
      pages.submit(pages.open(ticketPath), ImportBench.ADMIN, ImportBench.PASSWORD);
      HttpResponse<String> session = graphSession(http, base, entra);
      if (session.statusCode() != 200) {
        throw new IllegalStateException("sign-in: " + session.body());
      }
      String account = FakeProviders.entraUser(tenant);

      Random random = new Random(42);
      long[] millis = new long[CALLS];
      for (int i = -WARMUP; i < CALLS; i++) {
        String itemId = "AAMkADbench" + (i + WARMUP);
        byte[] first = new byte[2 * 1024 * 1024];
        byte[] second = new byte[2 * 1024 * 1024];
        random.nextBytes(first);
        random.nextBytes(second);
        Map<String, GraphAttachment> attachments = new LinkedHashMap<>();
        attachments.put("one", new GraphAttachment("one.bin", "application/octet-stream", first));
        attachments.put("two", new GraphAttachment("two.bin", "application/octet-stream", second));
        fake.addGraphMessage(
            account,
            itemId,
            TestMime.message(
                itemId + "@bench.example",
                "Bench " + i,
                "customer@bench.example",
                account,
                "Bench body",
                1024 * 1024),
            attachments);
        String body =
            Json.createObjectBuilder()
                .add("provider", "graph")
                .add("itemId", itemId)
                .add("recordIds", Json.createArrayBuilder().add(contact))
                .add("attachmentIds", Json.createArrayBuilder().add("one").add("two"))
                .build()
                .toString();
        long start = System.nanoTime();
        HttpResponse<String> logged =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/addin/log"))
                    .timeout(Duration.ofMinutes(2))
                    .header("X-Mailbridge-Addin", "1")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        if (logged.statusCode() != 200) {
          throw new IllegalStateException("log: " + logged.statusCode() + " " + logged.body());
        }
        fake.graphMessages.get(account).remove(itemId);
        if (i >= 0) {
          millis[i] = elapsed;
        }
      }
      LatencyReport.print(
          "graph log, 1 MB email + 2 x 2 MB attachments",
          WARMUP,
          millis,
          "; on-behalf-of grants: " + fake.onBehalfOfGrants.get());
    } finally {
      process.destroy();
      process.waitFor();
      fake.stop();
    }
  }

  private static HttpResponse<String> graphSession(HttpClient http, String base, String token)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/api/addin/graph/session"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Json.createObjectBuilder().add("accessToken", token).build().toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
