package io.mailbridge.it.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.it.ApiClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser going through "connect your mailbox": it starts with the user's token, keeps the
 * cookies Mailbridge sets, follows the provider's consent redirect and lands on the callback. The
 * callback URL names the suite's public URL, which is swapped for the server's real address.
 */
public final class OAuthBrowser {

  /** MAILBRIDGE_PUBLIC_URL of the suite (failsafe's environment). */
  public static final String PUBLIC_URL = "http://mailbridge.it.example";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  public final Map<String, String> cookies = new LinkedHashMap<>();

  public OAuthBrowser(String base) {
    this.base = base;
  }

  /** {@code GET /api/oauth/{provider}/start}; keeps the binding cookie; the provider's URL. */
  public String start(String provider, String accessToken) {
    return startAt("/api/oauth/" + provider + "/start", accessToken);
  }

  /** Any start that answers {@code authorizationUrl} and a binding cookie (admin consent too). */
  public String startAt(String path, String accessToken) {
    ApiClient.Reply reply = new ApiClient(base).get(path, accessToken);
    assertEquals(200, reply.status(), reply.body());
    reply.raw().headers().allValues("Set-Cookie").forEach(this::keep);
    JsonObject json = reply.json();
    return json.getString("authorizationUrl");
  }

  /** The consent screen: the fake answers at once with a redirect to the callback. */
  public String consent(String authorizationUrl, String account) {
    HttpResponse<String> response =
        send(URI.create(authorizationUrl + "&login_hint=" + account.replace("@", "%40")));
    assertEquals(302, response.statusCode(), response.body());
    return response.headers().firstValue("Location").orElseThrow();
  }

  /** Follows the redirect back to Mailbridge with this browser's cookies. */
  public HttpResponse<String> callback(String location) {
    String local = location.replace(PUBLIC_URL, base);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(local)).GET();
    if (!cookies.isEmpty()) {
      request.header(
          "Cookie",
          cookies.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("callback failed", e);
    }
  }

  /** Start, consent and callback in one go. */
  public HttpResponse<String> connect(String provider, String accessToken, String account) {
    return callback(consent(start(provider, accessToken), account));
  }

  /** The outcome code the callback page carries ({@code data-outcome}). */
  public static String outcome(HttpResponse<String> page) {
    int at = page.body().indexOf("data-outcome=\"");
    if (at < 0) {
      throw new AssertionError("no outcome in " + page.body());
    }
    int from = at + "data-outcome=\"".length();
    return page.body().substring(from, page.body().indexOf('"', from));
  }

  private HttpResponse<String> send(URI uri) {
    try {
      return http.send(
          HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("request failed: " + uri.getPath(), e);
    }
  }

  private void keep(String setCookie) {
    String pair = setCookie.split(";", 2)[0];
    int eq = pair.indexOf('=');
    cookies.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
  }
}
