package io.mailbridge.bench;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthBrowser;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a bench's server reaches the fakes of the tests on loopback: the settings that point it at
 * the fake Google and Microsoft, the org's apps registered there, a mailbox connected through the
 * real OAuth flow, and the org's Exchange connection to the fake Exchange.
 */
final class ProviderFakes {

  static final String GOOGLE_CLIENT = "bench.apps.googleusercontent.com";
  static final String MICROSOFT_CLIENT = "6a1f5d0e-0b1e-4d3c-9f00-00000000be4c";

  private ProviderFakes() {}

  /** The server's settings for the fake Google and Microsoft at {@code fakeBase}. */
  static Map<String, String> cloudSettings(String fakeBase) {
    String google = fakeBase + "/google";
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("MAILBRIDGE_PUBLIC_URL", OAuthBrowser.PUBLIC_URL);
    settings.put("MAILBRIDGE_OAUTH_ALLOW_PRIVATE_ENDPOINTS", "true");
    settings.put("MAILBRIDGE_GOOGLE_AUTHORIZATION_URL", google + "/o/oauth2/v2/auth");
    settings.put("MAILBRIDGE_GOOGLE_TOKEN_URL", google + "/token");
    settings.put("MAILBRIDGE_GOOGLE_REVOCATION_URL", google + "/revoke");
    settings.put("MAILBRIDGE_GOOGLE_JWKS_URL", google + "/oauth2/v3/certs");
    settings.put("MAILBRIDGE_GOOGLE_GMAIL_URL", google + "/");
    settings.put("MAILBRIDGE_GOOGLE_CALENDAR_URL", google + "/");
    settings.put("MAILBRIDGE_GOOGLE_PEOPLE_URL", google + "/");
    settings.put("MAILBRIDGE_MICROSOFT_AUTHORITY", fakeBase + "/microsoft");
    settings.put("MAILBRIDGE_MICROSOFT_GRAPH_URL", fakeBase + "/graph/v1.0");
    settings.put(
        "MAILBRIDGE_MICROSOFT_REVOCATION_URL", fakeBase + "/graph/v1.0/me/revokeSignInSessions");
    return settings;
  }

  /** The org's Google and Microsoft apps, registered at the fake and in Mailbridge. */
  static void registerApps(HttpClient http, String base, String token, FakeProviders fake)
      throws Exception {
    fake.clientSecrets.put(GOOGLE_CLIENT, "bench google secret");
    AddinLogBench.send(
        http,
        "PUT",
        base + "/api/admin/providers/google",
        token,
        "{\"clientId\":\"" + GOOGLE_CLIENT + "\",\"clientSecret\":\"bench google secret\"}");
    fake.clientSecrets.put(MICROSOFT_CLIENT, "bench microsoft secret");
    AddinLogBench.send(
        http,
        "PUT",
        base + "/api/admin/providers/microsoft",
        token,
        "{\"clientId\":\"" + MICROSOFT_CLIENT + "\",\"clientSecret\":\"bench microsoft secret\"}");
  }

  /**
   * A mailbox of {@code provider} ({@code graph} or {@code google}) connected by the user behind
   * {@code token} through the real OAuth flow; answers its id.
   */
  static String connect(HttpClient http, String base, String token, String provider, String account)
      throws Exception {
    HttpResponse<String> page =
        new OAuthBrowser(base)
            .connect(provider.equals("graph") ? "microsoft" : "google", token, account);
    if (!"connected".equals(OAuthBrowser.outcome(page))) {
      throw new IllegalStateException("connecting a mailbox failed: " + OAuthBrowser.outcome(page));
    }
    JsonObject list =
        ExchangeCaptureBench.json(
            AddinLogBench.send(http, "GET", base + "/api/mailboxes", token, ""));
    for (JsonObject m : list.getJsonArray("items").getValuesAs(JsonObject.class)) {
      if (m.getString("address").equals(account)) {
        return m.getString("id");
      }
    }
    throw new IllegalStateException("the connected mailbox is not listed");
  }

  /** Lets the org's Exchange connection reach the fake Exchange: plain HTTP on loopback. */
  static void allowLoopbackExchange(HttpClient http, String base, String token) throws Exception {
    AddinLogBench.send(
        http,
        "PUT",
        base + "/api/admin/exchange/hosts",
        token,
        "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]");
  }

  /** The body of {@code PUT /api/admin/exchange/connection}: Basic sign-in, these users. */
  static String exchangeConnection(
      String ewsUrl, String user, String domain, String password, List<String> users) {
    JsonArrayBuilder list = Json.createArrayBuilder();
    users.forEach(list::add);
    return Json.createObjectBuilder()
        .add("ewsUrl", ewsUrl)
        .add("auth", "basic")
        .add("username", user)
        .add("domain", domain)
        .add("password", password)
        .add("users", list)
        .build()
        .toString();
  }
}
