package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.TestCertificates;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthBrowser;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.it.support.RotationJobs;
import io.mailbridge.mailbox.control.ConnectionRefresh;
import io.mailbridge.mailbox.control.ConnectionTokens;
import io.mailbridge.mailbox.control.MailboxReauthRequired;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.crypto.control.FieldCipher;
import io.mailbridge.platform.crypto.control.KeyRotation;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connecting Google and Microsoft mailboxes against the fake providers: PKCE and state checks,
 * scopes, tokens sealed at rest, single-flight refresh, invalid_grant, rotation, revocation by user
 * and admin, the provider settings and the audit log.
 */
@ExtendWith(ArquillianExtension.class)
class MailboxConnectionsIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject RawDatabase db;
  @Inject ConnectionTokens connectionTokens;
  @Inject ConnectionRefresh connectionRefresh;
  @Inject KeyRotation rotation;
  @Inject RotationJobs rotationJobs;
  @Inject AuditLog auditLog;

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

  private Org org() {
    return OAuthOrgs.create(testOrgs, api(), fake());
  }

  private static String account(String label) {
    return OAuthOrgs.account(label);
  }

  private OAuthBrowser browser() {
    return new OAuthBrowser(base());
  }

  private String connect(Org org, String provider, String account) {
    return OAuthOrgs.connect(base(), org.repToken(), provider, account);
  }

  private List<JsonObject> mailboxes(String token) {
    return OAuthOrgs.mailboxes(api(), token);
  }

  private int connectionRows(String id) throws Exception {
    return db.strings("SELECT id FROM mailbox_connection WHERE id = ?", id).size();
  }

  /** Makes the stored access token look nearly expired, so the next use refreshes it. */
  private void expireSoon(String connectionId) throws Exception {
    assertEquals(
        1,
        db.update(
            "UPDATE mailbox_connection SET access_expires_at = ? WHERE id = ?",
            java.sql.Timestamp.from(Instant.now().plusSeconds(30)),
            connectionId));
  }

  @Test
  void googleConsentUsesPkceAndStoresTheTokensSealed() throws Exception {
    Org org = org();
    OAuthBrowser browser = browser();
    String url = browser.start("google", org.repToken());
    Map<String, String> q = FakeProviders.query(URI.create(url).getRawQuery());
    assertEquals("S256", q.get("code_challenge_method"));
    assertEquals(43, q.get("code_challenge").length(), "base64url SHA-256");
    assertEquals("offline", q.get("access_type"));
    assertEquals("consent", q.get("prompt"));
    assertEquals(
        "openid email https://www.googleapis.com/auth/gmail.modify"
            + " https://www.googleapis.com/auth/calendar.freebusy"
            + " https://www.googleapis.com/auth/calendar.events.owned"
            + " https://www.googleapis.com/auth/contacts",
        q.get("scope"));
    assertEquals(OAuthBrowser.PUBLIC_URL + "/api/oauth/google/callback", q.get("redirect_uri"));
    assertEquals(1, browser.cookies.size());
    assertTrue(browser.cookies.keySet().iterator().next().startsWith("mailbridge_oauth_"));

    String account = account("dana");
    HttpResponse<String> page = browser.callback(browser.consent(url, account));
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains(account));
    assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""));

    JsonObject mailbox = mailboxes(org.repToken()).get(0);
    assertEquals("google", mailbox.getString("provider"));
    assertEquals(account, mailbox.getString("address"));
    assertEquals("active", mailbox.getString("state"));
    assertTrue(mailbox.getJsonArray("scopes").toString().contains("gmail.modify"));
    assertTrue(mailbox.isNull("reconnect"));
    assertFalse(mailbox.toString().contains("ya29."), "no token in the list");

    List<String> issued = fake().tokensIssuedTo(account);
    assertEquals(2, issued.size(), "one access and one refresh token");
    for (byte[] value : db.allValues("mailbox_connection")) {
      for (String token : issued) {
        assertFalse(
            RawDatabase.containsBytes(value, token.getBytes(StandardCharsets.UTF_8)),
            "token sealed");
      }
      assertFalse(
          RawDatabase.containsBytes(value, account.getBytes(StandardCharsets.UTF_8)),
          "address sealed");
    }
    // the PKCE verifier is sealed too, and the state is only a hash
    for (byte[] value : db.allValues("oauth_state")) {
      assertFalse(
          RawDatabase.containsBytes(value, q.get("state").getBytes(StandardCharsets.UTF_8)));
    }
    // another user of the org does not see it
    String adminToken = org.adminToken();
    assertTrue(mailboxes(adminToken).isEmpty());
  }

  @Test
  void aStateIsUsedOnceFromTheBrowserThatStartedItBeforeItExpires() throws Exception {
    Org org = org();
    OAuthBrowser rep = browser();
    String location = rep.consent(rep.start("google", org.repToken()), account("once"));

    // another user, signed in in another browser, presents the rep's state: refused, not used up
    OAuthBrowser other = browser();
    other.start("google", org.adminToken());
    HttpResponse<String> foreign = other.callback(location);
    assertEquals(403, foreign.statusCode());
    assertEquals("state_mismatch", OAuthBrowser.outcome(foreign));
    // no cookie at all
    assertEquals("state_mismatch", OAuthBrowser.outcome(browser().callback(location)));

    assertEquals("connected", OAuthBrowser.outcome(rep.callback(location)));
    HttpResponse<String> again = rep.callback(location);
    assertEquals(400, again.statusCode());
    assertEquals("state_used", OAuthBrowser.outcome(again));
    assertEquals(1, mailboxes(org.repToken()).size());
    assertTrue(mailboxes(org.adminToken()).isEmpty());

    // unknown state
    String forged = location.replaceAll("state=[^&]+", "state=forged");
    assertEquals("unknown_state", OAuthBrowser.outcome(rep.callback(forged)));

    // expired: the row's expiry moved into the past
    OAuthBrowser late = browser();
    String lateLocation = late.consent(late.start("google", org.repToken()), account("late"));
    String stateId =
        late.cookies.keySet().iterator().next().substring("mailbridge_oauth_".length());
    assertEquals(
        1,
        db.update(
            "UPDATE oauth_state SET expires_at = ? WHERE id = ?",
            java.sql.Timestamp.from(Instant.now().minusSeconds(1)),
            stateId));
    HttpResponse<String> expired = late.callback(lateLocation);
    assertEquals(400, expired.statusCode());
    assertEquals("state_expired", OAuthBrowser.outcome(expired));
    assertEquals(1, mailboxes(org.repToken()).size(), "nothing stored");
  }

  @Test
  void aWrongOrMissingPkceVerifierIsRefused() throws Exception {
    Org org = org();
    OAuthBrowser browser = browser();
    String url = browser.start("google", org.repToken());
    // the code gets bound to another challenge, so Mailbridge's verifier no longer matches
    String tampered =
        url.replaceAll(
            "code_challenge=[^&]+", "code_challenge=" + FakeProviders.challengeOf("x".repeat(60)));
    HttpResponse<String> page = browser.callback(browser.consent(tampered, account("pkce")));
    assertEquals(400, page.statusCode(), page.body());
    assertEquals("code_refused", OAuthBrowser.outcome(page));
    assertTrue(page.body().contains("Invalid code verifier"), page.body());
    assertTrue(mailboxes(org.repToken()).isEmpty());

    // without a challenge the provider refuses at once, and the callback says so
    OAuthBrowser second = browser();
    String withoutChallenge =
        second.start("google", org.repToken()).replaceAll("&code_challenge=[^&]+", "");
    HttpResponse<String> refused =
        second.callback(second.consent(withoutChallenge, account("pkce2")));
    assertEquals("provider_error", OAuthBrowser.outcome(refused));

    // and the fake really checks the verifier: a code redeemed without one is refused
    OAuthBrowser third = browser();
    String code =
        FakeProviders.query(
                URI.create(third.consent(third.start("google", org.repToken()), account("pkce3")))
                    .getRawQuery())
            .get("code");
    HttpResponse<String> direct =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(fake().base() + "/google/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "grant_type=authorization_code&code="
                                + code
                                + "&client_id="
                                + org.googleClient()
                                + "&client_secret=google+secret+"
                                + org.googleClient()
                                + "&redirect_uri="
                                + OAuthBrowser.PUBLIC_URL
                                + "/api/oauth/google/callback"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(400, direct.statusCode());
    assertTrue(direct.body().contains("invalid_request"));
  }

  @Test
  void providerErrorsMissingScopesAndDisallowedAccountsGetAPageThatSaysWhy() throws Exception {
    Org org = org();
    HttpResponse<String> denied =
        browser().connect("google", org.repToken(), "deny:someone@customer.example");
    assertEquals(400, denied.statusCode());
    assertEquals("provider_error", OAuthBrowser.outcome(denied));
    assertTrue(denied.body().contains("declined or cancelled"), denied.body());

    String narrow = account("narrow");
    fake().grantedScopes.put(narrow, "openid email");
    HttpResponse<String> missing = browser().connect("google", org.repToken(), narrow);
    assertEquals(400, missing.statusCode());
    assertEquals("missing_scope", OAuthBrowser.outcome(missing));
    assertTrue(
        missing.body().contains("https://www.googleapis.com/auth/gmail.modify"), missing.body());

    ApiClient.Reply restricted =
        api()
            .put(
                "/api/admin/providers/google",
                org.adminToken(),
                "{\"clientId\":\""
                    + org.googleClient()
                    + "\",\"allowedDomains\":[\"Partner.Example\"]}");
    assertEquals(200, restricted.status(), restricted.body());
    assertEquals("[\"partner.example\"]", restricted.json().getJsonArray("allowed").toString());
    assertTrue(restricted.json().getBoolean("clientSecretSet"), "the secret was kept");
    HttpResponse<String> outsider =
        browser().connect("google", org.repToken(), account("outsider"));
    assertEquals(403, outsider.statusCode());
    assertEquals("account_not_allowed", OAuthBrowser.outcome(outsider));
    assertEquals(
        "connected",
        OAuthBrowser.outcome(browser().connect("google", org.repToken(), "pat@partner.example")));
    assertEquals(1, mailboxes(org.repToken()).size());

    // the org-wide switch blocks new connections
    ApiClient.Reply blocked =
        api()
            .put(
                "/api/admin/providers/google",
                org.adminToken(),
                "{\"clientId\":\"" + org.googleClient() + "\",\"connectionsBlocked\":true}");
    assertEquals(200, blocked.status(), blocked.body());
    ApiClient.Reply start = api().get("/api/oauth/google/start", org.repToken());
    assertEquals(403, start.status());
    assertEquals("provider_blocked", start.error());
  }

  @Test
  void providerSettingsKeepSecretsIn() throws Exception {
    Org org = org();
    ApiClient.Reply shown = api().get("/api/admin/providers/google", org.adminToken());
    assertEquals(200, shown.status());
    assertFalse(shown.body().contains("google secret"), shown.body());
    assertTrue(shown.json().getBoolean("clientSecretSet"));
    assertEquals(
        OAuthBrowser.PUBLIC_URL + "/api/oauth/google/callback",
        shown.json().getString("redirectUri"));
    for (byte[] value : db.allValues("provider_app")) {
      assertFalse(
          RawDatabase.containsBytes(
              value, ("google secret " + org.googleClient()).getBytes(StandardCharsets.UTF_8)));
    }
    assertEquals(403, api().get("/api/admin/providers/google", org.repToken()).status());
    assertEquals(404, api().get("/api/admin/providers/yahoo", org.adminToken()).status());
    ApiClient.Reply badId =
        api()
            .put(
                "/api/admin/providers/microsoft",
                org.adminToken(),
                "{\"clientId\":\"not a guid\"}");
    assertEquals(400, badId.status());
    assertTrue(badId.json().getString("message").startsWith("clientId"), badId.body());
    ApiClient.Reply badTenant =
        api()
            .put(
                "/api/admin/providers/microsoft",
                org.adminToken(),
                "{\"clientId\":\""
                    + org.microsoftClient()
                    + "\",\"allowedTenants\":[\"contoso.com\"]}");
    assertEquals(400, badTenant.status());
    AppUser fresh = testOrgs.orgWithAdmin("unconfigured");
    String freshToken = api().accessToken(fresh.email(), TestOrgs.PASSWORD);
    ApiClient.Reply noSecret =
        api()
            .put(
                "/api/admin/providers/google",
                freshToken,
                "{\"clientId\":\"abc.apps.googleusercontent.com\"}");
    assertEquals(400, noSecret.status(), "a first configuration needs a secret");
    ApiClient.Reply notConfigured = api().get("/api/oauth/google/start", freshToken);
    assertEquals(409, notConfigured.status());
    assertEquals("provider_not_configured", notConfigured.error());
  }

  @Test
  void microsoftConsentWithACertificateRecordsTheTenant() throws Exception {
    Org org = org();
    TestCertificates.SigningKey key = TestCertificates.create("Mailbridge Entra App", 1, 30);
    String certificatePem =
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder().encodeToString(key.certificate().getEncoded())
            + "\n-----END CERTIFICATE-----\n";
    String keyPem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(key.privateKey().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    String clientId = UUID.randomUUID().toString();
    String tenant = UUID.randomUUID().toString();
    fake().clientCertificates.put(clientId, (RSAPublicKey) key.certificate().getPublicKey());
    ApiClient.Reply put =
        api()
            .put(
                "/api/admin/providers/microsoft",
                org.adminToken(),
                Json.createObjectBuilder()
                    .add("clientId", clientId)
                    .add(
                        "certificate",
                        Json.createObjectBuilder()
                            .add("privateKeyPem", keyPem)
                            .add("certificatePem", certificatePem))
                    .add("allowedTenants", Json.createArrayBuilder().add(tenant))
                    .build()
                    .toString());
    assertEquals(200, put.status(), put.body());
    assertFalse(put.json().getBoolean("clientSecretSet"));
    assertFalse(put.json().isNull("certificateThumbprint"));

    String account = account("megan");
    fake().tenants.put(account, tenant);
    OAuthBrowser browser = browser();
    String url = browser.start("microsoft", org.repToken());
    assertTrue(
        url.startsWith(fake().base() + "/microsoft/" + tenant + "/oauth2/v2.0/authorize?"), url);
    assertTrue(url.contains("offline_access"), url);
    HttpResponse<String> page = browser.callback(browser.consent(url, account));
    assertEquals(200, page.statusCode(), page.body());
    JsonObject mailbox = mailboxes(org.repToken()).get(0);
    assertEquals("microsoft", mailbox.getString("provider"));
    assertEquals(account, mailbox.getString("address"));

    // a tenant the org does not allow
    String stranger = account("stranger");
    fake().tenants.put(stranger, UUID.randomUUID().toString());
    ApiClient.Reply open =
        api()
            .put(
                "/api/admin/providers/microsoft",
                org.adminToken(),
                Json.createObjectBuilder()
                    .add("clientId", clientId)
                    .add(
                        "allowedTenants",
                        Json.createArrayBuilder().add(tenant).add(UUID.randomUUID().toString()))
                    .build()
                    .toString());
    assertEquals(200, open.status(), open.body());
    HttpResponse<String> refused = browser().connect("microsoft", org.repToken(), stranger);
    assertEquals("account_not_allowed", OAuthBrowser.outcome(refused));
  }

  @Test
  void fiftyConcurrentCallersCauseOneRefresh() throws Exception {
    Org org = org();
    String account = account("busy");
    String id = connect(org, "google", account);
    String before = connectionTokens.accessToken(org.rep().orgId(), id);
    assertEquals(0, fake().refreshes(org.googleClient()), "a fresh token is used as it is");

    expireSoon(id);
    fake().refreshDelayMillis = 300;
    try {
      Set<String> tokens =
          callConcurrently(50, () -> connectionTokens.accessToken(org.rep().orgId(), id));
      assertEquals(
          1, fake().refreshes(org.googleClient()), "one refresh for fifty callers on this node");
      assertEquals(1, tokens.size());
      String refreshed = tokens.iterator().next();
      assertNotEquals(before, refreshed);
      assertTrue(fake().isAccessTokenLive(refreshed));

      // the same through the database alone, as twelve nodes would
      expireSoon(id);
      Set<String> acrossNodes =
          callConcurrently(12, () -> connectionRefresh.currentOrRefreshed(org.rep().orgId(), id));
      assertEquals(2, fake().refreshes(org.googleClient()), "one more refresh for twelve nodes");
      assertEquals(1, acrossNodes.size());
    } finally {
      fake().refreshDelayMillis = 0;
    }
  }

  private static Set<String> callConcurrently(int callers, Callable<String> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<Future<String>> results = new java.util.ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return call.call();
                }));
      }
      go.countDown();
      Set<String> tokens = new HashSet<>();
      for (Future<String> result : results) {
        tokens.add(result.get());
      }
      return tokens;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void invalidGrantAsksTheUserToReconnectAndARotatedRefreshTokenReplacesTheOld() throws Exception {
    Org org = org();
    String account = account("rotate");
    String id = connect(org, "google", account);

    fake().rotateRefreshTokens = true;
    try {
      expireSoon(id);
      connectionTokens.accessToken(org.rep().orgId(), id);
      String first = fake().refreshTokensPresented.get(fake().refreshTokensPresented.size() - 1);
      assertFalse(fake().isRefreshTokenLive(first), "the provider retired the presented token");
      expireSoon(id);
      connectionTokens.accessToken(org.rep().orgId(), id);
      String second = fake().refreshTokensPresented.get(fake().refreshTokensPresented.size() - 1);
      assertNotEquals(first, second, "the rotated refresh token was stored and used");
    } finally {
      fake().rotateRefreshTokens = false;
    }

    fake().revokeAllOf(account); // the user removed the app in their Google account
    expireSoon(id);
    MailboxReauthRequired problem =
        assertThrows(
            MailboxReauthRequired.class, () -> connectionTokens.accessToken(org.rep().orgId(), id));
    assertEquals(409, ErrorAnswer.status(problem));
    assertEquals("/api/oauth/google/start", problem.reconnectPath());
    assertEquals("mailbox_reauth_required", problem.code());
    JsonObject mailbox = mailboxes(org.repToken()).get(0);
    assertEquals("reauth_required", mailbox.getString("state"));
    assertEquals("/api/oauth/google/start", mailbox.getString("reconnect"));
    assertNull(
        db.bytesOf("SELECT refresh_token FROM mailbox_connection WHERE id = ?", id),
        "the dead token is gone");
    JsonObject audit =
        api()
            .get("/api/admin/audit", org.adminToken())
            .json()
            .getJsonArray("items")
            .getJsonObject(0);
    assertEquals("mailbox.refresh_failed", audit.getString("action"));
    assertEquals("reauth_required", audit.getString("outcome"));

    // reconnecting the same account revives the same connection
    assertEquals(id, connect(org, "google", account));
    assertEquals("active", mailboxes(org.repToken()).get(0).getString("state"));
    assertEquals(
        "mailbox.reconnect",
        api()
            .get("/api/admin/audit", org.adminToken())
            .json()
            .getJsonArray("items")
            .getJsonObject(0)
            .getString("action"));
  }

  @Test
  void revocationCallsTheProviderAndLeavesNoTokenBehind() throws Exception {
    Org org = org();
    String googleAccount = account("leaver");
    String google = connect(org, "google", googleAccount);
    List<String> googleTokens = fake().tokensIssuedTo(googleAccount);
    String microsoftAccount = account("mover");
    String microsoft = connect(org, "microsoft", microsoftAccount);

    // nobody else can end them
    AppUser colleague = testOrgs.user(org.admin().orgId(), "USER", "colleague");
    String colleagueToken = api().accessToken(colleague.email(), TestOrgs.PASSWORD);
    assertEquals(404, api().delete("/api/mailboxes/" + google, colleagueToken).status());
    AppUser strangerAdmin = testOrgs.orgWithAdmin("stranger");
    String strangerToken = api().accessToken(strangerAdmin.email(), TestOrgs.PASSWORD);
    assertEquals(404, api().delete("/api/admin/connections/" + google, strangerToken).status());
    assertEquals(1, connectionRows(google));

    // the user revokes their Google mailbox
    ApiClient.Reply byUser = api().delete("/api/mailboxes/" + google, org.repToken());
    assertEquals(200, byUser.status(), byUser.body());
    assertTrue(byUser.json().getBoolean("providerConfirmed"));
    assertTrue(
        googleTokens.stream().anyMatch(fake().revokedTokens::contains),
        "Google's revocation endpoint was called");
    assertEquals(0, connectionRows(google));

    // the admin sees the Microsoft one and revokes it
    ApiClient.Reply list = api().get("/api/admin/connections", org.adminToken());
    assertEquals(200, list.status());
    JsonObject listed = list.json().getJsonArray("items").getJsonObject(0);
    assertEquals(microsoft, listed.getString("id"));
    assertEquals(org.rep().id(), listed.getString("userId"));
    assertEquals(403, api().get("/api/admin/connections", org.repToken()).status());
    ApiClient.Reply byAdmin = api().delete("/api/admin/connections/" + microsoft, org.adminToken());
    assertEquals(200, byAdmin.status(), byAdmin.body());
    assertTrue(fake().graphRevocations.contains(microsoftAccount));
    assertEquals(0, connectionRows(microsoft));

    for (byte[] value : db.allValues("mailbox_connection")) {
      for (String token : fake().tokensIssuedTo(googleAccount)) {
        assertFalse(RawDatabase.containsBytes(value, token.getBytes(StandardCharsets.UTF_8)));
      }
    }
    List<JsonObject> audit =
        api()
            .get("/api/admin/audit?limit=2", org.adminToken())
            .json()
            .getJsonArray("items")
            .getValuesAs(JsonObject.class);
    assertEquals("mailbox.revoke", audit.get(0).getString("action"));
    assertEquals(org.admin().id(), audit.get(0).getString("actorUserId"));
    assertEquals("revoked", audit.get(0).getString("outcome"));
    assertEquals(org.rep().id(), audit.get(1).getString("actorUserId"));
  }

  @Test
  void anUnreachableProviderStillLosesTheTokensAndTheFailureIsAudited() throws Exception {
    Org org = org();
    String account = account("offline");
    String id = connect(org, "google", account);
    fake().revocationDown = true;
    try {
      ApiClient.Reply reply = api().delete("/api/mailboxes/" + id, org.repToken());
      assertEquals(200, reply.status(), reply.body());
      assertFalse(reply.json().getBoolean("providerConfirmed"));
    } finally {
      fake().revocationDown = false;
    }
    assertEquals(0, connectionRows(id));
    JsonObject event =
        api()
            .get("/api/admin/audit", org.adminToken())
            .json()
            .getJsonArray("items")
            .getJsonObject(0);
    assertEquals("mailbox.revoke", event.getString("action"));
    assertEquals("provider_unreachable", event.getString("outcome"));
    assertTrue(event.getString("detail").contains(account), event.toString());
  }

  @Test
  void theAuditLogIsNewestFirstPagedAndHoldsNoSecrets() throws Exception {
    Org org = org();
    connect(org, "google", account("audit1"));
    connect(org, "google", account("audit2"));
    ApiClient.Reply first = api().get("/api/admin/audit?limit=2", org.adminToken());
    assertEquals(200, first.status(), first.body());
    List<JsonObject> page1 = first.json().getJsonArray("items").getValuesAs(JsonObject.class);
    assertEquals(2, page1.size());
    assertTrue(page1.get(0).getString("detail").contains("audit2"), "newest first");
    String next = first.json().getString("next");
    ApiClient.Reply second = api().get("/api/admin/audit?limit=2&cursor=" + next, org.adminToken());
    List<JsonObject> page2 = second.json().getJsonArray("items").getValuesAs(JsonObject.class);
    assertTrue(page2.stream().anyMatch(e -> e.getString("action").equals("provider.update")));
    assertTrue(
        page2.stream().noneMatch(e -> e.getString("id").equals(page1.get(1).getString("id"))));
    String all = first.body() + second.body();
    assertFalse(all.contains("secret"), all);
    assertFalse(all.contains("ya29."), all);
    assertEquals(400, api().get("/api/admin/audit?cursor=garbage", org.adminToken()).status());
    assertEquals(403, api().get("/api/admin/audit", org.repToken()).status());
  }

  @Test
  void theAuditLogIsFilteredInTheDatabaseAcrossPages() throws Exception {
    AppUser admin = testOrgs.orgWithAdmin("audit filters");
    String token = api().accessToken(admin.email(), TestOrgs.PASSWORD);
    String orgId = admin.orgId();
    // Seven events a day apart, newest last: five connects (two refused) among two others.
    String[][] events = {
      {"mailbox.connect", "connected"},
      {"org.rename", "changed"},
      {"mailbox.connect", "refused"},
      {"mailbox.connect", "connected"},
      {"tenant.consent", "refused"},
      {"mailbox.connect", "refused"},
      {"mailbox.connect", "connected"},
    };
    for (int i = 0; i < events.length; i++) {
      auditLog.record(orgId, admin.id(), events[i][0], "subject" + i, events[i][1], "event " + i);
      assertEquals(
          1,
          db.update(
              "UPDATE audit_event SET occurred_at = ? WHERE org_id = ? AND subject_id = ?",
              java.sql.Timestamp.from(day(i)),
              orgId,
              "subject" + i));
    }
    AppUser stranger = testOrgs.orgWithAdmin("audit filters elsewhere");
    auditLog.record(stranger.orgId(), stranger.id(), "mailbox.connect", "x", "connected", "x");

    // five connects in pages of two: 2 + 2 + 1, newest first, each once
    List<String> subjects = new java.util.ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      ApiClient.Reply page =
          api()
              .get(
                  "/api/admin/audit?action=mailbox.connect&limit=2"
                      + (cursor == null ? "" : "&cursor=" + cursor),
                  token);
      assertEquals(200, page.status(), page.body());
      for (JsonObject event : page.json().getJsonArray("items").getValuesAs(JsonObject.class)) {
        assertEquals("mailbox.connect", event.getString("action"));
        subjects.add(event.getString("subjectId"));
      }
      cursor = page.json().isNull("next") ? null : page.json().getString("next");
      pages++;
    } while (cursor != null);
    assertEquals(3, pages);
    assertEquals(List.of("subject6", "subject5", "subject3", "subject2", "subject0"), subjects);

    // action and outcome together, over two pages
    ApiClient.Reply refused =
        api().get("/api/admin/audit?action=mailbox.connect&outcome=refused&limit=1", token);
    assertEquals("subject5", subjectsOf(refused).get(0));
    ApiClient.Reply refusedNext =
        api()
            .get(
                "/api/admin/audit?action=mailbox.connect&outcome=refused&limit=1&cursor="
                    + refused.json().getString("next"),
                token);
    assertEquals(List.of("subject2"), subjectsOf(refusedNext));
    assertTrue(refusedNext.json().isNull("next"));

    // from inclusive, to exclusive
    ApiClient.Reply period = api().get("/api/admin/audit?from=" + day(2) + "&to=" + day(5), token);
    assertEquals(200, period.status(), period.body());
    assertEquals(List.of("subject4", "subject3", "subject2"), subjectsOf(period));
    assertEquals(
        List.of("subject6", "subject5"),
        subjectsOf(api().get("/api/admin/audit?outcome=&from=" + day(5), token)));

    // every action and outcome of the org, and only of this org
    JsonObject choices = api().get("/api/admin/audit/actions", token).json();
    assertEquals(
        List.of("mailbox.connect", "org.rename", "tenant.consent"),
        choices.getJsonArray("actions").getValuesAs(jakarta.json.JsonString.class).stream()
            .map(jakarta.json.JsonString::getString)
            .toList());
    assertEquals(
        List.of("changed", "connected", "refused"),
        choices.getJsonArray("outcomes").getValuesAs(jakarta.json.JsonString.class).stream()
            .map(jakarta.json.JsonString::getString)
            .toList());

    ApiClient.Reply badFrom = api().get("/api/admin/audit?from=yesterday", token);
    assertEquals(400, badFrom.status());
    assertEquals("invalid_field", badFrom.error());
    assertTrue(badFrom.json().getString("message").startsWith("from:"), badFrom.body());
    ApiClient.Reply reversed =
        api().get("/api/admin/audit?from=" + day(3) + "&to=" + day(1), token);
    assertEquals(400, reversed.status());
    assertTrue(reversed.json().getString("message").startsWith("to:"), reversed.body());
    assertEquals(403, api().get("/api/admin/audit/actions", testOrgRepToken(admin)).status());
  }

  private static Instant day(int i) {
    return Instant.parse("2020-03-01T12:00:00Z").plus(java.time.Duration.ofDays(i));
  }

  private static List<String> subjectsOf(ApiClient.Reply reply) {
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(e -> e.getString("subjectId"))
        .toList();
  }

  private String testOrgRepToken(AppUser admin) {
    AppUser rep = testOrgs.user(admin.orgId(), "USER", "audit reader");
    return api().accessToken(rep.email(), TestOrgs.PASSWORD);
  }

  @Test
  void keyRotationReencryptsConnectionsAndProviderSecrets() throws Exception {
    Org org = org();
    String id = connect(org, "google", account("rotating"));
    String before = connectionTokens.accessToken(org.rep().orgId(), id);
    KeyRotation.Started started = rotation.rotate(org.rep().orgId());
    rotationJobs.waitUntilDone(started.jobId());
    for (String[] column :
        List.of(
            new String[] {"mailbox_connection", "refresh_token"},
            new String[] {"mailbox_connection", "address"},
            new String[] {"provider_app", "client_secret"},
            new String[] {"audit_event", "detail"})) {
      List<byte[]> values =
          db.allBytes(
              "SELECT " + column[1] + " FROM " + column[0] + " WHERE org_id = ?",
              org.rep().orgId());
      assertFalse(values.isEmpty(), column[0]);
      for (byte[] value : values) {
        assertEquals(
            started.primaryKeyId(), FieldCipher.keyIdOf(value), column[0] + "." + column[1]);
      }
    }
    assertEquals(before, connectionTokens.accessToken(org.rep().orgId(), id), "still readable");
  }
}
