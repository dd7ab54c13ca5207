package io.mailbridge.it.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake's Gmail batch endpoint against the request and answer of Google's batch guide. */
class GoogleBatchTest {

  private HttpServer server;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private String url;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    GoogleBatch batch =
        new GoogleBatch(
            call -> {
              String auth = call.getRequestHeaders().getFirst("Authorization");
              if (call.getRequestURI().getPath().endsWith("/missing")) {
                call.getResponseHeaders().set("Retry-After", "7");
                FakeHttp.send(
                    call, 404, FakeHttp.googleError(404, "Not found " + auth, "NOT_FOUND"));
              } else {
                FakeHttp.send(
                    call,
                    200,
                    "{\"seen\":\""
                        + call.getRequestMethod()
                        + " "
                        + call.getRequestURI()
                        + " "
                        + auth
                        + "\"}");
              }
            },
            log);
    server.createContext(
        GoogleBatch.PATH,
        e -> {
          try (e) {
            batch.handle(e);
          }
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + GoogleBatch.PATH;
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpResponse<String> post(String boundary, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer outer")
                .header("Content-Type", "multipart/mixed; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
  }

  @Test
  void eachPartIsACallAnsweredInAPartOfItsOwnWithItsContentId() throws Exception {
    String body =
        "--batch_foobarbaz\r\n"
            + "Content-Type: application/http\r\n"
            + "Content-ID: <item1:12930812@barnyard.example.com>\r\n\r\n"
            + "GET /gmail/v1/users/me/messages/m1?format=metadata HTTP/1.1\r\n\r\n"
            + "--batch_foobarbaz\r\n"
            + "Content-Type: application/http\r\n"
            + "Content-Transfer-Encoding: binary\r\n"
            + "Content-ID: <2>\r\n\r\n"
            + "GET http://127.0.0.1:1/google/gmail/v1/users/me/missing HTTP/1.1\r\n"
            + "Authorization: Bearer inner\r\n\r\n"
            + "--batch_foobarbaz--\r\n";
    HttpResponse<String> answer = post("batch_foobarbaz", body);

    assertEquals(200, answer.statusCode());
    String type = answer.headers().firstValue("Content-Type").orElseThrow();
    assertTrue(type.startsWith("multipart/mixed; boundary="), type);
    String boundary = type.substring("multipart/mixed; boundary=".length());
    List<byte[]> parts =
        GoogleBatch.parts(answer.body().getBytes(StandardCharsets.ISO_8859_1), boundary);
    assertEquals(2, parts.size(), answer.body());
    String first = new String(parts.get(0), StandardCharsets.ISO_8859_1);
    String second = new String(parts.get(1), StandardCharsets.ISO_8859_1);
    // a path is Google's own; the outer Authorization applies where the call sets none
    assertTrue(
        first.startsWith(
            "Content-Type: application/http\r\n"
                + "Content-ID: <response-item1:12930812@barnyard.example.com>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\n"),
        first);
    assertTrue(
        first.endsWith(
            "\r\n\r\n{\"seen\":\"GET /google/gmail/v1/users/me/messages/m1?format=metadata"
                + " Bearer outer\"}"),
        first);
    // a whole URL, as Google's Java client writes it; the call's own header wins; its status and
    // headers are its own
    assertTrue(
        second.contains("Content-ID: <response-2>\r\n\r\nHTTP/1.1 404 Not Found\r\n"), second);
    assertTrue(second.toLowerCase(Locale.ROOT).contains("\r\nretry-after: 7\r\n"), second);
    assertTrue(second.contains("Not found Bearer inner"), second);
    assertTrue(second.contains("\"code\":404"), second);
    int length = Integer.parseInt(second.replaceAll("(?s).*Content-Length: (\\d+)\r\n.*", "$1"));
    assertEquals(second.length() - second.indexOf("\r\n\r\n{") - 4, length, second);
    assertEquals(
        List.of(
            "GET /google/gmail/v1/users/me/messages/m1?format=metadata\n"
                + "GET /google/gmail/v1/users/me/missing"),
        log);
  }

  @Test
  void moreThanAHundredCallsOrNoMultipartAreRefused() throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      body.append("--b\r\nContent-Type: application/http\r\n\r\n")
          .append("GET /gmail/v1/users/me/profile HTTP/1.1\r\n\r\n");
    }
    body.append("--b--\r\n");
    HttpResponse<String> tooMany = post("b", body.toString());
    assertEquals(400, tooMany.statusCode(), tooMany.body());
    assertTrue(tooMany.body().contains("not 101"), tooMany.body());
    assertTrue(log.isEmpty(), "no call ran: " + log);

    HttpResponse<String> notMultipart =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(400, notMultipart.statusCode(), notMultipart.body());
  }
}
