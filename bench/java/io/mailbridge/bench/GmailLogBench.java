package io.mailbridge.bench;

import io.mailbridge.it.exchange.TestMime;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthBrowser;
import jakarta.json.Json;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;

/**
 * Latency of {@code POST /api/gmail/log} for the same payload as {@link AddinLogBench} (a 1 MB
 * email with two 2 MB attachments), through the real server, Google's API client and the fake Gmail
 * on loopback: token lookup, {@code format=raw} read, MIME parsing, encrypted storage and the
 * label. Every call logs a different message with attachments of its own bytes.
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.GmailLogBench} (-Dbench.calls=200, -Dbench.warmup=20).
 */
public final class GmailLogBench {

  static final int CALLS = Integer.getInteger("bench.calls", 200);
  static final int WARMUP = Integer.getInteger("bench.warmup", 20);
  static final int PORT = Integer.getInteger("bench.port", 18183);
  static final int FAKE_PORT = Integer.getInteger("bench.fake-port", 18184);
  static final String ACCOUNT = "rep@bench.example";

  public static void main(String[] args) throws Exception {
    FakeProviders fake = FakeProviders.start(FAKE_PORT);
    String google = "http://127.0.0.1:" + FAKE_PORT + "/google";
    Path data = Files.createTempDirectory(Path.of("target"), "gmail-log-bench");
    Process process =
        ImportBench.startServer(
            data,
            PORT,
            Map.of(
                "MAILBRIDGE_PUBLIC_URL", OAuthBrowser.PUBLIC_URL,
                "MAILBRIDGE_OAUTH_ALLOW_PRIVATE_ENDPOINTS", "true",
                "MAILBRIDGE_GOOGLE_AUTHORIZATION_URL", google + "/o/oauth2/v2/auth",
                "MAILBRIDGE_GOOGLE_TOKEN_URL", google + "/token",
                "MAILBRIDGE_GOOGLE_REVOCATION_URL", google + "/revoke",
                "MAILBRIDGE_GOOGLE_JWKS_URL", google + "/oauth2/v3/certs",
                "MAILBRIDGE_GOOGLE_GMAIL_URL", google + "/"));
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
      String contact =
          Json.createReader(
                  new java.io.StringReader(
                      AddinLogBench.send(
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
        String messageId = Integer.toHexString(0x100000 + i + WARMUP);
        fake.addGmailMessage(ACCOUNT, messageId, message(i, random), "INBOX");
        String body =
            Json.createObjectBuilder()
                .add("messageId", messageId)
                .add("recordIds", Json.createArrayBuilder().add(contact))
                .add("attachmentIds", Json.createArrayBuilder().add("1").add("2"))
                .build()
                .toString();
        long start = System.nanoTime();
        AddinLogBench.send(http, "POST", base + "/api/gmail/log", token, body);
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        fake.gmail.get(ACCOUNT).remove(messageId);
        if (i >= 0) {
          millis[i] = elapsed;
        }
      }
      LatencyReport.print("gmail log, 1 MB email + 2 x 2 MB attachments", WARMUP, millis, "");
    } finally {
      process.destroy();
      process.waitFor();
      fake.stop();
    }
  }

  /** The AddinLogBench email (1 MB of text) as multipart/mixed with two random 2 MB files. */
  private static byte[] message(int i, Random random) {
    byte[] first = new byte[2 * 1024 * 1024];
    byte[] second = new byte[2 * 1024 * 1024];
    random.nextBytes(first);
    random.nextBytes(second);
    String alternative =
        new String(
            TestMime.message(
                "bench-" + i + "@bench.example",
                "Bench " + i,
                "customer@bench.example",
                ACCOUNT,
                "Bench body",
                1024 * 1024),
            StandardCharsets.UTF_8);
    int split = alternative.indexOf("Content-Type: multipart/alternative");
    String headers = alternative.substring(0, split);
    String inner = alternative.substring(split);
    String mime =
        headers
            + "Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\n"
            + inner
            + "\r\n--mix\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Disposition: attachment; filename=\"one.bin\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(first)
            + "\r\n--mix\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Disposition: attachment; filename=\"two.bin\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(second)
            + "\r\n--mix--\r\n";
    return mime.getBytes(StandardCharsets.UTF_8);
  }
}
