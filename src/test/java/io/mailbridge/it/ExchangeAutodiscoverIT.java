package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeAutodiscover;
import io.mailbridge.it.exchange.FakeAutodiscover.Ews;
import io.mailbridge.it.exchange.FakeAutodiscover.Http302;
import io.mailbridge.it.exchange.FakeAutodiscover.Missing;
import io.mailbridge.it.exchange.FakeAutodiscover.RedirectAddress;
import io.mailbridge.it.exchange.FakeAutodiscover.RedirectUrl;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.FakeNtlm;
import io.mailbridge.it.exchange.TestCertificates;
import io.mailbridge.it.exchange.TestCertificates.SigningKey;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The org's Exchange connection found by autodiscover (SOAP, POX fallback, redirects, a loop, a
 * redirect off the allow-list) and signed in by NTLMv2 or Basic, against fake Exchanges over HTTPS.
 * The test domains' first autodiscover candidate ({@code https://<domain>}) is mapped to the
 * autodiscover fake's port by {@code MAILBRIDGE_EWS_AUTODISCOVER_CANDIDATE_ORIGINS} (pom.xml).
 */
@ExtendWith(ArquillianExtension.class)
class ExchangeAutodiscoverIT {

  static final String USER = "svc-mailbridge";
  static final String DOMAIN = "CONTOSO";
  static final String PASSWORD = "right horse battery staple";
  static final String SVC = FakeAutodiscover.SOAP_PATH;
  static final String XML = FakeAutodiscover.POX_PATH;

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;

  /** The fakes of the class: autodiscover (Basic) on the reserved port, EWS with NTLM. */
  static final class Shared {
    static final SigningKey TLS = TestCertificates.createServer("Fake Exchange", "IP:127.0.0.1");
    static final FakeExchange AUTODISCOVER = startAutodiscover();
    static final FakeExchange NTLM_EXCHANGE = FakeExchange.startTls(TLS);
    static final FakeNtlm NTLM = NTLM_EXCHANGE.requireNtlm(DOMAIN, USER, PASSWORD);

    private static FakeExchange startAutodiscover() {
      FakeExchange fake =
          FakeExchange.startTls(TLS, Integer.parseInt(System.getenv("IT_AUTODISCOVER_PORT")));
      fake.requireBasic(DOMAIN + "\\" + USER, PASSWORD);
      return fake;
    }

    static String at(String path) {
      return AUTODISCOVER.base() + path;
    }
  }

  private static final String LOOPBACK_LISTED =
      "[{\"host\":\"127.0.0.1\",\"plainHttp\":false,\"privateAddress\":true}]";

  private ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + request.getLocalPort());
  }

  private TestOrgs.SignedInOrg org() {
    TestOrgs.SignedInOrg org = testOrgs.signedIn("exchange-autodiscover", api());
    ApiClient.Reply put = api().put("/api/admin/exchange/hosts", org.adminToken(), LOOPBACK_LISTED);
    assertEquals(200, put.status(), put.body());
    return org;
  }

  private static JsonObjectBuilder byAutodiscover(String email) {
    return Json.createObjectBuilder()
        .add("autodiscoverEmail", email)
        .add("auth", "basic")
        .add("username", USER)
        .add("domain", DOMAIN)
        .add("password", PASSWORD)
        .add("caBundlePem", TestCertificates.pem(Shared.TLS.certificate()))
        .add("users", "linked");
  }

  private static JsonObjectBuilder ntlm(String password) {
    return Json.createObjectBuilder()
        .add("ewsUrl", Shared.NTLM_EXCHANGE.ewsUrl())
        .add("auth", "ntlm")
        .add("username", USER)
        .add("domain", DOMAIN)
        .add("password", password)
        .add("caBundlePem", TestCertificates.pem(Shared.TLS.certificate()))
        .add("users", "linked");
  }

  private ApiClient.Reply put(TestOrgs.SignedInOrg org, JsonObjectBuilder body) {
    return api().put("/api/admin/exchange/connection", org.adminToken(), body.build().toString());
  }

  private JsonArray diagnose(TestOrgs.SignedInOrg org, JsonObjectBuilder body) {
    ApiClient.Reply reply =
        api().post("/api/admin/exchange/diagnose", org.adminToken(), body.build().toString());
    assertEquals(200, reply.status(), reply.body());
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

  @Test
  void soapAutodiscoverFindsTheEwsUrlWhichIsSavedAndDiagnosed() {
    Shared.AUTODISCOVER.autodiscover.answer(
        SVC, "alice@soap.it.example", new Ews(Shared.AUTODISCOVER.ewsUrl()));
    TestOrgs.SignedInOrg org = org();
    ApiClient.Reply saved = put(org, byAutodiscover("alice@soap.it.example"));
    assertEquals(200, saved.status(), saved.body());
    assertEquals(Shared.AUTODISCOVER.ewsUrl(), saved.json().getString("ewsUrl"));
    assertEquals("alice@soap.it.example", saved.json().getString("autodiscoverEmail"));
    assertFalse(saved.body().contains(PASSWORD));

    JsonArray steps =
        diagnose(org, Json.createObjectBuilder().add("email", "alice@soap.it.example"));
    assertEquals(
        List.of(
            "autodiscover",
            "allow-list",
            "dns",
            "tcp",
            "tls",
            "ews",
            "server version",
            "throttling"),
        names(steps),
        steps.toString());
    JsonObject autodiscover = step(steps, "autodiscover");
    assertTrue(autodiscover.getBoolean("ok"), autodiscover.toString());
    assertTrue(
        autodiscover.getString("detail").startsWith(Shared.at(SVC) + " answered with the EWS URL "),
        autodiscover.toString());
    assertTrue(
        autodiscover.getString("detail").contains("ExternalEwsUrl"), autodiscover.toString());
    assertTrue(step(steps, "ews").getBoolean("ok"), steps.toString());
  }

  @Test
  void poxAnswersWhenSoapAutodiscoverIsMissing() {
    Shared.AUTODISCOVER.autodiscover.answer(SVC, "bob@pox.it.example", new Missing());
    Shared.AUTODISCOVER.autodiscover.answer(
        XML, "bob@pox.it.example", new Ews(Shared.AUTODISCOVER.ewsUrl()));
    long soapBefore = Shared.AUTODISCOVER.autodiscover.count(SVC);
    ApiClient.Reply saved = put(org(), byAutodiscover("bob@pox.it.example"));
    assertEquals(200, saved.status(), saved.body());
    assertEquals(Shared.AUTODISCOVER.ewsUrl(), saved.json().getString("ewsUrl"));
    assertEquals(
        soapBefore + 1, Shared.AUTODISCOVER.autodiscover.count(SVC), "SOAP was asked first");
  }

  @Test
  void aChainOfRedirectsIsFollowed() {
    FakeAutodiscover fake = Shared.AUTODISCOVER.autodiscover;
    fake.answer(SVC, "carol@chain.it.example", new Http302(Shared.at("/hop1" + SVC)));
    fake.answer("/hop1" + SVC, "carol@chain.it.example", new RedirectUrl(Shared.at("/hop2" + SVC)));
    fake.answer(
        "/hop2" + SVC, "carol@chain.it.example", new RedirectAddress("carol@moved.it.example"));
    fake.answer(SVC, "carol@moved.it.example", new Ews(Shared.AUTODISCOVER.ewsUrl()));
    ApiClient.Reply saved = put(org(), byAutodiscover("carol@chain.it.example"));
    assertEquals(200, saved.status(), saved.body());
    assertEquals(Shared.AUTODISCOVER.ewsUrl(), saved.json().getString("ewsUrl"));
  }

  @Test
  void aRedirectLoopIsRefusedAndNothingIsSaved() {
    FakeAutodiscover fake = Shared.AUTODISCOVER.autodiscover;
    fake.answer(SVC, "dave@loop.it.example", new Http302(Shared.at("/a" + SVC)));
    fake.answer("/a" + SVC, "dave@loop.it.example", new RedirectUrl(Shared.at(SVC)));
    TestOrgs.SignedInOrg org = org();
    ApiClient.Reply refused = put(org, byAutodiscover("dave@loop.it.example"));
    assertEquals(400, refused.status(), refused.body());
    String message = refused.json().getString("message");
    assertTrue(message.startsWith("autodiscoverEmail:"), message);
    assertTrue(message.contains("loop"), message);
    assertFalse(message.contains(PASSWORD), message);
    ApiClient.Reply none = api().get("/api/admin/exchange/connection", org.adminToken());
    assertFalse(none.json().getBoolean("configured"), none.body());
  }

  @Test
  void aRedirectToAHostOffTheAllowListIsRefusedInWords() {
    // localhost reaches the same fake, but it is not on the org's allow-list.
    String offList = "https://localhost:" + Shared.AUTODISCOVER.port() + "/ssrf" + SVC;
    FakeAutodiscover fake = Shared.AUTODISCOVER.autodiscover;
    fake.answer(SVC, "hank@ssrf.it.example", new RedirectUrl(offList));
    fake.answer(XML, "hank@ssrf.it.example", new Http302(offList));
    fake.answer("/ssrf" + SVC, "hank@ssrf.it.example", new Ews(Shared.AUTODISCOVER.ewsUrl()));
    TestOrgs.SignedInOrg org = org();

    ApiClient.Reply refused = put(org, byAutodiscover("hank@ssrf.it.example"));
    assertEquals(400, refused.status(), refused.body());
    String message = refused.json().getString("message");
    assertTrue(message.contains("localhost is not on the allow-list"), message);
    assertEquals(0, fake.count("/ssrf" + SVC), "nothing reached the host off the list");

    // A working connection first (its own answer: test methods run in no fixed order).
    fake.answer(SVC, "alice@soap.it.example", new Ews(Shared.AUTODISCOVER.ewsUrl()));
    assertEquals(200, put(org, byAutodiscover("alice@soap.it.example")).status());
    JsonArray steps =
        diagnose(org, Json.createObjectBuilder().add("email", "hank@ssrf.it.example"));
    assertEquals(List.of("autodiscover"), names(steps), steps.toString());
    JsonObject autodiscover = step(steps, "autodiscover");
    assertFalse(autodiscover.getBoolean("ok"));
    assertTrue(
        autodiscover.getString("detail").contains("not on the allow-list"), steps.toString());
    assertTrue(autodiscover.getString("fix").contains("allow-list"), steps.toString());
    assertEquals(0, fake.count("/ssrf" + SVC));
  }

  @Test
  void ntlmHandshakeSignsInAndAWrongPasswordIsRefusedInWords() {
    TestOrgs.SignedInOrg org = org();
    // Another test sends Basic to this server on purpose; only this test's requests count here.
    int before = Shared.NTLM_EXCHANGE.ewsRequests.size();
    ApiClient.Reply saved = put(org, ntlm(PASSWORD));
    assertEquals(200, saved.status(), saved.body());
    assertEquals("ntlm", saved.json().getString("auth"));
    int accepted = Shared.NTLM.accepted.get();

    JsonArray steps =
        diagnose(org, Json.createObjectBuilder().add("impersonate", "alice@contoso.example"));
    assertTrue(step(steps, "ews").getBoolean("ok"), steps.toString());
    assertTrue(step(steps, "server version").getBoolean("ok"), steps.toString());
    assertTrue(Shared.NTLM.accepted.get() >= accepted + 1, "a full NTLMv2 handshake");
    // No request got through on credentials other than a verified AUTHENTICATE.
    List<FakeExchange.Received> all = List.copyOf(Shared.NTLM_EXCHANGE.ewsRequests);
    List<FakeExchange.Received> received = all.subList(before, all.size());
    assertFalse(received.isEmpty());
    for (FakeExchange.Received request : received) {
      assertTrue(
          request.authorization().startsWith("NTLM "),
          request.soapAction()
              + " for "
              + request.anchorMailbox()
              + ": "
              + request.authorization());
    }

    assertEquals(200, put(org, ntlm("wrong password")).status());
    int refused = Shared.NTLM.refused.get();
    JsonArray wrong = diagnose(org, Json.createObjectBuilder());
    JsonObject ews = step(wrong, "ews");
    assertFalse(ews.getBoolean("ok"), wrong.toString());
    assertTrue(ews.getString("detail").contains("refused the service account's credentials"));
    assertTrue(ews.getString("fix").contains("WindowsAuthentication"), ews.toString());
    assertTrue(Shared.NTLM.refused.get() > refused, "the AUTHENTICATE was checked and refused");
    assertFalse(wrong.toString().contains("wrong password"), "no secret in the report");
  }

  @Test
  void ntlmNeedsTheDomainAndBasicIsRefusedByAnNtlmServer() {
    TestOrgs.SignedInOrg org = org();
    ApiClient.Reply noDomain = put(org, ntlm(PASSWORD).add("domain", ""));
    assertEquals(400, noDomain.status(), noDomain.body());
    assertTrue(noDomain.json().getString("message").startsWith("domain:"), noDomain.body());

    ApiClient.Reply unknown = put(org, ntlm(PASSWORD).add("auth", "kerberos"));
    assertEquals(400, unknown.status(), unknown.body());
    assertTrue(unknown.json().getString("message").startsWith("auth:"), unknown.body());

    // Basic still signs in where Basic is on (the autodiscover fake's EWS) ...
    assertEquals(200, put(org, byAutodiscover("alice@soap.it.example")).status());
    assertTrue(step(diagnose(org, Json.createObjectBuilder()), "ews").getBoolean("ok"));
    // ... and a server with Windows authentication only refuses it.
    assertEquals(200, put(org, ntlm(PASSWORD).add("auth", "basic")).status());
    JsonObject ews = step(diagnose(org, Json.createObjectBuilder()), "ews");
    assertFalse(ews.getBoolean("ok"), ews.toString());
    assertTrue(ews.getString("detail").contains("HTTP 401"), ews.toString());
  }
}
