package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.IdentityTokens;
import io.mailbridge.it.exchange.TestCertificates;
import io.mailbridge.it.exchange.TestCertificates.SigningKey;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The org's Exchange connection and the connectivity debug tool against the fake Exchange over
 * HTTPS with a self-signed certificate and Basic authentication.
 */
@ExtendWith(ArquillianExtension.class)
class ExchangeConnectionIT {

  static final String USER = "svc-mailbridge";
  static final String DOMAIN = "CONTOSO";
  static final String PASSWORD = "right horse battery staple";
  static final String ALICE = "alice@contoso.example";

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;

  /** One TLS key and one fake for the class (keytool takes a second per key). */
  static final class Shared {
    static final SigningKey TLS = TestCertificates.createServer("Fake Exchange", "IP:127.0.0.1");
    static final SigningKey AUTH = TestCertificates.create("Exchange Auth", 1, 30);
    static final FakeExchange FAKE = start();

    private static FakeExchange start() {
      FakeExchange fake = FakeExchange.startTls(TLS);
      fake.serveKeys(AUTH.certificate());
      fake.requireBasic(DOMAIN + "\\" + USER, PASSWORD);
      fake.impersonable.add(ALICE);
      return fake;
    }
  }

  private ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + request.getLocalPort());
  }

  private static final String LOOPBACK_LISTED =
      "[{\"host\":\"127.0.0.1\",\"plainHttp\":false,\"privateAddress\":true}]";

  private TestOrgs.SignedInOrg org(String hosts) {
    TestOrgs.SignedInOrg org = testOrgs.signedIn("exchange-conn", api());
    ApiClient.Reply put = api().put("/api/admin/exchange/hosts", org.adminToken(), hosts);
    assertEquals(200, put.status(), put.body());
    return org;
  }

  private static JsonObjectBuilder connection(String password, String caBundlePem) {
    JsonObjectBuilder body =
        Json.createObjectBuilder()
            .add("ewsUrl", Shared.FAKE.ewsUrl())
            .add("auth", "basic")
            .add("username", USER)
            .add("domain", DOMAIN)
            .add("users", Json.createArrayBuilder().add(ALICE));
    if (password != null) {
      body.add("password", password);
    }
    if (caBundlePem != null) {
      body.add("caBundlePem", caBundlePem);
    }
    return body;
  }

  private ApiClient.Reply putConnection(TestOrgs.SignedInOrg org, JsonObjectBuilder body) {
    return api().put("/api/admin/exchange/connection", org.adminToken(), body.build().toString());
  }

  private JsonArray diagnose(TestOrgs.SignedInOrg org, JsonObjectBuilder body) {
    String request = body.build().toString();
    ApiClient.Reply reply = api().post("/api/admin/exchange/diagnose", org.adminToken(), request);
    assertEquals(200, reply.status(), reply.body());
    // The report as an admin sees it, kept in the test's output file for reading.
    System.out.println("diagnose " + request + " -> " + reply.body());
    return reply.json().getJsonArray("steps");
  }

  private static JsonObject step(JsonArray steps, String name) {
    return steps.stream()
        .map(JsonValue::asJsonObject)
        .filter(s -> s.getString("name").equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step " + name + " in " + steps));
  }

  private static List<String> names(JsonArray steps) {
    return steps.stream().map(s -> s.asJsonObject().getString("name")).toList();
  }

  private static String pem() {
    return TestCertificates.pem(Shared.TLS.certificate());
  }

  @Test
  void selfSignedServerIsRefusedUntilItsCaIsAddedThenTheReportIsAllGreen() {
    TestOrgs.SignedInOrg org = org(LOOPBACK_LISTED);
    ApiClient.Reply saved = putConnection(org, connection(PASSWORD, null));
    assertEquals(200, saved.status(), saved.body());
    assertTrue(saved.json().getBoolean("passwordSet"));
    assertFalse(saved.body().contains(PASSWORD), "the password never comes back");
    assertFalse(saved.json().containsKey("password"));
    assertEquals(ALICE, saved.json().getJsonArray("users").getString(0));

    int before = Shared.FAKE.ewsRequests.size();
    JsonArray refused = diagnose(org, Json.createObjectBuilder().add("impersonate", ALICE));
    assertEquals(List.of("allow-list", "dns", "tcp", "tls"), names(refused), refused.toString());
    JsonObject tls = step(refused, "tls");
    assertFalse(tls.getBoolean("ok"));
    assertTrue(tls.getString("detail").contains("unknown issuer"), tls.toString());
    assertTrue(tls.getString("fix").contains("caBundlePem"), tls.toString());
    assertEquals(before, Shared.FAKE.ewsRequests.size(), "no EWS request over an untrusted TLS");

    // The CA is added; the password is kept when it is not sent again.
    ApiClient.Reply withCa = putConnection(org, connection(null, pem()));
    assertEquals(200, withCa.status(), withCa.body());
    assertTrue(withCa.json().getBoolean("passwordSet"));
    assertTrue(withCa.json().getString("caBundlePem").startsWith("-----BEGIN CERTIFICATE-----"));

    JsonArray green = diagnose(org, Json.createObjectBuilder().add("impersonate", ALICE));
    assertEquals(
        List.of(
            "allow-list",
            "dns",
            "tcp",
            "tls",
            "ews",
            "impersonation",
            "server version",
            "throttling"),
        names(green),
        green.toString());
    for (JsonValue step : green) {
      assertTrue(step.asJsonObject().getBoolean("ok"), step.toString());
      assertTrue(step.asJsonObject().isNull("fix"), step.toString());
    }
    assertTrue(step(green, "tls").getString("detail").contains("CN=Fake Exchange"));
    assertTrue(step(green, "server version").getString("detail").contains("15.2.1544.4"));

    List<FakeExchange.Received> sent =
        Shared.FAKE.ewsRequests.subList(before, Shared.FAKE.ewsRequests.size());
    assertEquals(2, sent.size());
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (DOMAIN + "\\" + USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    FakeExchange.Received asAccount = sent.get(0);
    assertEquals(basic, asAccount.authorization());
    assertNull(asAccount.anchorMailbox());
    assertFalse(asAccount.body().contains("ExchangeImpersonation"), asAccount.body());
    assertTrue(asAccount.body().contains("GetFolder"), asAccount.body());
    assertTrue(asAccount.body().contains("Id=\"inbox\""), asAccount.body());
    FakeExchange.Received asAlice = sent.get(1);
    assertEquals(basic, asAlice.authorization());
    assertEquals(ALICE, asAlice.anchorMailbox());
    assertTrue(asAlice.body().contains("ExchangeImpersonation"), asAlice.body());
    assertTrue(asAlice.body().contains("PrimarySmtpAddress>" + ALICE + "<"), asAlice.body());
  }

  private static String identityToken(String amurl, SigningKey key) {
    return IdentityTokens.sign(
        IdentityTokens.claims("https://mailbridge.example/addin/taskpane.html", amurl, "u-1"), key);
  }

  @Test
  void anIdentityTokensMetadataIsCheckedThroughTheOrgsPolicyAndTrust() {
    TestOrgs.SignedInOrg org = org(LOOPBACK_LISTED);
    assertEquals(200, putConnection(org, connection(PASSWORD, pem())).status());
    int hits = Shared.FAKE.metadataHits.get();

    JsonArray good =
        diagnose(
            org,
            Json.createObjectBuilder()
                .add("identityToken", identityToken(Shared.FAKE.metadataUrl(), Shared.AUTH)));
    JsonObject metadata = step(good, "auth metadata");
    assertTrue(metadata.getBoolean("ok"), metadata.toString());
    assertTrue(metadata.getString("detail").contains("CN=Exchange Auth"), metadata.toString());
    assertTrue(step(good, "ews").getBoolean("ok"), good.toString());
    assertEquals(hits + 1, Shared.FAKE.metadataHits.get(), "fetched over the org's TLS trust");

    SigningKey stranger = TestCertificates.create("Someone Else", 1, 30);
    JsonObject foreign =
        step(
            diagnose(
                org,
                Json.createObjectBuilder()
                    .add("identityToken", identityToken(Shared.FAKE.metadataUrl(), stranger))),
            "auth metadata");
    assertFalse(foreign.getBoolean("ok"));
    assertTrue(foreign.getString("detail").contains("x5t"), foreign.toString());

    JsonObject ssrf =
        step(
            diagnose(
                org,
                Json.createObjectBuilder()
                    .add(
                        "identityToken",
                        identityToken(
                            "https://169.254.169.254/autodiscover/metadata/json/1", Shared.AUTH))),
            "auth metadata");
    assertFalse(ssrf.getBoolean("ok"));
    assertTrue(ssrf.getString("detail").contains("not on the allow-list"), ssrf.toString());
    assertTrue(ssrf.getString("fix").contains("allow-list"), ssrf.toString());

    JsonObject garbage =
        step(
            diagnose(org, Json.createObjectBuilder().add("identityToken", "not.a.token")),
            "auth metadata");
    assertFalse(garbage.getBoolean("ok"));
    assertEquals(hits + 2, Shared.FAKE.metadataHits.get());
  }

  @Test
  void impersonatingAUserTheAccountMayNotActForIsARedStepWithTheRoleToAssign() {
    TestOrgs.SignedInOrg org = org(LOOPBACK_LISTED);
    assertEquals(200, putConnection(org, connection(PASSWORD, pem())).status());
    JsonArray steps =
        diagnose(org, Json.createObjectBuilder().add("impersonate", "bob@contoso.example"));
    assertTrue(step(steps, "ews").getBoolean("ok"), steps.toString());
    JsonObject impersonation = step(steps, "impersonation");
    assertFalse(impersonation.getBoolean("ok"));
    assertTrue(impersonation.getString("detail").contains("ErrorImpersonateUserDenied"));
    assertTrue(impersonation.getString("fix").contains("ApplicationImpersonation"));
  }

  @Test
  void wrongPasswordIsARedEwsStepWithAFix() {
    TestOrgs.SignedInOrg org = org(LOOPBACK_LISTED);
    assertEquals(200, putConnection(org, connection("wrong password", pem())).status());
    JsonArray steps = diagnose(org, Json.createObjectBuilder());
    assertTrue(step(steps, "tls").getBoolean("ok"), steps.toString());
    JsonObject ews = step(steps, "ews");
    assertFalse(ews.getBoolean("ok"));
    assertTrue(ews.getString("detail").contains("HTTP 401"), ews.toString());
    assertTrue(ews.getString("fix").contains("password"), ews.toString());
    assertFalse(steps.toString().contains("wrong password"), "no secret in the report");
  }

  @Test
  void serverBusyIsReportedWithItsBackOff() {
    TestOrgs.SignedInOrg org = org(LOOPBACK_LISTED);
    assertEquals(200, putConnection(org, connection(PASSWORD, pem())).status());
    Shared.FAKE.answerNextWith(500, FakeExchange.fixture("serverbusy-fault.xml"));
    JsonArray steps = diagnose(org, Json.createObjectBuilder());
    assertFalse(step(steps, "ews").getBoolean("ok"), steps.toString());
    JsonObject throttling = step(steps, "throttling");
    assertFalse(throttling.getBoolean("ok"));
    assertTrue(throttling.getString("detail").contains("ErrorServerBusy"), throttling.toString());
    assertTrue(throttling.getString("detail").contains("50 ms"), throttling.toString());
    assertTrue(throttling.getString("fix").contains("throttling policy"), throttling.toString());
  }

  @Test
  void badSettingsAreRefusedNamingTheField() {
    TestOrgs.SignedInOrg org = org(LOOPBACK_LISTED);
    ApiClient.Reply notPem = putConnection(org, connection(PASSWORD, "not a certificate"));
    assertEquals(400, notPem.status(), notPem.body());
    assertTrue(notPem.json().getString("message").startsWith("caBundlePem:"), notPem.body());

    SigningKey expired = TestCertificates.create("Expired CA", 10, 1);
    ApiClient.Reply old =
        putConnection(org, connection(PASSWORD, TestCertificates.pem(expired.certificate())));
    assertEquals(400, old.status(), old.body());
    assertTrue(old.json().getString("message").contains("expired"), old.body());

    ApiClient.Reply notListed =
        putConnection(
            org,
            connection(PASSWORD, null)
                .add("ewsUrl", "https://exchange.elsewhere.example/EWS/Exchange.asmx"));
    assertEquals(400, notListed.status(), notListed.body());
    assertTrue(notListed.json().getString("message").startsWith("ewsUrl:"), notListed.body());

    ApiClient.Reply ntlm =
        putConnection(org, connection(PASSWORD, null).add("auth", "ntlm").add("domain", ""));
    assertEquals(400, ntlm.status(), ntlm.body());
    assertTrue(ntlm.json().getString("message").startsWith("domain:"), ntlm.body());

    ApiClient.Reply noPassword = putConnection(org, connection(null, null));
    assertEquals(400, noPassword.status(), noPassword.body());
    assertTrue(noPassword.json().getString("message").startsWith("password:"));

    ApiClient.Reply none = api().get("/api/admin/exchange/connection", org.adminToken());
    assertFalse(none.json().getBoolean("configured"), "nothing was stored: " + none.body());
  }

  @Test
  void anotherOrgSeesNothingAndRepsAreRefused() {
    TestOrgs.SignedInOrg owner = org(LOOPBACK_LISTED);
    assertEquals(200, putConnection(owner, connection(PASSWORD, pem())).status());
    TestOrgs.SignedInOrg other = testOrgs.signedIn("exchange-other", api());

    ApiClient.Reply seen = api().get("/api/admin/exchange/connection", other.adminToken());
    assertEquals(200, seen.status());
    assertFalse(seen.json().getBoolean("configured"), seen.body());
    assertFalse(seen.body().contains(USER), seen.body());

    int before = Shared.FAKE.ewsRequests.size() + Shared.FAKE.otherHits.get();
    JsonArray steps =
        diagnose(other, Json.createObjectBuilder().add("host", "127.0.0.1:" + Shared.FAKE.port()));
    assertEquals(List.of("allow-list"), names(steps), steps.toString());
    assertFalse(step(steps, "allow-list").getBoolean("ok"));
    assertEquals(before, Shared.FAKE.ewsRequests.size() + Shared.FAKE.otherHits.get());

    ApiClient.Reply rep = api().get("/api/admin/exchange/connection", owner.repToken());
    assertEquals(403, rep.status(), rep.body());
    ApiClient.Reply repDiagnose =
        api().post("/api/admin/exchange/diagnose", owner.repToken(), "{}");
    assertEquals(403, repDiagnose.status(), repDiagnose.body());
  }

  @Test
  void ssrfAttemptsAreRedStepsAndNothingIsFetched() {
    TestOrgs.SignedInOrg org = org(LOOPBACK_LISTED);
    int before = Shared.FAKE.ewsRequests.size() + Shared.FAKE.otherHits.get();
    for (String host : List.of("169.254.169.254", "localhost", "10.0.0.1:443", "[::1]")) {
      JsonArray steps = diagnose(org, Json.createObjectBuilder().add("host", host));
      JsonObject allowList = step(steps, "allow-list");
      assertFalse(allowList.getBoolean("ok"), host + ": " + steps);
      assertEquals(1, steps.size(), host + ": " + steps);
    }
    ApiClient.Reply injected =
        api()
            .post(
                "/api/admin/exchange/diagnose",
                org.adminToken(),
                "{\"host\":\"127.0.0.1/evil?x=1\"}");
    assertEquals(400, injected.status(), injected.body());

    // Listed without the private-address exception: loopback is refused at the address check.
    TestOrgs.SignedInOrg strict =
        org("[{\"host\":\"127.0.0.1\",\"plainHttp\":false,\"privateAddress\":false}]");
    JsonArray steps =
        diagnose(strict, Json.createObjectBuilder().add("host", "127.0.0.1:" + Shared.FAKE.port()));
    assertEquals(List.of("allow-list", "dns"), names(steps), steps.toString());
    JsonObject dns = step(steps, "dns");
    assertFalse(dns.getBoolean("ok"));
    assertTrue(dns.getString("detail").contains("loopback"), dns.toString());
    assertEquals(before, Shared.FAKE.ewsRequests.size() + Shared.FAKE.otherHits.get());
  }
}
