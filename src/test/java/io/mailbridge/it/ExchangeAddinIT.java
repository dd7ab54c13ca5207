package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.FakeExchange.FakeAttachment;
import io.mailbridge.it.exchange.FakeExchange.FakeItem;
import io.mailbridge.it.exchange.IdentityTokens;
import io.mailbridge.it.exchange.TestCertificates;
import io.mailbridge.it.exchange.TestCertificates.SigningKey;
import io.mailbridge.it.exchange.TestMime;
import io.mailbridge.it.support.SignupPageClient;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Document;

/**
 * The Outlook add-in for Exchange on-premises: identity-token sign-in and sign-up, the cookie
 * session, logging over EWS against the fake Exchange, and the manifest.
 */
@ExtendWith(ArquillianExtension.class)
class ExchangeAddinIT {

  /** MAILBRIDGE_PUBLIC_URL of the suite (failsafe's environment). */
  static final String AUDIENCE = "http://mailbridge.it.example/addin/taskpane.html";

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Keys and the fake Exchange live for the whole class (keytool takes a second per key). */
  static final class Shared {
    static final SigningKey EXCHANGE = TestCertificates.create("Exchange Test Auth", 1, 30);
    static final SigningKey OTHER = TestCertificates.create("Someone Else", 1, 30);
    static final SigningKey EXPIRED = TestCertificates.create("Exchange Expired", 10, 1);
    static final FakeExchange FAKE =
        FakeExchange.start(EXCHANGE.certificate(), EXPIRED.certificate());
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  /** An org whose allow-list has the fake Exchange (plain HTTP, loopback), with one rep. */
  private record Setup(AppUser admin, AppUser rep, String adminToken) {}

  private Setup orgListingFakeExchange() {
    return orgListing("[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]");
  }

  private Setup orgListing(String hosts) {
    TestOrgs.SignedInOrg org = testOrgs.signedIn("exchange", api());
    ApiClient.Reply put = api().put("/api/admin/exchange/hosts", org.adminToken(), hosts);
    assertEquals(200, put.status(), put.body());
    return new Setup(org.admin(), org.rep(), org.adminToken());
  }

  /** What a sign-in answers for every way the metadata document cannot be fetched or read. */
  static final String UNUSABLE_METADATA =
      "{\"error\":\"invalid_identity_token\",\"message\":\"The Exchange authentication metadata"
          + " named in the identity token could not be used\"}";

  private HttpResponse<String> signInWithAmurl(String amurl) throws Exception {
    return openSession(
        IdentityTokens.sign(
            IdentityTokens.claims(AUDIENCE, amurl, UUID.randomUUID().toString()), Shared.EXCHANGE));
  }

  private int fakeExchangeHits() {
    return Shared.FAKE.metadataHits.get() + Shared.FAKE.otherHits.get();
  }

  /**
   * Sets the operator's switch for private addresses in this server (a system property outranks the
   * suite's environment), or gives the environment back with null.
   */
  private static void operatorAllowsPrivateAddresses(String value) throws Exception {
    String name = "mailbridge.outbound.allow-private-addresses";
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
    // Payara keeps config values for a minute: drop them so the change applies at once.
    Config config = ConfigProvider.getConfig();
    config.getClass().getMethod("clearCache").invoke(config);
  }

  private static String token(String exchangeUserId) {
    return IdentityTokens.sign(
        IdentityTokens.claims(AUDIENCE, Shared.FAKE.metadataUrl(), exchangeUserId),
        Shared.EXCHANGE);
  }

  private HttpResponse<String> openSession(String identityToken) throws Exception {
    String body =
        Json.createObjectBuilder()
            .add("identityToken", identityToken)
            .add("mailbox", "rep@contoso.example")
            .build()
            .toString();
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + "/api/addin/exchange/session"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(String body) {
    return Json.createReader(new java.io.StringReader(body)).readObject();
  }

  /** Signs up through the real page and returns the add-in session cookie value. */
  private String signUpAndSignIn(AppUser rep, String exchangeUserId) throws Exception {
    HttpResponse<String> first = openSession(token(exchangeUserId));
    assertEquals(401, first.statusCode(), first.body());
    String signup = json(first.body()).getString("signup");
    HttpResponse<String> page = getPage(signup);
    HttpResponse<String> linked = submit(page, rep.email(), TestOrgs.PASSWORD);
    assertEquals(200, linked.statusCode(), linked.body());
    assertTrue(linked.body().contains("Mailbox linked"), linked.body());
    HttpResponse<String> second = openSession(token(exchangeUserId));
    assertEquals(200, second.statusCode(), second.body());
    return cookie(second, "mailbridge_addin");
  }

  private HttpResponse<String> getPage(String path) throws Exception {
    return new SignupPageClient(base()).open(path);
  }

  private HttpResponse<String> submit(HttpResponse<String> page, String email, String password)
      throws Exception {
    return new SignupPageClient(base()).submit(page, email, password);
  }

  private HttpResponse<String> submit(
      HttpResponse<String> page, String email, String password, String csrfCookie)
      throws Exception {
    return new SignupPageClient(base()).submit(page, email, password, csrfCookie);
  }

  private static String cookie(HttpResponse<?> response, String name) {
    return SignupPageClient.cookie(response, name);
  }

  private HttpResponse<String> withCookie(
      String method, String path, String cookie, boolean csrfHeader, String json) throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Cookie", "mailbridge_addin=" + cookie)
            .timeout(Duration.ofSeconds(60));
    if (csrfHeader) {
      builder.header("X-Mailbridge-Addin", "1");
    }
    if (json != null) {
      builder.header("Content-Type", "application/json");
    }
    builder.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void unknownIdentitySignsUpOnThePageThenGetsACookieSession() throws Exception {
    Setup org = orgListingFakeExchange();
    String exchangeUser = UUID.randomUUID().toString();

    HttpResponse<String> first = openSession(token(exchangeUser));
    assertEquals(401, first.statusCode());
    JsonObject signupRequired = json(first.body());
    assertEquals("signup_required", signupRequired.getString("error"));
    String signup = signupRequired.getString("signup");
    assertTrue(signup.startsWith("/addin/signup?ticket="), signup);

    HttpResponse<String> page = getPage(signup);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("rep@contoso.example"), "the page shows the mailbox");
    assertTrue(page.body().contains(exchangeUser), "the page shows the Exchange user");
    assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null));
    assertTrue(
        page.headers()
            .firstValue("Content-Security-Policy")
            .orElse("")
            .contains("frame-ancestors 'none'"));
    assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(null));

    HttpResponse<String> wrongPassword = submit(page, org.rep().email(), "not the password");
    assertEquals(401, wrongPassword.statusCode());
    assertTrue(wrongPassword.body().contains("Email or password is wrong"), wrongPassword.body());

    HttpResponse<String> forged = submit(page, org.rep().email(), TestOrgs.PASSWORD, "forged-csrf");
    assertEquals(403, forged.statusCode());

    HttpResponse<String> linked = submit(page, org.rep().email(), TestOrgs.PASSWORD);
    assertEquals(200, linked.statusCode(), linked.body());
    assertTrue(linked.body().contains("/addin/signup-done.js"));
    HttpResponse<String> reused = submit(page, org.rep().email(), TestOrgs.PASSWORD);
    assertEquals(410, reused.statusCode(), "a ticket works once");

    HttpResponse<String> signedIn = openSession(token(exchangeUser));
    assertEquals(200, signedIn.statusCode(), signedIn.body());
    assertEquals(org.rep().email(), json(signedIn.body()).getJsonObject("user").getString("email"));
    String setCookie =
        signedIn.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("mailbridge_addin="))
            .findFirst()
            .orElseThrow();
    assertTrue(setCookie.contains("HttpOnly"), setCookie);
    assertTrue(setCookie.contains("Path=/api"), setCookie);
    assertTrue(
        setCookie.contains("SameSite=Lax"), "plain-HTTP public URL: Lax, not None: " + setCookie);
    String cookie = cookie(signedIn, "mailbridge_addin");

    HttpResponse<String> context =
        withCookie("GET", "/api/addin/context?emails=someone@fabrikam.example", cookie, true, null);
    assertEquals(200, context.statusCode(), context.body());
    HttpResponse<String> noHeader =
        withCookie(
            "GET", "/api/addin/context?emails=someone@fabrikam.example", cookie, false, null);
    assertEquals(403, noHeader.statusCode(), "a cookie alone is not enough (CSRF)");
    HttpResponse<String> admin =
        withCookie("GET", "/api/admin/exchange/identities", cookie, true, null);
    assertTrue(
        admin.statusCode() == 401 || admin.statusCode() == 403,
        "no administration through the add-in cookie: " + admin.statusCode());

    ApiClient.Reply identities = api().get("/api/admin/exchange/identities", org.adminToken());
    assertEquals(200, identities.status(), identities.body());
    JsonObject link = identities.json().getJsonArray("items").getJsonObject(0);
    assertEquals(org.rep().id(), link.getString("userId"));
    assertEquals(exchangeUser, link.getString("exchangeUserId"));
    assertEquals("127.0.0.1", link.getString("exchangeServer"));

    assertEquals(
        204,
        api()
            .delete("/api/admin/exchange/identities/" + link.getString("id"), org.adminToken())
            .status());
    HttpResponse<String> afterRemoval =
        withCookie("GET", "/api/addin/context?emails=someone@fabrikam.example", cookie, true, null);
    assertEquals(401, afterRemoval.statusCode(), "removing the link ends its sessions");
    assertEquals(401, openSession(token(exchangeUser)).statusCode());
    assertEquals(
        "signup_required", json(openSession(token(exchangeUser)).body()).getString("error"));
  }

  @Test
  void aCsrfCookieAndFieldTheAttackerChoseDoNotLinkTheMailbox() throws Exception {
    Setup org = orgListingFakeExchange();
    String exchangeUser = UUID.randomUUID().toString();
    HttpResponse<String> page =
        getPage(json(openSession(token(exchangeUser)).body()).getString("signup"));
    String setCookie =
        page.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith(SignupPageClient.CSRF_COOKIE + "="))
            .findFirst()
            .orElseThrow();
    assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
    assertFalse(
        setCookie.contains("Secure"),
        "plain-HTTP public URL: no Secure, so no __Host- name either: " + setCookie);
    SignupPageClient pages = new SignupPageClient(base());

    HttpResponse<String> chosenPair =
        pages.submit(page, org.rep().email(), TestOrgs.PASSWORD, "attacker", "attacker");
    assertEquals(403, chosenPair.statusCode(), chosenPair.body());
    // A genuine pair, but issued for another ticket (the attacker's own).
    HttpResponse<String> otherTicket =
        getPage(json(openSession(token(UUID.randomUUID().toString())).body()).getString("signup"));
    String otherToken = cookie(otherTicket, SignupPageClient.CSRF_COOKIE);
    HttpResponse<String> swapped =
        pages.submit(page, org.rep().email(), TestOrgs.PASSWORD, otherToken, otherToken);
    assertEquals(403, swapped.statusCode(), swapped.body());
    assertEquals(
        "signup_required",
        json(openSession(token(exchangeUser)).body()).getString("error"),
        "nothing was linked");
    assertEquals(
        0,
        api()
            .get("/api/admin/exchange/identities", org.adminToken())
            .json()
            .getJsonArray("items")
            .size());

    HttpResponse<String> genuine = submit(page, org.rep().email(), TestOrgs.PASSWORD);
    assertEquals(200, genuine.statusCode(), "the ticket is still usable: " + genuine.body());
    assertEquals(200, openSession(token(exchangeUser)).statusCode());
  }

  @Test
  void aUserOfAnOrgThatDoesNotListTheServerCannotClaimTheIdentity() throws Exception {
    orgListingFakeExchange();
    AppUser outsider = testOrgs.orgWithAdmin("outsider");
    HttpResponse<String> first = openSession(token(UUID.randomUUID().toString()));
    HttpResponse<String> page = getPage(json(first.body()).getString("signup"));
    HttpResponse<String> refused = submit(page, outsider.email(), TestOrgs.PASSWORD);
    assertEquals(403, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("does not list the Exchange server"));
  }

  @Test
  void badIdentityTokensAreRefusedWith401() throws Exception {
    orgListingFakeExchange();
    String user = UUID.randomUUID().toString();
    String amurl = Shared.FAKE.metadataUrl();
    long now = Instant.now().getEpochSecond();

    Map<String, Object> expired = IdentityTokens.claims(AUDIENCE, amurl, user);
    expired.put("nbf", now - 9 * 3600);
    expired.put("exp", now - 600);
    Map<String, Object> notYet = IdentityTokens.claims(AUDIENCE, amurl, user);
    notYet.put("nbf", now + 600);
    Map<String, Object> otherVersion = IdentityTokens.claims(AUDIENCE, amurl, user);
    otherVersion.put(
        "appctx",
        "{\"msexchuid\":\"" + user + "\",\"version\":\"ExIdTok.V2\",\"amurl\":\"" + amurl + "\"}");
    Map<String, Object> badAppctx = IdentityTokens.claims(AUDIENCE, amurl, user);
    badAppctx.put("appctx", "{not json");
    Map<String, Object> valid = IdentityTokens.claims(AUDIENCE, amurl, user);

    Map<String, String> cases =
        Map.ofEntries(
            Map.entry("expired", IdentityTokens.sign(expired, Shared.EXCHANGE)),
            Map.entry("not yet valid", IdentityTokens.sign(notYet, Shared.EXCHANGE)),
            Map.entry(
                "wrong audience",
                IdentityTokens.sign(
                    IdentityTokens.claims("https://evil.example/addin/taskpane.html", amurl, user),
                    Shared.EXCHANGE)),
            Map.entry(
                "wrong x5t",
                IdentityTokens.sign(
                    valid,
                    Shared.EXCHANGE,
                    TestCertificates.thumbprint(Shared.OTHER.certificate()))),
            Map.entry(
                "signed by another key",
                IdentityTokens.sign(
                    valid,
                    Shared.OTHER,
                    TestCertificates.thumbprint(Shared.EXCHANGE.certificate()))),
            Map.entry("expired certificate", IdentityTokens.sign(valid, Shared.EXPIRED)),
            Map.entry("alg none", IdentityTokens.unsigned(valid)),
            Map.entry("HS256", hs256(valid)),
            Map.entry("other version", IdentityTokens.sign(otherVersion, Shared.EXCHANGE)),
            Map.entry("appctx not JSON", IdentityTokens.sign(badAppctx, Shared.EXCHANGE)),
            Map.entry("not a JWT", "this.is-not.a-token"),
            Map.entry("garbage", "%%%"));
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> response = openSession(c.getValue());
      assertEquals(401, response.statusCode(), c.getKey() + ": " + response.body());
      assertEquals("invalid_identity_token", json(response.body()).getString("error"), c.getKey());
      assertFalse(response.body().contains("Exception"), c.getKey());
    }
    HttpResponse<String> missing =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/addin/exchange/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, missing.statusCode());
  }

  private static String hs256(Map<String, Object> claims) throws Exception {
    com.nimbusds.jose.JWSObject jws =
        new com.nimbusds.jose.JWSObject(
            new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.HS256)
                .x509CertThumbprint(
                    new com.nimbusds.jose.util.Base64URL(
                        TestCertificates.thumbprint(Shared.EXCHANGE.certificate())))
                .build(),
            new com.nimbusds.jose.Payload(claims));
    jws.sign(new com.nimbusds.jose.crypto.MACSigner(new byte[32]));
    return jws.serialize();
  }

  @Test
  void metadataIsNeverFetchedFromAHostNoOrgLists() throws Exception {
    orgListingFakeExchange();
    AtomicInteger hits = new AtomicInteger();
    HttpServer unlisted = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    unlisted.createContext(
        "/",
        exchange -> {
          hits.incrementAndGet();
          exchange.sendResponseHeaders(500, -1);
          exchange.close();
        });
    unlisted.start();
    try {
      String amurl =
          "http://127.0.0.2:" + unlisted.getAddress().getPort() + FakeExchange.METADATA_PATH;
      HttpResponse<String> response =
          openSession(
              IdentityTokens.sign(IdentityTokens.claims(AUDIENCE, amurl, "u1"), Shared.EXCHANGE));
      assertEquals(401, response.statusCode(), response.body());
      assertTrue(json(response.body()).getString("message").contains("not on any allow-list"));
      assertEquals(0, hits.get(), "no request may reach a host that is not allowed");
    } finally {
      unlisted.stop(0);
    }
  }

  @Test
  void aRedirectToAPrivateAddressIsNotFollowed() throws Exception {
    Setup org = orgListingFakeExchange();
    // localhost is listed too, but without permission for private addresses.
    api()
        .put(
            "/api/admin/exchange/hosts",
            org.adminToken(),
            "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true},"
                + "{\"host\":\"localhost\",\"plainHttp\":true,\"privateAddress\":false}]");
    String target =
        Shared.FAKE.metadataUrl().replace("127.0.0.1", "localhost")
            + "?target-"
            + UUID.randomUUID();
    String amurl = Shared.FAKE.metadataRedirectVariant("redirect-" + UUID.randomUUID(), target);
    int before = Shared.FAKE.metadataHits.get();
    HttpResponse<String> response =
        openSession(
            IdentityTokens.sign(IdentityTokens.claims(AUDIENCE, amurl, "u2"), Shared.EXCHANGE));
    assertEquals(401, response.statusCode(), response.body());
    assertEquals(UNUSABLE_METADATA, response.body());
    assertEquals(
        before + 1, Shared.FAKE.metadataHits.get(), "only the redirecting request was made");
  }

  @Test
  void metadataLargerThan64KbIsRefused() throws Exception {
    orgListingFakeExchange();
    // The fake's own document with the signing key, padded: only its size can make it fail.
    String document =
        http.send(
                HttpRequest.newBuilder(URI.create(Shared.FAKE.metadataUrl())).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    byte[] huge =
        document
            .replaceFirst("\\{", "{\"padding\":\"" + "x".repeat(70_000) + "\",")
            .getBytes(StandardCharsets.UTF_8);
    String amurl = Shared.FAKE.metadataVariant("huge-" + UUID.randomUUID(), huge);
    HttpResponse<String> response = signInWithAmurl(amurl);
    assertEquals(401, response.statusCode(), response.body());
    assertEquals(UNUSABLE_METADATA, response.body());

    byte[] padded =
        document
            .replaceFirst("\\{", "{\"padding\":\"" + "x".repeat(60_000) + "\",")
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> underTheCap =
        signInWithAmurl(Shared.FAKE.metadataVariant("padded-" + UUID.randomUUID(), padded));
    assertEquals(
        "signup_required",
        json(underTheCap.body()).getString("error"),
        "the same document under the cap is used: " + underTheCap.body());
  }

  @Test
  void everyWayTheMetadataCannotBeReadAnswersAlike() throws Exception {
    orgListingFakeExchange();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> amurls = new java.util.LinkedHashMap<>();
    amurls.put("closed port", "http://127.0.0.1:" + closedPort + FakeExchange.METADATA_PATH);
    amurls.put("HTTP 404", Shared.FAKE.base() + "/nothing-" + UUID.randomUUID());
    amurls.put(
        "not JSON",
        Shared.FAKE.metadataVariant(
            "html-" + UUID.randomUUID(), "<html>hello</html>".getBytes(StandardCharsets.UTF_8)));
    amurls.put(
        "JSON without keys (this server's own health check)",
        base() + "/health/ready?" + UUID.randomUUID());
    amurls.put(
        "keys but no signing certificate",
        Shared.FAKE.metadataVariant(
            "jwks-" + UUID.randomUUID(),
            "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}"
                .getBytes(StandardCharsets.UTF_8)));
    // Accepts connections (the backlog does) but never answers.
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      amurls.put(
          "no answer in time",
          "http://127.0.0.1:" + silent.getLocalPort() + FakeExchange.METADATA_PATH);
      for (Map.Entry<String, String> amurl : amurls.entrySet()) {
        HttpResponse<String> response = signInWithAmurl(amurl.getValue());
        assertEquals(401, response.statusCode(), amurl.getKey() + ": " + response.body());
        assertEquals(UNUSABLE_METADATA, response.body(), amurl.getKey());
      }
    }
  }

  @Test
  void anAmurlAtTheServerItselfIsRefusedWithoutARequest() throws Exception {
    // localhost is listed, but without permission for private addresses: it resolves to loopback.
    orgListing("[{\"host\":\"localhost\",\"plainHttp\":true,\"privateAddress\":false}]");
    int hits = fakeExchangeHits();

    HttpResponse<String> self =
        signInWithAmurl("http://localhost:" + request.getLocalPort() + "/health/ready");
    assertEquals(401, self.statusCode(), self.body());
    assertEquals(UNUSABLE_METADATA, self.body());

    // The same refusal for a server that counts its requests: none reached it.
    HttpResponse<String> fake =
        signInWithAmurl(
            Shared.FAKE.metadataUrl().replace("127.0.0.1", "localhost")
                + "?loopback-"
                + UUID.randomUUID());
    assertEquals(401, fake.statusCode(), fake.body());
    assertEquals(UNUSABLE_METADATA, fake.body());
    assertEquals(hits, fakeExchangeHits(), "no request may reach a loopback address");
  }

  @Test
  void privateAddressesNeedTheOperatorsSetting() throws Exception {
    Setup org = orgListingFakeExchange();
    String amurl = Shared.FAKE.metadataUrl() + "?operator-" + UUID.randomUUID();
    String token =
        IdentityTokens.sign(
            IdentityTokens.claims(AUDIENCE, amurl, "u-op-" + UUID.randomUUID()), Shared.EXCHANGE);
    operatorAllowsPrivateAddresses("false");
    try {
      ApiClient.Reply put =
          api()
              .put(
                  "/api/admin/exchange/hosts",
                  org.adminToken(),
                  "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]");
      assertEquals(400, put.status(), put.body());
      assertEquals("invalid_field", put.json().getString("error"));
      assertTrue(
          put.json().getString("message").contains("mailbridge.outbound.allow-private-addresses"),
          put.body());

      // The entry stored while the operator allowed it counts no more: nothing is fetched.
      int hits = fakeExchangeHits();
      HttpResponse<String> refused = openSession(token);
      assertEquals(401, refused.statusCode(), refused.body());
      assertEquals(UNUSABLE_METADATA, refused.body());
      assertEquals(hits, fakeExchangeHits(), "no request may reach a private address");
    } finally {
      operatorAllowsPrivateAddresses(null);
    }
    HttpResponse<String> allowed = openSession(token);
    assertEquals(
        "signup_required",
        json(allowed.body()).getString("error"),
        "with the operator's setting the same token gets through: " + allowed.body());
  }

  @Test
  void logsAnEmailWithOneOfTwoAttachmentsAndLogsItAgainIdempotently() throws Exception {
    Setup org = orgListingFakeExchange();
    String cookie = signUpAndSignIn(org.rep(), UUID.randomUUID().toString());
    String contactA = contact(org.admin().orgId(), "nora.field@fabrikam.example");
    String contactB = contact(org.admin().orgId(), "olga.berg@fabrikam.example");
    byte[] chosen = new byte[300_000];
    new java.util.Random(7).nextBytes(chosen);
    String itemId = "item-" + UUID.randomUUID();
    Shared.FAKE.items.put(
        itemId,
        new FakeItem(
            itemId,
            "Quote",
            TestMime.message(
                itemId + "@fabrikam.example",
                "Quote for renewal",
                "Nora Field <nora.field@fabrikam.example>",
                "rep@contoso.example",
                "Here is the quote",
                0),
            List.of(
                FakeAttachment.file(itemId + "-a1", "quote.pdf", "application/pdf", chosen),
                FakeAttachment.file(
                    itemId + "-a2", "terms.pdf", "application/pdf", new byte[] {1, 2, 3})),
            Map.of()));
    int requestsBefore = Shared.FAKE.ewsRequests.size();

    HttpResponse<String> logged =
        withCookie(
            "POST",
            "/api/addin/log",
            cookie,
            true,
            logBody(itemId, "cb-token-1", List.of(contactA), List.of(itemId + "-a1")));
    assertEquals(200, logged.statusCode(), logged.body());
    JsonObject result = json(logged.body());
    String activityId = result.getString("activityId");
    assertFalse(result.getBoolean("alreadyLogged"));
    JsonObject property = result.getJsonObject("extendedProperty");
    assertEquals(FakeExchange.LOGGED_PROPERTY_SET, property.getString("propertySetId"));
    assertEquals("MailbridgeActivityId", property.getString("name"));
    assertEquals(activityId, property.getString("value"));
    List<FakeExchange.Received> sent =
        Shared.FAKE.ewsRequests.subList(requestsBefore, Shared.FAKE.ewsRequests.size());
    assertEquals(2, sent.size(), "GetItem and one GetAttachment");
    assertTrue(sent.stream().allMatch(r -> "Bearer cb-token-1".equals(r.authorization())));
    assertTrue(
        sent.get(1).body().contains(itemId + "-a1") && !sent.get(1).body().contains(itemId + "-a2"),
        "only the chosen attachment is downloaded");

    HttpResponse<String> activity =
        withCookie("GET", "/api/activities/" + activityId, cookie, true, null);
    assertEquals(200, activity.statusCode(), activity.body());
    JsonObject view = json(activity.body());
    assertEquals("Quote for renewal", view.getString("subject"));
    assertEquals(1, view.getJsonArray("attachments").size());
    HttpResponse<byte[]> download =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base()
                            + "/api/activities/"
                            + activityId
                            + "/attachments/"
                            + view.getJsonArray("attachments").getJsonObject(0).getInt("n")))
                .header("Cookie", "mailbridge_addin=" + cookie)
                .header("X-Mailbridge-Addin", "1")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, download.statusCode());
    assertArrayEquals(chosen, download.body(), "the attachment comes back byte for byte");

    HttpResponse<String> again =
        withCookie(
            "POST",
            "/api/addin/log",
            cookie,
            true,
            logBody(itemId, "cb-token-2", List.of(contactB), List.of()));
    assertEquals(200, again.statusCode(), again.body());
    assertTrue(json(again.body()).getBoolean("alreadyLogged"));
    assertEquals(activityId, json(again.body()).getString("activityId"));
    JsonObject relinked =
        json(withCookie("GET", "/api/activities/" + activityId, cookie, true, null).body());
    assertEquals(2, relinked.getJsonArray("links").size(), "the second log added a link");
  }

  @Test
  void loggingRefusesWhatItMustNotDo() throws Exception {
    Setup org = orgListingFakeExchange();
    String cookie = signUpAndSignIn(org.rep(), UUID.randomUUID().toString());
    String contact = contact(org.admin().orgId(), "ann.ames@fabrikam.example");
    AppUser stranger = testOrgs.orgWithAdmin("stranger");
    String foreignContact = contact(stranger.orgId(), "ann.ames@fabrikam.example");
    String itemId = "item-" + UUID.randomUUID();
    Shared.FAKE.items.put(
        itemId,
        new FakeItem(
            itemId,
            "Big one",
            TestMime.message(
                itemId + "@x.example",
                "Big one",
                "ann.ames@fabrikam.example",
                "rep@contoso.example",
                "big",
                0),
            List.of(
                new FakeAttachment(
                    itemId + "-big",
                    "video.mp4",
                    "video/mp4",
                    new byte[10],
                    false,
                    3 * 1024 * 1024)),
            Map.of()));

    HttpResponse<String> foreign =
        withCookie(
            "POST",
            "/api/addin/log",
            cookie,
            true,
            logBody(itemId, "t", List.of(foreignContact), List.of()));
    assertEquals(404, foreign.statusCode(), "another org's record: " + foreign.body());

    HttpResponse<String> tooBig =
        withCookie(
            "POST",
            "/api/addin/log",
            cookie,
            true,
            logBody(itemId, "t", List.of(contact), List.of(itemId + "-big")));
    assertEquals(413, tooBig.statusCode(), tooBig.body());

    HttpResponse<String> notOnItem =
        withCookie(
            "POST",
            "/api/addin/log",
            cookie,
            true,
            logBody(itemId, "t", List.of(contact), List.of("someone-elses")));
    assertEquals(400, notOnItem.statusCode(), notOnItem.body());

    HttpResponse<String> gone =
        withCookie(
            "POST",
            "/api/addin/log",
            cookie,
            true,
            logBody("no-such-item", "t", List.of(contact), List.of()));
    assertEquals(404, gone.statusCode(), gone.body());

    Shared.FAKE.answerNextWith(500, FakeExchange.fixture("serverbusy-fault.xml"));
    HttpResponse<String> busyThenFine =
        withCookie(
            "POST",
            "/api/addin/log",
            cookie,
            true,
            logBody(itemId, "t", List.of(contact), List.of()));
    assertEquals(
        200, busyThenFine.statusCode(), "retried after the back-off: " + busyThenFine.body());

    String elsewhere =
        Json.createObjectBuilder()
            .add("ewsUrl", "https://mail.not-listed.example/EWS/Exchange.asmx")
            .add("callbackToken", "t")
            .add("itemId", itemId)
            .add("recordIds", Json.createArrayBuilder().add(contact))
            .build()
            .toString();
    HttpResponse<String> notAllowed = withCookie("POST", "/api/addin/log", cookie, true, elsewhere);
    assertEquals(400, notAllowed.statusCode(), notAllowed.body());
    assertEquals("exchange_host_not_allowed", json(notAllowed.body()).getString("error"));

    HttpResponse<String> noRecords =
        withCookie(
            "POST", "/api/addin/log", cookie, true, logBody(itemId, "t", List.of(), List.of()));
    assertEquals(400, noRecords.statusCode());
    HttpResponse<String> notJson = withCookie("POST", "/api/addin/log", cookie, true, "{oops");
    assertEquals(400, notJson.statusCode());
  }

  @Test
  void theManifestPointsAtThePublicUrl() throws Exception {
    // Its own org, without a Microsoft app: what other tests set up for theirs does not count.
    AppUser admin = testOrgs.orgWithAdmin("manifest");
    String manifestPath = "/addin/manifest.xml?org=" + admin.orgId();
    HttpResponse<String> response = getPage(manifestPath);
    assertEquals(200, response.statusCode());
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document manifest =
        factory
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(response.body().getBytes(StandardCharsets.UTF_8)));
    String ns = "http://schemas.microsoft.com/office/appforoffice/1.1";
    assertEquals("OfficeApp", manifest.getDocumentElement().getLocalName());
    assertEquals(ns, manifest.getDocumentElement().getNamespaceURI());
    assertEquals(
        "ReadWriteMailbox",
        manifest.getElementsByTagNameNS(ns, "Permissions").item(0).getTextContent());
    org.w3c.dom.Element set =
        (org.w3c.dom.Element) manifest.getElementsByTagNameNS(ns, "Set").item(0);
    assertEquals("Mailbox", set.getAttribute("Name"));
    assertEquals("1.5", set.getAttribute("MinVersion"));
    org.w3c.dom.Element source =
        (org.w3c.dom.Element) manifest.getElementsByTagNameNS(ns, "SourceLocation").item(0);
    assertEquals(
        AUDIENCE, source.getAttribute("DefaultValue"), "the identity token's audience is this URL");
    assertNotNull(
        UUID.fromString(manifest.getElementsByTagNameNS(ns, "Id").item(0).getTextContent()));
    assertEquals(response.body(), getPage(manifestPath).body(), "the id is stable");
  }

  private String contact(String orgId, String email) {
    return testOrgs.contact(orgId, "Test", email.substring(0, email.indexOf('@')), email);
  }

  private static String logBody(
      String itemId, String callbackToken, List<String> recordIds, List<String> attachmentIds) {
    JsonArrayBuilder records = Json.createArrayBuilder();
    recordIds.forEach(records::add);
    JsonArrayBuilder attachments = Json.createArrayBuilder();
    attachmentIds.forEach(attachments::add);
    return Json.createObjectBuilder()
        .add("ewsUrl", Shared.FAKE.ewsUrl())
        .add("callbackToken", callbackToken)
        .add("itemId", itemId)
        .add("recordIds", records)
        .add("attachmentIds", attachments)
        .build()
        .toString();
  }
}
