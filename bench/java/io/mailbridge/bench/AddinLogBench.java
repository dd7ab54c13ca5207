package io.mailbridge.bench;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.FakeExchange.FakeAttachment;
import io.mailbridge.it.exchange.FakeExchange.FakeItem;
import io.mailbridge.it.exchange.TestMime;
import jakarta.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Latency of {@code POST /api/addin/log} for a 1 MB email with two 2 MB attachments, through the
 * real server and the fake Exchange on loopback: Mailbridge reads the item over EWS, downloads both
 * attachments and stores everything encrypted. Every call logs a different email with attachments
 * of its own bytes, so nothing is deduplicated.
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.AddinLogBench} (-Dbench.calls=200, -Dbench.warmup=20; set
 * MAILBRIDGE_DB_URL etc. for PostgreSQL).
 */
public final class AddinLogBench {

  static final int CALLS = Integer.getInteger("bench.calls", 200);
  static final int WARMUP = Integer.getInteger("bench.warmup", 20);
  static final int PORT = Integer.getInteger("bench.port", 18182);

  public static void main(String[] args) throws Exception {
    Path target = Path.of("target");
    Path data = Files.createTempDirectory(target, "addin-log-bench");
    // The fake Exchange is on loopback: the operator must let admins allow private addresses.
    Process process =
        ImportBench.startServer(
            data, PORT, Map.of("MAILBRIDGE_OUTBOUND_ALLOW_PRIVATE_ADDRESSES", "true"));
    try (FakeExchange exchange = FakeExchange.start()) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String base = "http://127.0.0.1:" + PORT;
      ImportBench.waitUntilReady(http, base);
      String token = ImportBench.token(http, base);
      send(
          http,
          "PUT",
          base + "/api/admin/exchange/hosts",
          token,
          "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]");
      String contact =
          Json.createReader(
                  new java.io.StringReader(
                      send(
                          http,
                          "POST",
                          base + "/api/records/contacts",
                          token,
                          "{\"firstName\":\"Bench\",\"lastName\":\"Customer\",\"emails\":[\"customer@bench.example\"]}")))
              .readObject()
              .getString("id");

      Random random = new Random(42);
      long[] millis = new long[CALLS];
      for (int i = -WARMUP; i < CALLS; i++) {
        String itemId = "bench-item-" + i;
        byte[] first = new byte[2 * 1024 * 1024];
        byte[] second = new byte[2 * 1024 * 1024];
        random.nextBytes(first);
        random.nextBytes(second);
        exchange.items.put(
            itemId,
            new FakeItem(
                itemId,
                "Bench " + i,
                TestMime.message(
                    itemId + "@bench.example",
                    "Bench " + i,
                    "customer@bench.example",
                    "rep@bench.example",
                    "Bench body",
                    1024 * 1024),
                List.of(
                    FakeAttachment.file(
                        itemId + "-1", "one.bin", "application/octet-stream", first),
                    FakeAttachment.file(
                        itemId + "-2", "two.bin", "application/octet-stream", second)),
                Map.of()));
        String body =
            Json.createObjectBuilder()
                .add("ewsUrl", exchange.ewsUrl())
                .add("callbackToken", "bench-token")
                .add("itemId", itemId)
                .add("recordIds", Json.createArrayBuilder().add(contact))
                .add(
                    "attachmentIds",
                    Json.createArrayBuilder().add(itemId + "-1").add(itemId + "-2"))
                .build()
                .toString();
        long start = System.nanoTime();
        send(http, "POST", base + "/api/addin/log", token, body);
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        exchange.items.remove(itemId);
        if (i >= 0) {
          millis[i] = elapsed;
        }
      }
      LatencyReport.print("addin log, 1 MB email + 2 x 2 MB attachments", WARMUP, millis, "");
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  static String send(HttpClient http, String method, String url, String token, String json)
      throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(
          method + " " + url + " gave " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }
}
