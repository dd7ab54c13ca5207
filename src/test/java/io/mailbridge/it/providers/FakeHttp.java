package io.mailbridge.it.providers;

import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpExchange;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire formats the fakes share: JSON and HTML answers, redirects, form and query decoding, and
 * the error bodies of OAuth ({@code error}/{@code error_description}), Google APIs and Graph.
 */
final class FakeHttp {

  /**
   * The JSON-P provider, looked up once: {@code Json.createObjectBuilder()} runs a service-loader
   * look-up over the class path at each call, which was 40% of the fakes' CPU in a capture
   * benchmark where they answer thousands of Gmail reads a second.
   */
  static final JsonProvider JSON = JsonProvider.provider();

  private FakeHttp() {}

  static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set(
            "Content-Type", body.startsWith("<") ? "text/html" : "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  static void redirect(HttpExchange exchange, String target, Map<String, String> params)
      throws IOException {
    StringBuilder location = new StringBuilder(target).append(target.contains("?") ? '&' : '?');
    boolean first = true;
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      location
          .append(first ? "" : "&")
          .append(e.getKey())
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      first = false;
    }
    exchange.getResponseHeaders().set("Location", location.toString());
    exchange.sendResponseHeaders(302, -1);
  }

  public static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(key, value);
    }
    return out;
  }

  /** The request body; Google's client gzips what it sends, as Google's servers accept. */
  static java.io.InputStream requestBody(HttpExchange exchange) throws IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    return "gzip".equalsIgnoreCase(encoding)
        ? new java.util.zip.GZIPInputStream(exchange.getRequestBody())
        : exchange.getRequestBody();
  }

  static String error(String code, String description) {
    JsonObjectBuilder json = JSON.createObjectBuilder().add("error", code);
    if (description != null) {
      json.add("error_description", description);
    }
    return json.build().toString();
  }

  static String googleError(int code, String message, String status) {
    return googleError(code, message, status, "global", status.toLowerCase(java.util.Locale.ROOT));
  }

  /** Google's error body with the {@code domain} and {@code reason} its entry names. */
  static String googleError(int code, String message, String status, String domain, String reason) {
    return JSON.createObjectBuilder()
        .add(
            "error",
            JSON.createObjectBuilder()
                .add("code", code)
                .add("message", message)
                .add("status", status)
                .add(
                    "errors",
                    JSON.createArrayBuilder()
                        .add(
                            JSON.createObjectBuilder()
                                .add("message", message)
                                .add("domain", domain)
                                .add("reason", reason))))
        .build()
        .toString();
  }

  static String graphError(String code, String message) {
    return JSON.createObjectBuilder()
        .add("error", JSON.createObjectBuilder().add("code", code).add("message", message))
        .build()
        .toString();
  }

  public static String challengeOf(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static RSAKey newKey(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      var pair = generator.generateKeyPair();
      return new RSAKey.Builder((RSAPublicKey) pair.getPublic())
          .privateKey((RSAPrivateKey) pair.getPrivate())
          .keyID(kid)
          .build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
