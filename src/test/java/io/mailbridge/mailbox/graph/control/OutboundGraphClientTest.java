package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import com.sun.net.httpserver.HttpServer;
import io.mailbridge.platform.outbound.control.CallOutcome;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Graph SDK's HTTP client reports each request to the metrics under its operation. */
class OutboundGraphClientTest {

  private HttpServer server;
  private final List<String> metered = new CopyOnWriteArrayList<>();

  private final OutboundHttp outbound =
      new OutboundHttp() {
        @Override
        public void record(OutboundCall call, CallOutcome outcome, long nanos) {
          metered.add(call.provider() + " " + call.operation() + " " + call.outcomeLabel(outcome));
        }
      };

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          if (exchange.getRequestURI().getPath().equals("/busy")) {
            exchange.getResponseHeaders().add("Retry-After", "30");
            exchange.sendResponseHeaders(429, -1);
          } else {
            exchange.sendResponseHeaders(200, -1);
          }
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private OkHttpClient client() {
    OutboundPolicy loopbackOnly =
        host -> host.equals("127.0.0.1") ? Optional.of(new HostRule(true, true)) : Optional.empty();
    return OutboundGraphClient.create(outbound, loopbackOnly, Duration.ofSeconds(5), 1000);
  }

  private static Request request(String url, GraphOperation operation) {
    Request.Builder request =
        new Request.Builder()
            .url(url)
            // No waiting in a unit test: the SDK would retry the 429.
            .tag(RetryHandlerOption.class, new RetryHandlerOption(null, 0, 0));
    if (operation != null) {
      request.tag(GraphOperation.class, operation);
    }
    return request.build();
  }

  @Test
  void eachRequestIsMeteredUnderTheOperationItCarries() throws Exception {
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    OkHttpClient client = client();
    try (Response ok = client.newCall(request(base + "/", GraphOperation.READ_MESSAGE)).execute()) {
      assertEquals(200, ok.code());
    }
    try (Response busy =
        client.newCall(request(base + "/busy", GraphOperation.MARK_LOGGED)).execute()) {
      assertEquals(429, busy.code());
    }
    try (Response unnamed = client.newCall(request(base + "/", null)).execute()) {
      assertEquals(200, unnamed.code());
    }
    assertThrows(
        IOException.class,
        () ->
            client
                .newCall(request("http://localhost:1/", GraphOperation.READ_ATTACHMENT))
                .execute()
                .close());
    assertEquals(
        List.of(
            "graph read_message success",
            "graph mark_logged throttled",
            "graph unnamed success",
            "graph read_attachment refused"),
        metered);
  }
}
