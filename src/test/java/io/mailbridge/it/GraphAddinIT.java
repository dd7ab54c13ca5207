package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.TestMime;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.FakeProviders.EntraClaims;
import io.mailbridge.it.providers.FakeProviders.GraphAttachment;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.it.support.SignupPageClient;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Logging from Outlook on Exchange Online: Entra sign-in, on-behalf-of Graph access, the message
 * and only the chosen attachment read with the Graph SDK from the fake Graph, the extended property
 * written server side, throttling, and what an admin must do when consent is missing.
 */
@ExtendWith(ArquillianExtension.class)
class GraphAddinIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;

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

  private static final byte[] QUOTE =
      "the quote, byte for byte \u00e9".getBytes(StandardCharsets.UTF_8);

  /** A rep signed in to the add-in on Exchange Online, with one message in their mailbox. */
  private record Setup(Org org, String tenant, String cookie, String messageId, String contactId) {}

  private HttpResponse<String> session(String accessToken) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + "/api/addin/graph/session"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Json.createObjectBuilder().add("accessToken", accessToken).build().toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String entraToken(Org org, String tenant) throws Exception {
    return fake()
        .entraAccessToken(
            fake().microsoftKey(),
            tenant,
            OAuthOrgs.apiAudience(org),
            "access_as_user",
            "oid-" + tenant,
            Instant.now().plusSeconds(3600));
  }

  /** Links the rep through the sign-up page; answers the last session response. */
  private HttpResponse<String> signUpAndSignIn(Org org, String tenant) throws Exception {
    return signUpAndSignInWith(org, entraToken(org, tenant));
  }

  private HttpResponse<String> signUpAndSignInWith(Org org, String accessToken) throws Exception {
    HttpResponse<String> first = session(accessToken);
    assertEquals(401, first.statusCode(), first.body());
    String signup =
        Json.createReader(new StringReader(first.body())).readObject().getString("signup");
    SignupPageClient pages = new SignupPageClient(base());
    assertEquals(
        200, pages.submit(pages.open(signup), org.rep().email(), TestOrgs.PASSWORD).statusCode());
    return session(accessToken);
  }

  private String signedToken(EntraClaims claims) throws Exception {
    return fake().entraAccessToken(fake().microsoftKey(), claims, Instant.now().plusSeconds(3600));
  }

  private void addMessage(String account, String id, String subject) {
    fake()
        .addGraphMessage(
            account,
            id,
            TestMime.message(
                id + "@fabrikam.example",
                subject,
                "Nora Field <nora.field@fabrikam.example>",
                account,
                "Here is the quote.",
                100),
            Map.of());
  }

  private Setup setup() throws Exception {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String tenant = OAuthOrgs.consentTenant(base(), org.adminToken(), fake());
    HttpResponse<String> signedIn = signUpAndSignIn(org, tenant);
    assertEquals(200, signedIn.statusCode(), signedIn.body());
    String cookie = SignupPageClient.cookie(signedIn, "mailbridge_addin");
    String messageId = "AAMkAD" + UUID.randomUUID().toString().replace("-", "");
    Map<String, GraphAttachment> attachments = new LinkedHashMap<>();
    attachments.put("att-quote", new GraphAttachment("quote.pdf", "application/pdf", QUOTE));
    attachments.put(
        "att-logo",
        new GraphAttachment(
            "logo.png", "image/png", "logo bytes nobody chose".getBytes(StandardCharsets.UTF_8)));
    fake()
        .addGraphMessage(
            FakeProviders.entraUser(tenant),
            messageId,
            TestMime.message(
                "graph-" + messageId + "@fabrikam.example",
                "Graph quote",
                "Nora Field <nora.field@fabrikam.example>",
                FakeProviders.entraUser(tenant),
                "Here is the quote.",
                100),
            attachments);
    String contact = nora(org.admin().orgId());
    return new Setup(org, tenant, cookie, messageId, contact);
  }

  /** Nora Field, the sender of the test messages, as a contact of this org. */
  private String nora(String orgId) {
    return testOrgs.contact(orgId, "Nora", "Field", "nora.field@fabrikam.example");
  }

  private HttpResponse<String> withCookie(String method, String path, String cookie, String json)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Cookie", "mailbridge_addin=" + cookie)
            .header("X-Mailbridge-Addin", "1")
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String logBody(String itemId, List<String> recordIds, List<String> attachmentIds) {
    JsonArrayBuilder recordArray = Json.createArrayBuilder();
    recordIds.forEach(recordArray::add);
    JsonArrayBuilder attachmentArray = Json.createArrayBuilder();
    attachmentIds.forEach(attachmentArray::add);
    return Json.createObjectBuilder()
        .add("provider", "graph")
        .add("itemId", itemId)
        .add("recordIds", recordArray)
        .add("attachmentIds", attachmentArray)
        .build()
        .toString();
  }

  private static JsonObject json(HttpResponse<String> response) {
    return Json.createReader(new StringReader(response.body())).readObject();
  }

  @Test
  void logsOverGraphWithTheChosenAttachmentAndMarksTheMessage() throws Exception {
    Setup s = setup();
    int before = fake().graphRequests.size();
    HttpResponse<String> logged =
        withCookie(
            "POST",
            "/api/addin/log",
            s.cookie(),
            logBody(s.messageId(), List.of(s.contactId()), List.of("att-quote")));
    assertEquals(200, logged.statusCode(), logged.body());
    JsonObject answer = json(logged);
    assertFalse(answer.getBoolean("alreadyLogged"));
    assertTrue(answer.getBoolean("propertyWritten"));
    String activityId = answer.getString("activityId");
    List<String> calls = fake().graphRequests.subList(before, fake().graphRequests.size());
    assertTrue(calls.stream().anyMatch(c -> c.contains("/$value")), calls.toString());
    assertTrue(
        calls.stream().anyMatch(c -> c.contains("/attachments/att-quote")), calls.toString());
    assertFalse(
        calls.stream().anyMatch(c -> c.contains("/attachments/att-logo")),
        "the other attachment is never fetched");
    assertTrue(calls.stream().anyMatch(c -> c.startsWith("PATCH ")), calls.toString());
    Map<String, String> properties =
        fake()
            .graphMessages
            .get(FakeProviders.entraUser(s.tenant()))
            .get(s.messageId())
            .properties();
    assertEquals(
        activityId,
        properties.get("String {c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58} Name MailbridgeActivityId"));

    String repToken = api().accessToken(s.org().rep().email(), TestOrgs.PASSWORD);
    JsonObject activity = api().get("/api/activities/" + activityId, repToken).json();
    assertEquals("Graph quote", activity.getString("subject"));
    assertEquals(1, activity.getJsonArray("attachments").size());
    int n = activity.getJsonArray("attachments").getJsonObject(0).getInt("n");
    assertArrayEquals(
        QUOTE,
        api().getBytes("/api/activities/" + activityId + "/attachments/" + n, repToken).body());

    HttpResponse<String> again =
        withCookie(
            "POST",
            "/api/addin/log",
            s.cookie(),
            logBody(s.messageId(), List.of(s.contactId()), List.of("att-quote")));
    assertEquals(200, again.statusCode(), again.body());
    assertTrue(json(again).getBoolean("alreadyLogged"));
    assertEquals(activityId, json(again).getString("activityId"));

    // The rep also connects another Microsoft 365 account (another tenant): the add-in keeps
    // reading through the connection its own sign-in made.
    OAuthOrgs.connect(base(), s.org().repToken(), "microsoft", OAuthOrgs.account("second"));
    assertEquals(2, OAuthOrgs.mailboxes(api(), s.org().repToken()).size());
    HttpResponse<String> mark =
        withCookie("GET", "/api/addin/log/graph?itemId=" + s.messageId(), s.cookie(), null);
    assertEquals(200, mark.statusCode(), mark.body());
    assertEquals(activityId, json(mark).getString("activityId"));
  }

  @Test
  void refusesOtherOrgsRecordsAndRetriesThrottlingWithinBounds() throws Exception {
    Setup s = setup();
    Org stranger = OAuthOrgs.create(testOrgs, api(), fake());
    String foreign = nora(stranger.admin().orgId());
    int before = fake().graphRequests.size();
    HttpResponse<String> crossOrg =
        withCookie(
            "POST",
            "/api/addin/log",
            s.cookie(),
            logBody(s.messageId(), List.of(foreign), List.of()));
    assertEquals(404, crossOrg.statusCode(), crossOrg.body());
    assertEquals(before, fake().graphRequests.size(), "nothing read for a refused call");

    fake().graphThrottle.set(1);
    fake().graphRetryAfterSeconds = 1;
    HttpResponse<String> afterOne429 =
        withCookie(
            "POST",
            "/api/addin/log",
            s.cookie(),
            logBody(s.messageId(), List.of(s.contactId()), List.of()));
    assertEquals(200, afterOne429.statusCode(), afterOne429.body());

    HttpResponse<String> missing =
        withCookie(
            "POST",
            "/api/addin/log",
            s.cookie(),
            logBody("AAMkADnothere", List.of(s.contactId()), List.of()));
    assertEquals(404, missing.statusCode());
    HttpResponse<String> notAnAttachment =
        withCookie(
            "POST",
            "/api/addin/log",
            s.cookie(),
            logBody(s.messageId(), List.of(s.contactId()), List.of("att-nope")));
    assertEquals(400, notAnAttachment.statusCode());
    fake().graphThrottle.set(10);
    fake().graphRetryAfterSeconds = 120; // longer than Mailbridge waits
    try {
      HttpResponse<String> busy =
          withCookie(
              "POST",
              "/api/addin/log",
              s.cookie(),
              logBody(s.messageId(), List.of(s.contactId()), List.of()));
      assertEquals(503, busy.statusCode(), busy.body());
      assertEquals("graph_busy", json(busy).getString("error"));
      assertEquals("120", busy.headers().firstValue("Retry-After").orElse(""));
    } finally {
      fake().graphThrottle.set(0);
      fake().graphRetryAfterSeconds = 1;
    }
    // Graph asked this mailbox to wait two minutes: until then nothing more is sent for it
    // (no retry storm), and the caller hears how long is left.
    int sent = fake().graphRequests.size();
    HttpResponse<String> held =
        withCookie(
            "POST",
            "/api/addin/log",
            s.cookie(),
            logBody(s.messageId(), List.of(s.contactId()), List.of()));
    assertEquals(503, held.statusCode(), held.body());
    assertEquals("graph_paced", json(held).getString("error"));
    int left = Integer.parseInt(held.headers().firstValue("Retry-After").orElse("0"));
    assertTrue(left > 60 && left <= 120, "Retry-After " + left);
    assertEquals(sent, fake().graphRequests.size(), "nothing sent to Graph while it asked to wait");
  }

  @Test
  void onBehalfOfFailuresSayWhatTheAdminMustDo() throws Exception {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String tenant = OAuthOrgs.consentTenant(base(), org.adminToken(), fake());
    fake().tenantsWithoutGraphConsent.add(tenant);
    HttpResponse<String> noConsent = signUpAndSignIn(org, tenant);
    assertEquals(403, noConsent.statusCode(), noConsent.body());
    assertEquals("graph_consent_required", json(noConsent).getString("error"));
    assertTrue(json(noConsent).getString("message").contains("/api/admin/microsoft/consent"));
    assertTrue(
        noConsent.headers().allValues("Set-Cookie").stream()
            .noneMatch(c -> c.startsWith("mailbridge_addin=")),
        "no session without Graph access");

    fake().tenantsWithoutGraphConsent.remove(tenant);
    fake().tenantsRefusingAssertions.add(tenant);
    HttpResponse<String> refused = session(entraToken(org, tenant));
    assertEquals(401, refused.statusCode(), refused.body());
    assertEquals("graph_sign_in_again", json(refused).getString("error"));

    fake().tenantsRefusingAssertions.remove(tenant);
    assertEquals(200, session(entraToken(org, tenant)).statusCode());
  }

  @Test
  void theManifestNamesTheOrgsAppForNestedAppAuthentication() throws Exception {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base() + "/addin/manifest.xml?org=" + org.admin().orgId()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    javax.xml.parsers.DocumentBuilderFactory factory =
        javax.xml.parsers.DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    org.w3c.dom.Document manifest =
        factory
            .newDocumentBuilder()
            .parse(
                new java.io.ByteArrayInputStream(response.body().getBytes(StandardCharsets.UTF_8)));
    String v11 = "http://schemas.microsoft.com/office/mailappversionoverrides/1.1";
    org.w3c.dom.NodeList overrides = manifest.getElementsByTagNameNS(v11, "VersionOverrides");
    assertEquals(1, overrides.getLength(), response.body());
    assertEquals(
        org.microsoftClient(), manifest.getElementsByTagNameNS(v11, "Id").item(0).getTextContent());
    assertEquals(
        OAuthOrgs.apiAudience(org),
        manifest.getElementsByTagNameNS(v11, "Resource").item(0).getTextContent());
    assertTrue(response.body().contains("Mail.ReadWrite.Shared"));
    assertTrue(
        response.body().contains("/addin/taskpane.html?app=" + org.microsoftClient()),
        response.body());
    // an org without a Microsoft app gets the on-premises manifest
    io.mailbridge.platform.security.entity.AppUser plain = testOrgs.orgWithAdmin("no microsoft");
    HttpResponse<String> onPremises =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/addin/manifest.xml?org=" + plain.orgId()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertFalse(onPremises.body().contains("WebApplicationInfo"));
    assertFalse(onPremises.body().contains("?app="));
  }

  @Test
  void logsFromTheMailboxSignedInToThePaneNotAnotherAccountOfTheTenant() throws Exception {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String tenant = OAuthOrgs.consentTenant(base(), org.adminToken(), fake());
    // The pane is signed in as Yara, a user of the tenant.
    String yara = "yara-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.example";
    HttpResponse<String> signedIn =
        signUpAndSignInWith(
            org,
            signedToken(
                EntraClaims.v1(tenant, OAuthOrgs.apiAudience(org))
                    .user(UUID.randomUUID().toString(), yara)));
    assertEquals(200, signedIn.statusCode(), signedIn.body());
    String cookie = SignupPageClient.cookie(signedIn, "mailbridge_addin");
    // The same CRM user then connects Xavier, another account of the same tenant: that grant is
    // the newest of the tenant.
    String xavier = OAuthOrgs.account("xavier");
    fake().tenants.put(xavier, tenant);
    OAuthOrgs.connect(base(), org.repToken(), "microsoft", xavier);
    assertEquals(2, OAuthOrgs.mailboxes(api(), org.repToken()).size());

    String messageId = "AAMkAD" + UUID.randomUUID().toString().replace("-", "");
    addMessage(yara, messageId, "Yara's quote");
    addMessage(xavier, messageId, "Xavier's copy");
    String contact = nora(org.admin().orgId());
    HttpResponse<String> logged =
        withCookie(
            "POST", "/api/addin/log", cookie, logBody(messageId, List.of(contact), List.of()));
    assertEquals(200, logged.statusCode(), logged.body());
    String activityId = json(logged).getString("activityId");
    JsonObject activity =
        api()
            .get(
                "/api/activities/" + activityId,
                api().accessToken(org.rep().email(), TestOrgs.PASSWORD))
            .json();
    assertEquals("Yara's quote", activity.getString("subject"));
    String property = "String {c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58} Name MailbridgeActivityId";
    assertEquals(
        activityId, fake().graphMessages.get(yara).get(messageId).properties().get(property));
    assertFalse(
        fake().graphMessages.get(xavier).get(messageId).properties().containsKey(property),
        "Xavier's mailbox is never written");
    HttpResponse<String> mark =
        withCookie("GET", "/api/addin/log/graph?itemId=" + messageId, cookie, null);
    assertEquals(200, mark.statusCode(), mark.body());
    assertEquals(activityId, json(mark).getString("activityId"));

    // A message only Yara has is found too (with Xavier's token it would be a 404).
    String onlyYara = "AAMkAD" + UUID.randomUUID().toString().replace("-", "");
    addMessage(yara, onlyYara, "Only in Yara's mailbox");
    HttpResponse<String> own =
        withCookie(
            "POST", "/api/addin/log", cookie, logBody(onlyYara, List.of(contact), List.of()));
    assertEquals(200, own.statusCode(), own.body());
  }

  @Test
  void mfaOrConditionalAccessSendsTheClaimsChallengeBackToThePane() throws Exception {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String tenant = OAuthOrgs.consentTenant(base(), org.adminToken(), fake());
    fake().tenantsRequiringMfa.add(tenant);
    try {
      HttpResponse<String> documented = signUpAndSignIn(org, tenant);
      assertChallenge(documented);
      // Entra also answers invalid_grant (AADSTS50076) with a challenge: the same for the pane
      fake().mfaAsInvalidGrant = true;
      assertChallenge(session(entraToken(org, tenant)));

      // MSAL's new sign-in with the claims satisfied the policy
      HttpResponse<String> satisfied =
          session(
              signedToken(EntraClaims.v1(tenant, OAuthOrgs.apiAudience(org)).amr("pwd", "mfa")));
      assertEquals(200, satisfied.statusCode(), satisfied.body());
      assertFalse(SignupPageClient.cookie(satisfied, "mailbridge_addin").isEmpty());
    } finally {
      fake().tenantsRequiringMfa.remove(tenant);
      fake().mfaAsInvalidGrant = false;
    }
  }

  private static void assertChallenge(HttpResponse<String> response) {
    assertEquals(401, response.statusCode(), response.body());
    JsonObject body = json(response);
    assertEquals("interaction_required", body.getString("error"), response.body());
    assertEquals(FakeProviders.MFA_CLAIMS, body.getString("claims"));
    assertTrue(body.getString("message").contains("multi-factor"), response.body());
    assertFalse(body.getString("message").contains("consent"), response.body());
    assertTrue(
        response.headers().allValues("Set-Cookie").stream()
            .noneMatch(c -> c.startsWith("mailbridge_addin=")),
        "no session until the challenge is met");
  }
}
