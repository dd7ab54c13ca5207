package io.mailbridge.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Talks HTTP to the running server from inside it, as an outside client would. */
public final class ApiClient {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  public ApiClient(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** A status, the raw body and the body as JSON when it is JSON. */
  public record Reply(int status, String body, HttpResponse<String> raw) {
    public JsonObject json() {
      try (var reader = Json.createReader(new StringReader(body))) {
        JsonStructure structure = reader.read();
        return structure.asJsonObject();
      }
    }

    public String error() {
      return json().getString("error");
    }
  }

  public Reply get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  public Reply post(String path, String token, String json) {
    return send(
        request(path, token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json))
            .build());
  }

  public Reply patch(String path, String token, String json) {
    return send(
        request(path, token)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  public Reply put(String path, String token, String json) {
    return send(
        request(path, token)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  public Reply delete(String path, String token) {
    return send(request(path, token).DELETE().build());
  }

  public Reply postCsv(String path, String token, String csv) {
    return postCsv(path, token, csv.getBytes(StandardCharsets.UTF_8), null);
  }

  /** Posts CSV bytes as they are, with an {@code Idempotency-Key} header unless it is null. */
  public Reply postCsv(String path, String token, byte[] csv, String idempotencyKey) {
    HttpRequest.Builder builder =
        request(path, token)
            .header("Content-Type", "text/csv; charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofByteArray(csv));
    if (idempotencyKey != null) {
      builder.header("Idempotency-Key", idempotencyKey);
    }
    return send(builder.build());
  }

  public HttpResponse<byte[]> getBytes(String path, String token) {
    try {
      return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new AssertionError("HTTP call failed: " + path, e);
    }
  }

  public JsonObject login(String email, String password) {
    Reply reply = post("/api/auth/login", null, credentials(email, password));
    if (reply.status() != 200) {
      throw new AssertionError(
          "login of " + email + " gave " + reply.status() + " " + reply.body());
    }
    return reply.json();
  }

  public String accessToken(String email, String password) {
    return login(email, password).getString("accessToken");
  }

  public static String credentials(String email, String password) {
    return Json.createObjectBuilder()
        .add("email", email)
        .add("password", password)
        .build()
        .toString();
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body(), response);
    } catch (Exception e) {
      throw new AssertionError("HTTP call failed: " + request.uri(), e);
    }
  }
}
