package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.ApiClient.Reply;
import io.mailbridge.it.support.CountingJobHandler;
import io.mailbridge.it.support.FailingJobHandler;
import io.mailbridge.platform.jobs.control.JobPump;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Mailbridge's metrics as an operator's Prometheus reads them: the server's {@code /metrics} in the
 * text format, with HTTP requests by route template, sign-in failures and throttles, job runs and
 * queue counts, and provider calls; and no id, address or path as sent in any label.
 */
@ExtendWith(ArquillianExtension.class)
class MetricsIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobPump pump;
  @Inject OutboundHttp outbound;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  /** One series of the exposition: its name, labels and value. */
  record Series(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  @Test
  void requestsAndSignInsAppearByRouteTemplateWithoutIdsOrAddresses() throws Exception {
    AppUser admin = testOrgs.orgWithAdmin("Metrics");
    String token = api().accessToken(admin.email(), TestOrgs.PASSWORD);
    Reply created =
        api()
            .post(
                "/api/records/contacts",
                token,
                "{\"firstName\":\"Ada\",\"lastName\":\"Metric\",\"emails\":[\"ada.metric@metric.example\"]}");
    assertEquals(201, created.status(), created.body());
    String contactId = created.json().getString("id");
    assertEquals(200, api().get("/api/records/contacts/" + contactId, token).status());
    String unknownId = "0123456789abcdef0123456789abcdef";
    assertEquals(404, api().get("/api/records/accounts/" + unknownId, token).status());
    assertEquals(404, api().get("/api/no-such-route/" + unknownId, token).status());
    assertEquals(404, api().get("/addin/no-such-file-" + unknownId + ".js", null).status());
    assertEquals(405, send("PROPFIND", "/api/records/contacts", null).statusCode());
    int refusedTokens = send("GET", "/api/records/contacts", "not-a-jwt").statusCode();
    assertEquals(401, refusedTokens);

    String guessed = TestOrgs.uniqueEmail("guessed");
    Reply wrong =
        api().post("/api/auth/login", null, ApiClient.credentials(admin.email(), "wrong password"));
    assertEquals(401, wrong.status(), wrong.body());
    int status = 0;
    for (int i = 0; i < 10 && status != 429; i++) {
      status =
          api()
              .post("/api/auth/login", null, ApiClient.credentials(guessed, "guess number " + i))
              .status();
    }
    assertEquals(429, status, "the guessed account is throttled");

    List<Series> metrics = scrape();
    assertTrue(
        requests(metrics, "/api/records/{type}/{id}", "GET", "200") >= 1,
        "a record read by its template");
    assertTrue(
        requests(metrics, "/api/records/{type}/{id}", "GET", "404") >= 1,
        "a missing record under its template");
    assertTrue(requests(metrics, "/api/records/{type}", "POST", "201") >= 1);
    assertTrue(
        requests(metrics, "unmatched", "GET", "404") >= 2,
        "an unknown API path and an unknown file");
    assertTrue(requests(metrics, "/api/auth/login", "POST", "429") >= 1);
    assertTrue(
        requests(metrics, "/api/*", "other", "405") >= 1,
        "a method refused by a filter, timed by the first filter");
    assertTrue(
        count(
                metrics,
                "mailbridge_http_requests_seconds_bucket",
                "route",
                "/api/records/{type}/{id}",
                "status",
                "200",
                "le",
                "+Inf")
            >= 1,
        "a latency histogram");
    assertTrue(
        requests(metrics, "container", "GET", "401") >= 1,
        "a bearer token the container refused before any filter ran");
    assertTrue(count(metrics, "mailbridge_login_failures_total", "reason", "bad_credentials") >= 2);
    assertTrue(count(metrics, "mailbridge_login_throttled_total", "limit", "account") >= 1);

    List<String> leaks = new ArrayList<>();
    for (Series series : metrics) {
      if (!series.name().startsWith("mailbridge_")) {
        continue;
      }
      for (var label : series.labels().entrySet()) {
        String value = label.getValue();
        for (String secret :
            List.of(
                contactId,
                unknownId,
                admin.email(),
                guessed,
                "contacts",
                "accounts",
                "127.0.0.1",
                Integer.toString(request.getLocalPort()))) {
          // A job kind or provider operation names what it works on ("sync.contacts",
          // "contacts_delta"): fixed names from the code. A route must not carry the type.
          boolean jobKind =
              (label.getKey().equals("kind") || label.getKey().equals("operation"))
                  && (secret.equals("contacts") || secret.equals("accounts"));
          if (value.contains(secret) && !jobKind) {
            leaks.add(series.name() + series.labels());
          }
        }
      }
    }
    assertEquals(List.of(), leaks, "labels hold no id, address, record type as sent or port");
  }

  @Test
  void jobRunsAndTheQueueAppearByKind() throws Exception {
    jobs.enqueue(NewJob.of(CountingJobHandler.KIND, null, "metrics"));
    jobs.enqueue(NewJob.of(FailingJobHandler.KIND, null, "metrics-parked").withMaxAttempts(1));
    jobs.enqueue(NewJob.of(FailingJobHandler.KIND, null, "retry-after:PT1H").withMaxAttempts(3));
    jobs.enqueue(
        NewJob.of(CountingJobHandler.KIND, null, "metrics-later")
            .notBefore(Instant.now().plus(Duration.ofHours(1))));
    pump.drain("metrics-it", 10);

    List<Series> metrics =
        scrapeUntil(
            m ->
                count(m, "mailbridge_jobs", "kind", FailingJobHandler.KIND, "state", "parked") >= 1
                    && count(
                            m,
                            "mailbridge_jobs",
                            "kind",
                            CountingJobHandler.KIND,
                            "state",
                            "scheduled")
                        >= 1);
    assertTrue(
        count(
                metrics,
                "mailbridge_job_runs_total",
                "kind",
                CountingJobHandler.KIND,
                "outcome",
                "succeeded")
            >= 1);
    assertTrue(
        count(
                metrics,
                "mailbridge_job_runs_total",
                "kind",
                FailingJobHandler.KIND,
                "outcome",
                "parked")
            >= 1);
    assertTrue(
        count(
                metrics,
                "mailbridge_job_runs_total",
                "kind",
                FailingJobHandler.KIND,
                "outcome",
                "retried")
            >= 1);
    assertTrue(
        count(metrics, "mailbridge_jobs", "kind", FailingJobHandler.KIND, "state", "scheduled")
            >= 1,
        "the job waiting for its retry");
    for (String state : List.of("queued", "scheduled", "running", "parked")) {
      assertTrue(
          find(metrics, "mailbridge_jobs", "kind", "crypto.reencrypt", "state", state).isPresent(),
          "every handler's kind has every state from the start: " + state);
    }
  }

  @Test
  void providerCallsAppearByProviderOperationAndOutcome() throws Exception {
    String fake = "http://127.0.0.1:" + System.getenv("IT_FAKE_PROVIDERS_PORT");
    OutboundCall keys = new OutboundCall("google_oauth", "signing_keys");
    OutboundLimits limits = new OutboundLimits(Duration.ofSeconds(10), 1 << 20, 0);
    assertEquals(
        200,
        outbound
            .get(
                keys,
                URI.create(fake + "/google/oauth2/v3/certs"),
                host -> Optional.of(new HostRule(true, true)),
                limits,
                Map.of())
            .status());
    assertThrows(
        OutboundFailure.class,
        () ->
            outbound.get(
                keys,
                URI.create(fake + "/google/oauth2/v3/certs"),
                host -> Optional.empty(),
                limits,
                Map.of()));

    List<Series> metrics = scrape();
    assertTrue(
        count(
                metrics,
                "mailbridge_provider_calls_seconds_count",
                "provider",
                "google_oauth",
                "operation",
                "signing_keys",
                "outcome",
                "success")
            >= 1);
    assertTrue(
        count(
                metrics,
                "mailbridge_provider_calls_seconds_count",
                "provider",
                "google_oauth",
                "operation",
                "signing_keys",
                "outcome",
                "refused")
            >= 1);
    assertTrue(
        count(
                metrics,
                "mailbridge_provider_calls_seconds_bucket",
                "provider",
                "google_oauth",
                "outcome",
                "success",
                "le",
                "+Inf")
            >= 1);
  }

  /** GET /metrics as Prometheus asks for it, printed to the test's output for the reader. */
  private List<Series> scrape() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/metrics?scope=application"))
                .header("Accept", "text/plain")
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    String type = response.headers().firstValue("Content-Type").orElse("");
    assertTrue(type.startsWith("text/plain"), "Prometheus text format: " + type);
    List<Series> series = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("mailbridge_") || line.startsWith("# TYPE mailbridge_")) {
        System.out.println("[metrics] " + line);
      }
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line.strip());
      assertTrue(m.matches(), "not an exposition line: " + line);
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher label = LABEL.matcher(m.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      assertEquals("application", labels.get("mp_scope"), "only the application's: " + line);
      series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    assertFalse(series.isEmpty());
    return series;
  }

  /** Scrapes until the condition holds: the queue counts are cached for a moment. */
  private List<Series> scrapeUntil(Predicate<List<Series>> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<Series> metrics = scrape();
    while (!condition.test(metrics) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      metrics = scrape();
    }
    assertTrue(condition.test(metrics), "the expected series within 20 s");
    return metrics;
  }

  private static Optional<Series> find(List<Series> metrics, String name, String... labels) {
    return metrics.stream()
        .filter(s -> s.name().equals(name))
        .filter(
            s -> {
              for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                  return false;
                }
              }
              return true;
            })
        .findFirst();
  }

  /** How many requests were timed under this route, method and status. */
  private static double requests(List<Series> metrics, String route, String method, String status) {
    return count(
        metrics,
        "mailbridge_http_requests_seconds_count",
        "route",
        route,
        "method",
        method,
        "status",
        status);
  }

  /** The sum over the series with this name and these labels (others free). */
  private static double count(List<Series> metrics, String name, String... labels) {
    double sum = 0;
    for (Series s : metrics) {
      if (!s.name().equals(name)) {
        continue;
      }
      boolean matches = true;
      for (int i = 0; i < labels.length; i += 2) {
        matches &= labels[i + 1].equals(s.labels().get(labels[i]));
      }
      if (matches) {
        sum += s.value();
      }
    }
    return sum;
  }

  private HttpResponse<String> send(String method, String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }
}
