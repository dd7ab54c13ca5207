package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.RSAKey;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.FakeProviders.EntraClaims;
import io.mailbridge.it.providers.OAuthBrowser;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.it.support.SignupPageClient;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exchange Online's add-in sign-in: tenant admin consent against the fake Microsoft identity
 * platform, and the Entra ID access tokens of nested app authentication checked before any session,
 * then linked through the same sign-up page as on-premises.
 */
@ExtendWith(ArquillianExtension.class)
class EntraSignInIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject RawDatabase db;

  private final HttpClient http = HttpClient.newHttpClient();

  // Started on first use inside the server: JUnit also makes instances in the client JVM.
  private static FakeProviders fake() {
    return FakeProviders.get();
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  /** An org whose admin consented for a fresh tenant. */
  private record Consented(Org org, String tenant, String audience) {}

  private Consented consented() {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String tenant = OAuthOrgs.consentTenant(base(), org.adminToken(), fake());
    return new Consented(org, tenant, OAuthOrgs.apiAudience(org));
  }

  private String token(Consented c, String audience, String scopes, Instant expires)
      throws Exception {
    return fake()
        .entraAccessToken(
            fake().microsoftKey(), c.tenant(), audience, scopes, "oid-" + c.tenant(), expires);
  }

  private HttpResponse<String> session(String accessToken) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + "/api/addin/graph/session"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Json.createObjectBuilder()
                        .add("accessToken", accessToken)
                        .add("mailbox", "megan@tenant.example")
                        .build()
                        .toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) {
    return Json.createReader(new java.io.StringReader(response.body()))
        .readObject()
        .getString("error");
  }

  @Test
  void anAdminConsentsForTheTenantOnce() throws Exception {
    Consented c = consented();
    OAuthBrowser browser = new OAuthBrowser(base());
    String url = browser.startAt("/api/admin/microsoft/consent", c.org().adminToken());
    Map<String, String> q = FakeProviders.query(URI.create(url).getRawQuery());
    assertTrue(url.startsWith(fake().base() + "/microsoft/organizations/v2.0/adminconsent?"), url);
    assertEquals(c.org().microsoftClient(), q.get("client_id"));
    assertEquals(
        OAuthBrowser.PUBLIC_URL + "/api/admin/microsoft/consent/callback", q.get("redirect_uri"));
    String location = browser.consent(url, "deny:admin@tenant.example");
    HttpResponse<String> declined = browser.callback(location);
    assertEquals(400, declined.statusCode());
    assertEquals("consent_refused", OAuthBrowser.outcome(declined));
    assertTrue(declined.body().contains("declined or cancelled"), declined.body());
    assertEquals("state_used", OAuthBrowser.outcome(browser.callback(location)));

    ApiClient.Reply tenants = api().get("/api/admin/microsoft/tenants", c.org().adminToken());
    assertEquals(200, tenants.status(), tenants.body());
    assertTrue(tenants.body().contains("\"tenantId\":\"" + c.tenant() + "\""), tenants.body());
    for (byte[] value : db.allValues("consented_tenant")) {
      assertFalse(
          RawDatabase.containsBytes(value, c.tenant().getBytes(StandardCharsets.UTF_8)),
          "tenant id sealed");
    }
    assertEquals(403, api().get("/api/admin/microsoft/consent", c.org().repToken()).status());
    // a mailbox connection's state does not complete a consent
    OAuthBrowser connecting = new OAuthBrowser(base());
    String connectLocation =
        connecting.consent(
            connecting.start("microsoft", c.org().repToken()), OAuthOrgs.account("x"));
    String state = FakeProviders.query(URI.create(connectLocation).getRawQuery()).get("state");
    HttpResponse<String> crossed =
        connecting.callback(
            OAuthBrowser.PUBLIC_URL
                + "/api/admin/microsoft/consent/callback?admin_consent=True&tenant="
                + c.tenant()
                + "&state="
                + state);
    assertEquals("unknown_state", OAuthBrowser.outcome(crossed));
  }

  @Test
  void aValidTokenSignsUpThenSignsIn() throws Exception {
    Consented c = consented();
    String token = token(c, c.audience(), "access_as_user", Instant.now().plusSeconds(3600));
    HttpResponse<String> first = session(token);
    assertEquals(401, first.statusCode(), first.body());
    assertEquals("signup_required", error(first));
    String signup =
        Json.createReader(new java.io.StringReader(first.body())).readObject().getString("signup");
    SignupPageClient pages = new SignupPageClient(base());
    HttpResponse<String> page = pages.open(signup);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("megan@tenant.example"), "the mailbox Outlook reported");
    HttpResponse<String> linked = pages.submit(page, c.org().rep().email(), TestOrgs.PASSWORD);
    assertEquals(200, linked.statusCode(), linked.body());

    HttpResponse<String> second = session(token);
    assertEquals(200, second.statusCode(), second.body());
    String cookie = SignupPageClient.cookie(second, "mailbridge_addin");
    HttpResponse<String> context =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base() + "/api/addin/context?emails=someone@fabrikam.example"))
                .header("Cookie", "mailbridge_addin=" + cookie)
                .header("X-Mailbridge-Addin", "1")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, context.statusCode(), context.body());
    assertTrue(second.body().contains(c.org().rep().email()), second.body());
  }

  @Test
  void tokensThatFailACheckGetNoSession() throws Exception {
    Consented c = consented();
    Instant later = Instant.now().plusSeconds(3600);

    HttpResponse<String> stranger =
        session(
            fake()
                .entraAccessToken(
                    fake().microsoftKey(),
                    UUID.randomUUID().toString(),
                    c.audience(),
                    "access_as_user",
                    "oid-x",
                    later));
    assertEquals(401, stranger.statusCode());
    assertEquals("tenant_not_consented", error(stranger));

    HttpResponse<String> otherApp =
        session(token(c, "api://elsewhere.example/" + UUID.randomUUID(), "access_as_user", later));
    assertEquals(401, otherApp.statusCode());
    assertEquals("invalid_access_token", error(otherApp));
    assertTrue(otherApp.body().contains("another application"), otherApp.body());

    HttpResponse<String> noScope = session(token(c, c.audience(), "User.Read", later));
    assertEquals(401, noScope.statusCode());
    assertTrue(noScope.body().contains("access_as_user"), noScope.body());

    HttpResponse<String> expired =
        session(token(c, c.audience(), "access_as_user", Instant.now().minusSeconds(600)));
    assertEquals(401, expired.statusCode());
    assertTrue(expired.body().contains("expired"), expired.body());

    HttpResponse<String> forGraph =
        session(token(c, "https://graph.microsoft.com", "Mail.Read", later));
    assertEquals(401, forGraph.statusCode());
    assertTrue(forGraph.body().contains("Microsoft Graph"), forGraph.body());

    String valid = token(c, c.audience(), "access_as_user", later);
    String[] parts = valid.split("\\.");
    String none =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    "{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[1]
            + ".";
    HttpResponse<String> unsigned = session(none);
    assertEquals(401, unsigned.statusCode());
    assertEquals("invalid_access_token", error(unsigned));
    HttpResponse<String> garbage = session("not.a.token");
    assertEquals(401, garbage.statusCode());

    // the valid one warms the key cache; a stray key makes exactly one more fetch, then a refusal
    assertEquals(401, session(valid).statusCode()); // signup_required: it passed every check
    int fetches = fake().microsoftKeyFetches.get();
    HttpResponse<String> stray =
        session(
            fake()
                .entraAccessToken(
                    FakeProviders.strayKey(),
                    c.tenant(),
                    c.audience(),
                    "access_as_user",
                    "oid-y",
                    later));
    assertEquals(401, stray.statusCode());
    assertEquals("invalid_access_token", error(stray));
    assertEquals(fetches + 1, fake().microsoftKeyFetches.get(), "one refetch for an unknown kid");

    // a key rollover: the new key is fetched once and its tokens are accepted
    RSAKey rolled = fake().rollMicrosoftKey();
    try {
      int before = fake().microsoftKeyFetches.get();
      HttpResponse<String> afterRollover =
          session(
              fake()
                  .entraAccessToken(
                      rolled,
                      c.tenant(),
                      c.audience(),
                      "access_as_user",
                      "oid-" + c.tenant(),
                      later));
      assertEquals("signup_required", error(afterRollover), afterRollover.body());
      assertEquals(before + 1, fake().microsoftKeyFetches.get());
    } finally {
      assertTrue(rolled.getKeyID().startsWith("microsoft-"));
    }
  }

  private HttpResponse<String> session(EntraClaims claims) throws Exception {
    return session(
        fake().entraAccessToken(fake().microsoftKey(), claims, Instant.now().plusSeconds(3600)));
  }

  @Test
  void v1AndV2TokensBothSignTheSamePersonIn() throws Exception {
    Consented c = consented();
    String clientId = c.org().microsoftClient();
    // v1.0, what Entra issues while the app registration does not ask for v2: the api:// URI
    EntraClaims v1 = EntraClaims.v1(c.tenant(), c.audience());
    HttpResponse<String> first = session(v1);
    assertEquals(401, first.statusCode(), first.body());
    assertEquals("signup_required", error(first));
    String signup =
        Json.createReader(new java.io.StringReader(first.body())).readObject().getString("signup");
    SignupPageClient pages = new SignupPageClient(base());
    assertEquals(
        200,
        pages.submit(pages.open(signup), c.org().rep().email(), TestOrgs.PASSWORD).statusCode());

    HttpResponse<String> withUri = session(v1);
    assertEquals(200, withUri.statusCode(), withUri.body());
    assertTrue(withUri.body().contains(c.org().rep().email()), withUri.body());
    // a v1.0 token may also name the app by its client id
    HttpResponse<String> withClientId = session(EntraClaims.v1(c.tenant(), clientId));
    assertEquals(200, withClientId.statusCode(), withClientId.body());
    // once the registration asks for v2 (requestedAccessTokenVersion 2) it is still the same link
    HttpResponse<String> v2 = session(EntraClaims.v2(fake().base(), c.tenant(), clientId));
    assertEquals(200, v2.statusCode(), v2.body());
    assertTrue(v2.body().contains(c.org().rep().email()), v2.body());
  }

  @Test
  void eachVersionIsHeldToItsOwnIssuerAndAudience() throws Exception {
    Consented c = consented();
    String clientId = c.org().microsoftClient();
    EntraClaims v1 = EntraClaims.v1(c.tenant(), c.audience());
    EntraClaims v2 = EntraClaims.v2(fake().base(), c.tenant(), clientId);
    // both pass every check (not linked yet: a sign-up ticket)
    assertEquals("signup_required", error(session(v1)));
    assertEquals("signup_required", error(session(v2)));

    String v2Issuer = fake().base() + "/microsoft/" + c.tenant() + "/v2.0";
    String v1Issuer = "https://sts.windows.net/" + c.tenant() + "/";
    Map<String, EntraClaims> refused = new java.util.LinkedHashMap<>();
    refused.put("v1.0 with the v2.0 issuer", v1.issuer(v2Issuer));
    refused.put("v2.0 with the v1.0 issuer", v2.issuer(v1Issuer));
    refused.put(
        "v1.0 from another tenant's issuer",
        v1.issuer("https://sts.windows.net/" + UUID.randomUUID() + "/"));
    refused.put(
        "v1.0 for another host's api:// URI",
        EntraClaims.v1(c.tenant(), "api://elsewhere.example/" + clientId));
    refused.put("no version", v1.version(null));
    refused.put("an unknown version", v2.version("3.0"));
    refused.put(
        "v2.0 naming the app by its api:// URI",
        EntraClaims.v2(fake().base(), c.tenant(), c.audience()));
    for (Map.Entry<String, EntraClaims> e : refused.entrySet()) {
      HttpResponse<String> answer = session(e.getValue());
      assertEquals(401, answer.statusCode(), e.getKey() + ": " + answer.body());
      assertEquals("invalid_access_token", error(answer), e.getKey() + ": " + answer.body());
    }
    HttpResponse<String> v2ForUri =
        session(EntraClaims.v2(fake().base(), c.tenant(), c.audience()));
    assertTrue(v2ForUri.body().contains("client id"), v2ForUri.body());
    HttpResponse<String> crossedIssuer = session(v1.issuer(v2Issuer));
    assertTrue(crossedIssuer.body().contains("issued by"), crossedIssuer.body());
  }
}
