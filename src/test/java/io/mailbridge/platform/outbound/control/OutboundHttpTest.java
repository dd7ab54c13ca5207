package io.mailbridge.platform.outbound.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.mailbridge.platform.outbound.control.OutboundFailure.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound client against a server on loopback, with host names only a test resolver knows: a
 * call reaches the server only through the addresses the check saw.
 */
class OutboundHttpTest {

  private static final OutboundLimits LIMITS = new OutboundLimits(Duration.ofSeconds(5), 1000, 3);
  private static final HostRule PUBLIC_ONLY = new HostRule(true, false);
  private static final HostRule PRIVATE_TOO = new HostRule(true, true);
  private static final OutboundCall CALL = new OutboundCall("exchange", "test_call");

  /** What the client reported to the metrics: provider, operation and outcome of each call. */
  private final List<String> metered = new CopyOnWriteArrayList<>();

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger lookups = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestURI().getPath());
          exchange.getRequestBody().readAllBytes();
          if (exchange.getRequestURI().getPath().equals("/redirect")) {
            exchange
                .getResponseHeaders()
                .add("Location", "http://elsewhere.test:" + port() + "/document");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
          }
          if (exchange.getRequestURI().getPath().startsWith("/status/")) {
            String[] answer = exchange.getRequestURI().getPath().substring(8).split("-");
            if (answer.length > 1) {
              exchange.getResponseHeaders().add("Retry-After", answer[1]);
            }
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), -1);
            exchange.close();
            return;
          }
          if (exchange.getRequestURI().getPath().equals("/large-chunked")) {
            exchange.sendResponseHeaders(200, 0); // no length: chunked
            try (OutputStream out = exchange.getResponseBody()) {
              for (int i = 0; i < 4; i++) {
                out.write(new byte[500]);
                out.flush();
              }
            }
            return;
          }
          if (exchange.getRequestURI().getPath().equals("/short")) {
            exchange.sendResponseHeaders(200, 100);
            exchange.getResponseBody().write(new byte[40]);
            exchange.getResponseBody().flush();
            exchange.close(); // 60 bytes short: the server drops the connection
            return;
          }
          byte[] body =
              exchange.getRequestURI().getPath().equals("/large")
                  ? new byte[2000]
                  : "hello".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int port() {
    return server.getAddress().getPort();
  }

  /** A client whose resolver knows *.test names as loopback, counting its lookups. */
  private OutboundHttp client() {
    OutboundHttp outbound =
        new OutboundHttp(
            new DestinationAddresses(
                host -> {
                  lookups.incrementAndGet();
                  if (!host.endsWith(".test")) {
                    throw new java.net.UnknownHostException(host);
                  }
                  return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
                },
                Set::of));
    outbound.meter =
        (call, outcome, nanos) -> {
          assertTrue(nanos >= 0, "a duration");
          metered.add(call.provider() + " " + call.operation() + " " + call.outcomeLabel(outcome));
        };
    return outbound;
  }

  private static OutboundPolicy listing(Map<String, HostRule> rules) {
    return host -> Optional.ofNullable(rules.get(host));
  }

  @Test
  void aNameOnlyTheCheckedResolutionKnowsIsReachedThroughIt() throws Exception {
    // No real resolver knows exchange.test: reaching the server proves the connection used the
    // addresses the check resolved, and resolved only once.
    OutboundResponse response =
        client()
            .get(
                CALL,
                URI.create("http://exchange.test:" + port() + "/document"),
                listing(Map.of("exchange.test", PRIVATE_TOO)),
                LIMITS,
                Map.of());
    assertEquals(200, response.status());
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), response.body());
    assertEquals(List.of("/document"), requests);
    assertEquals(1, lookups.get(), "one resolution, by the connection");
  }

  @Test
  void aNameResolvingToLoopbackIsRefusedWithoutARequest() {
    OutboundFailure refused =
        assertThrows(
            OutboundFailure.class,
            () ->
                client()
                    .get(
                        CALL,
                        URI.create("http://exchange.test:" + port() + "/document"),
                        listing(Map.of("exchange.test", PUBLIC_ONLY)),
                        LIMITS,
                        Map.of()));
    assertEquals(Reason.REFUSED, refused.reason());
    assertTrue(refused.getMessage().contains("private"), refused.getMessage());
    assertEquals(List.of(), requests);
  }

  @Test
  void aPostToALoopbackNameIsRefusedWithoutARequest() {
    OutboundFailure refused =
        assertThrows(
            OutboundFailure.class,
            () ->
                client()
                    .post(
                        CALL,
                        URI.create("http://exchange.test:" + port() + "/ews"),
                        listing(Map.of("exchange.test", PUBLIC_ONLY)),
                        LIMITS,
                        Map.of("Content-Type", "text/xml"),
                        new byte[] {1}));
    assertEquals(Reason.REFUSED, refused.reason());
    assertEquals(List.of(), requests);
  }

  @Test
  void ipv4CompatibleAndMappedLoopbackLiteralsAreRefusedWithoutARequest() {
    for (String host : List.of("[::127.0.0.1]", "[::ffff:127.0.0.1]", "127.0.0.1")) {
      String listed = OutboundHttp.hostOf(URI.create("http://" + host + "/"));
      OutboundFailure refused =
          assertThrows(
              OutboundFailure.class,
              () ->
                  client()
                      .get(
                          CALL,
                          URI.create("http://" + host + ":" + port() + "/document"),
                          listing(Map.of(listed, PUBLIC_ONLY)),
                          LIMITS,
                          Map.of()),
              host);
      assertEquals(Reason.REFUSED, refused.reason(), host);
    }
    assertEquals(List.of(), requests);
    assertEquals(0, lookups.get(), "literals are never resolved");
  }

  @Test
  void aRedirectToALoopbackNameIsNotFollowed() {
    OutboundFailure refused =
        assertThrows(
            OutboundFailure.class,
            () ->
                client()
                    .get(
                        CALL,
                        URI.create("http://127.0.0.1:" + port() + "/redirect"),
                        listing(Map.of("127.0.0.1", PRIVATE_TOO, "elsewhere.test", PUBLIC_ONLY)),
                        LIMITS,
                        Map.of()));
    assertEquals(Reason.REFUSED, refused.reason());
    assertEquals(List.of("/redirect"), requests);
  }

  @Test
  void checkDestinationAnswersEarlyForALoopbackName() {
    OutboundFailure refused =
        assertThrows(
            OutboundFailure.class,
            () ->
                client()
                    .checkDestination(
                        URI.create("https://exchange.test/EWS/Exchange.asmx"),
                        listing(Map.of("exchange.test", new HostRule(false, false)))));
    assertEquals(Reason.REFUSED, refused.reason());
  }

  @Test
  void theResolverForOtherClientsRefusesUnlistedAndLoopbackNames() throws Exception {
    OutboundHttp outbound = client();
    OutboundPolicy policy =
        listing(Map.of("public.test", PUBLIC_ONLY, "private.test", PRIVATE_TOO));
    assertThrows(
        java.net.UnknownHostException.class, () -> outbound.dnsFor(policy).lookup("other.test"));
    assertThrows(
        java.net.UnknownHostException.class, () -> outbound.dnsFor(policy).lookup("public.test"));
    assertEquals(
        List.of(InetAddress.getByName("127.0.0.1")),
        outbound.dnsFor(policy).lookup("private.test"));
  }

  @Test
  void aLargerAnswerThanTheLimitIsRefused() {
    assertEquals(Reason.TOO_LARGE, failureOfGet("/large").reason());
  }

  @Test
  void aLargerAnswerThanTheLimitIsRefusedAlsoWhenItAnnouncesNoLength() {
    assertEquals(Reason.TOO_LARGE, failureOfGet("/large-chunked").reason());
  }

  @Test
  void anAnswerShorterThanItsAnnouncedLengthFails() {
    assertEquals(Reason.FAILED, failureOfGet("/short").reason());
  }

  /** How a GET of this path on the loopback server (private addresses allowed) fails. */
  private OutboundFailure failureOfGet(String path) {
    return assertThrows(
        OutboundFailure.class,
        () ->
            client()
                .get(
                    CALL,
                    URI.create("http://127.0.0.1:" + port() + path),
                    listing(Map.of("127.0.0.1", PRIVATE_TOO)),
                    LIMITS,
                    Map.of()));
  }

  @Test
  void everyCallIsMeteredWithItsCallersLabelsAndHowItEnded() throws Exception {
    OutboundHttp outbound = client();
    OutboundPolicy loopback = listing(Map.of("127.0.0.1", PRIVATE_TOO));
    String base = "http://127.0.0.1:" + port();
    outbound.get(CALL, URI.create(base + "/document"), loopback, LIMITS, Map.of());
    outbound.post(CALL, URI.create(base + "/status/404"), loopback, LIMITS, Map.of(), new byte[0]);
    outbound.get(CALL, URI.create(base + "/status/429"), loopback, LIMITS, Map.of());
    outbound.get(CALL, URI.create(base + "/status/503-10"), loopback, LIMITS, Map.of());
    outbound.get(CALL, URI.create(base + "/status/503"), loopback, LIMITS, Map.of());
    assertThrows(
        OutboundFailure.class,
        () -> outbound.get(CALL, URI.create(base + "/large"), loopback, LIMITS, Map.of()));
    assertThrows(
        OutboundFailure.class,
        () ->
            outbound.get(
                CALL,
                URI.create("http://exchange.test:" + port() + "/document"),
                listing(Map.of("exchange.test", PUBLIC_ONLY)),
                LIMITS,
                Map.of()));
    assertEquals(
        List.of(
            "exchange test_call success",
            "exchange test_call client_error",
            "exchange test_call throttled",
            "exchange test_call throttled",
            "exchange test_call server_error",
            "exchange test_call too_large",
            "exchange test_call refused"),
        metered);
  }

  @Test
  void aRedirectedGetIsOneCallInTheMetrics() throws Exception {
    client()
        .get(
            CALL,
            URI.create("http://127.0.0.1:" + port() + "/redirect"),
            listing(Map.of("127.0.0.1", PRIVATE_TOO, "elsewhere.test", PRIVATE_TOO)),
            LIMITS,
            Map.of());
    assertEquals(List.of("/redirect", "/document"), requests);
    assertEquals(List.of("exchange test_call success"), metered);
  }

  @Test
  void aCallToAnOutsidersUrlTellsTheMetricsOnlyThatItFailed() {
    OutboundCall outsider = new OutboundCall("exchange_metadata", "auth_metadata", true);
    OutboundHttp outbound = client();
    String base = "http://127.0.0.1:" + port();
    assertThrows(
        OutboundFailure.class,
        () ->
            outbound.get(
                outsider,
                URI.create(base + "/large"),
                listing(Map.of("127.0.0.1", PRIVATE_TOO)),
                LIMITS,
                Map.of()));
    assertThrows(
        OutboundFailure.class,
        () ->
            outbound.get(
                outsider,
                URI.create(base + "/document"),
                listing(Map.of("127.0.0.1", PUBLIC_ONLY)),
                LIMITS,
                Map.of()));
    assertEquals(
        List.of("exchange_metadata auth_metadata failed", "exchange_metadata auth_metadata failed"),
        metered);
  }
}
