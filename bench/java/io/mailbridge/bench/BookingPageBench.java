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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How fast the public booking page answers: a Gmail mailbox connected through the real OAuth flow
 * at the fake Google, an offer made from its calendar ({@code POST /api/availability}), then {@code
 * GET /book/{token}} called {@code bench.calls} times after {@code bench.warmup} warm-up calls, one
 * client after another and then from {@code bench.clients} clients at once (distinct client
 * addresses cannot be made on loopback, so the per-client rate limit is raised for the run), and
 * beside the same server's static {@code /booking/booking.js} as the baseline, and finally the time
 * of one booking ({@code POST /api/availability/{id}/book}: the claim, the re-check at the fake
 * calendar and the meeting's creation).
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.BookingPageBench} (-Dbench.calls=500, -Dbench.clients=8).
 */
public final class BookingPageBench {

  static final int CALLS = Integer.getInteger("bench.calls", 500);
  static final int WARMUP = Integer.getInteger("bench.warmup", 50);
  static final int CLIENTS = Integer.getInteger("bench.clients", 8);
  static final int PORT = Integer.getInteger("bench.port", 18189);
  static final int FAKE_PORT = Integer.getInteger("bench.fake-port", 18190);
  static final String ACCOUNT = "booking@bench.example";

  public static void main(String[] args) throws Exception {
    FakeProviders fake = FakeProviders.start(FAKE_PORT);
    String fakeBase = "http://127.0.0.1:" + FAKE_PORT;
    String google = fakeBase + "/google";
    Path data = Files.createTempDirectory(Path.of("target"), "booking-page-bench");
    Process process =
        ImportBench.startServer(
            data,
            PORT,
            Map.ofEntries(
                Map.entry("MAILBRIDGE_PUBLIC_URL", OAuthBrowser.PUBLIC_URL),
                Map.entry("MAILBRIDGE_OAUTH_ALLOW_PRIVATE_ENDPOINTS", "true"),
                // Every call comes from 127.0.0.1: the per-address limit would measure itself.
                Map.entry("MAILBRIDGE_BOOKING_MAX_REQUESTS_PER_MINUTE", "1000000"),
                Map.entry("MAILBRIDGE_GOOGLE_AUTHORIZATION_URL", google + "/o/oauth2/v2/auth"),
                Map.entry("MAILBRIDGE_GOOGLE_TOKEN_URL", google + "/token"),
                Map.entry("MAILBRIDGE_GOOGLE_REVOCATION_URL", google + "/revoke"),
                Map.entry("MAILBRIDGE_GOOGLE_JWKS_URL", google + "/oauth2/v3/certs"),
                Map.entry("MAILBRIDGE_GOOGLE_GMAIL_URL", google + "/"),
                Map.entry("MAILBRIDGE_GOOGLE_CALENDAR_URL", google + "/")));
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String base = "http://127.0.0.1:" + PORT;
      ImportBench.waitUntilReady(http, base);
      String token = ImportBench.token(http, base);
      fake.clientSecrets.put("bench.apps.googleusercontent.com", "bench secret");
      AddinLogBench.send(
          http,
          "PUT",
          base + "/api/admin/providers/google",
          token,
          "{\"clientId\":\"bench.apps.googleusercontent.com\",\"clientSecret\":\"bench secret\"}");
      new OAuthBrowser(base).connect("google", token, ACCOUNT);
      String mailboxId =
          json(AddinLogBench.send(http, "GET", base + "/api/mailboxes", token, ""))
              .getJsonArray("items")
              .getJsonObject(0)
              .getString("id");

      long offering = System.nanoTime();
      JsonObject offer =
          json(
              AddinLogBench.send(
                  http,
                  "POST",
                  base + "/api/availability",
                  token,
                  "{\"durationMinutes\":30,\"days\":14,\"mailboxId\":\""
                      + mailboxId
                      + "\",\"timeZone\":\"Europe/Berlin\"}"));
      long offerMillis = (System.nanoTime() - offering) / 1_000_000;
      String url = offer.getString("bookingUrl");
      String bookingToken = url.substring(url.lastIndexOf('/') + 1);
      URI page = URI.create(base + "/book/" + bookingToken);
      System.out.printf(
          "offer of %d slots made in %d ms (the fake calendar's freeBusy included)%n",
          offer.getJsonArray("slots").size(), offerMillis);

      int bytes = 0;
      for (int i = 0; i < WARMUP; i++) {
        bytes = get(http, page).length();
      }
      long[] serial = new long[CALLS];
      for (int i = 0; i < CALLS; i++) {
        long start = System.nanoTime();
        get(http, page);
        serial[i] = (System.nanoTime() - start) / 1_000;
      }
      LatencyReport.printMicros(
          "GET /book/{token}, one client", WARMUP, serial, ", page " + bytes + " bytes");

      // The baseline in the same run: the page's own static script from the same server, which
      // costs no token check, database read or rendering.
      URI script = URI.create(base + "/booking/booking.js");
      for (int i = 0; i < WARMUP; i++) {
        get(http, script);
      }
      long[] baseline = new long[CALLS];
      for (int i = 0; i < CALLS; i++) {
        long start = System.nanoTime();
        get(http, script);
        baseline[i] = (System.nanoTime() - start) / 1_000;
      }
      LatencyReport.printMicros(
          "baseline: GET /booking/booking.js (static), one client", WARMUP, baseline, "");

      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      List<Future<Long>> calls = new ArrayList<>();
      long wall = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        calls.add(
            pool.submit(
                () -> {
                  long start = System.nanoTime();
                  get(http, page);
                  return (System.nanoTime() - start) / 1_000;
                }));
      }
      long[] parallel = new long[CALLS];
      for (int i = 0; i < CALLS; i++) {
        parallel[i] = calls.get(i).get();
      }
      long wallMillis = (System.nanoTime() - wall) / 1_000_000;
      pool.shutdown();
      LatencyReport.printMicros(
          "GET /book/{token}, " + CLIENTS + " clients at once",
          0,
          parallel,
          String.format(", %.0f pages/s", CALLS * 1000.0 / Math.max(1, wallMillis)));

      String slot = offer.getJsonArray("slots").getJsonObject(0).getString("start");
      long booking = System.nanoTime();
      HttpResponse<String> booked =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(base + "/api/availability/" + offer.getString("id") + "/book"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Json.createObjectBuilder()
                              .add("token", bookingToken)
                              .add("slot", slot)
                              .add("name", "Bench Recipient")
                              .add("email", "recipient@customer.example")
                              .build()
                              .toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      System.out.printf(
          "booking answered %d in %d ms (claim, re-check at the fake calendar, meeting made)%n",
          booked.statusCode(), (System.nanoTime() - booking) / 1_000_000);
    } finally {
      process.destroy();
      process.waitFor();
      fake.stop();
    }
  }

  private static String get(HttpClient http, URI page) throws Exception {
    HttpResponse<String> answer =
        http.send(HttpRequest.newBuilder(page).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("booking page answered " + answer.statusCode());
    }
    return answer.body();
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }
}
