package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.ApiClient.Reply;
import io.mailbridge.it.TestOrgs.SignedInOrg;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.security.control.AddinSessions;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compose window's productivity API over HTTP: the org switches, text shortcuts (visibility
 * across users and orgs, merge fields) and open/click tracking (signed tokens, no open redirect,
 * internal recipients untracked, machine fetches flagged, shown on the sent email's activity).
 */
@ExtendWith(ArquillianExtension.class)
class ProductivityIT {

  private static final String CHROME =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0"
          + " Safari/537.36";
  private static final Pattern CLICK = Pattern.compile("href=\"[^\"]*(/t/c/[^\"]+)\"");
  private static final Pattern PIXEL = Pattern.compile("src=\"[^\"]*(/t/o/[^\"]+)\"");

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject RawDatabase raw;
  @Inject AddinSessions addinSessions;
  @Inject JobStore jobs;
  @Inject JobRunner runner;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  @Test
  void theOrgSwitchesAreOffByDefaultAndOnlyAdminsChangeThem() {
    SignedInOrg org = testOrgs.signedIn("Switches", api());
    Reply initial = api().get("/api/admin/productivity/settings", org.adminToken());
    assertEquals(200, initial.status(), initial.body());
    assertFalse(initial.json().getBoolean("trackingEnabled"));
    assertEquals(0, initial.json().getJsonArray("internalDomains").size());

    assertEquals(403, api().get("/api/admin/productivity/settings", org.repToken()).status());
    assertEquals(
        403,
        api()
            .put("/api/admin/productivity/settings", org.repToken(), "{\"trackingEnabled\":true}")
            .status());
    Reply notABoolean =
        api().put("/api/admin/productivity/settings", org.adminToken(), "{\"trackingEnabled\":1}");
    assertEquals(400, notABoolean.status(), notABoolean.body());
    assertEquals("invalid_field", notABoolean.error());
    Reply badDomain =
        api()
            .put(
                "/api/admin/productivity/settings",
                org.adminToken(),
                "{\"trackingEnabled\":true,\"internalDomains\":[\"not a domain\"]}");
    assertEquals(400, badDomain.status(), badDomain.body());

    Reply changed =
        api()
            .put(
                "/api/admin/productivity/settings",
                org.adminToken(),
                "{\"trackingEnabled\":true,\"internalDomains\":[\"Acme.Example\",\"acme.example\",\"@corp.example\"]}");
    assertEquals(200, changed.status(), changed.body());
    assertEquals(
        Json.createObjectBuilder()
            .add("trackingEnabled", true)
            .add(
                "internalDomains",
                Json.createArrayBuilder().add("acme.example").add("corp.example"))
            .build(),
        api().get("/api/admin/productivity/settings", org.adminToken()).json());

    SignedInOrg other = testOrgs.signedIn("Switches other", api());
    assertFalse(
        api()
            .get("/api/admin/productivity/settings", other.adminToken())
            .json()
            .getBoolean("trackingEnabled"),
        "one org's switch is not another's");
  }

  @Test
  void shortcutsAreSeenByTheirOwnerOrTheWholeOrgAndNobodyElse() throws Exception {
    SignedInOrg org = testOrgs.signedIn("Shortcuts", api());
    String colleagueToken =
        api()
            .accessToken(
                testOrgs.user(org.orgId(), "USER", "Shortcuts colleague").email(),
                TestOrgs.PASSWORD);

    Reply orgShortcut =
        api()
            .post(
                "/api/shortcuts",
                org.adminToken(),
                "{\"name\":\"Intro\",\"text\":\"Hi {{contact.firstName|there}}\",\"scope\":\"ORG\"}");
    assertEquals(201, orgShortcut.status(), orgShortcut.body());
    assertEquals("ORG", orgShortcut.json().getString("scope"));
    String orgId = orgShortcut.json().getString("id");

    Reply repOrg =
        api()
            .post(
                "/api/shortcuts",
                org.repToken(),
                "{\"name\":\"Mine\",\"text\":\"x\",\"scope\":\"ORG\"}");
    assertEquals(403, repOrg.status(), "only admins write the org's shortcuts: " + repOrg.body());

    Reply own =
        api().post("/api/shortcuts", org.repToken(), "{\"name\":\"Sign-off\",\"text\":\"Cheers\"}");
    assertEquals(201, own.status(), own.body());
    assertEquals("USER", own.json().getString("scope"));
    String ownId = own.json().getString("id");

    assertEquals(Set.of(orgId, ownId), ids(api().get("/api/shortcuts", org.repToken())));
    assertEquals(Set.of(orgId), ids(api().get("/api/shortcuts", colleagueToken)));
    assertEquals(Set.of(orgId), ids(api().get("/api/shortcuts", org.adminToken())));

    // Another user's own shortcut is not there for anyone else, not even an admin.
    for (String token : List.of(colleagueToken, org.adminToken())) {
      assertEquals(404, api().get("/api/shortcuts/" + ownId, token).status());
      assertEquals(
          404,
          api().put("/api/shortcuts/" + ownId, token, "{\"name\":\"n\",\"text\":\"t\"}").status());
      assertEquals(404, api().delete("/api/shortcuts/" + ownId, token).status());
      assertEquals(404, api().post("/api/shortcuts/" + ownId + "/render", token, "{}").status());
    }
    // The org's shortcut is read by everyone, changed by admins only.
    assertEquals(200, api().get("/api/shortcuts/" + orgId, colleagueToken).status());
    assertEquals(
        403,
        api()
            .put("/api/shortcuts/" + orgId, org.repToken(), "{\"name\":\"n\",\"text\":\"t\"}")
            .status());
    assertEquals(403, api().delete("/api/shortcuts/" + orgId, org.repToken()).status());

    // From the task pane (the add-in's cookie) an admin is a user here: no org shortcuts.
    String cookie = addinSessions.open(org.orgId(), org.admin().id(), null).cookieValue();
    HttpResponse<String> fromPane =
        addinPost("/api/shortcuts", cookie, "{\"name\":\"Pane\",\"text\":\"x\",\"scope\":\"ORG\"}");
    assertEquals(403, fromPane.statusCode(), fromPane.body());
    HttpResponse<String> ownFromPane =
        addinPost("/api/shortcuts", cookie, "{\"name\":\"Pane\",\"text\":\"x\"}");
    assertEquals(201, ownFromPane.statusCode(), ownFromPane.body());
    HttpResponse<String> renderFromPane =
        addinPost("/api/shortcuts/" + orgId + "/render", cookie, "{}");
    assertEquals(200, renderFromPane.statusCode(), renderFromPane.body());
    assertTrue(renderFromPane.body().contains("Hi there"), renderFromPane.body());

    // Another org sees none of them.
    SignedInOrg stranger = testOrgs.signedIn("Shortcuts stranger", api());
    assertEquals(Set.of(), ids(api().get("/api/shortcuts", stranger.adminToken())));
    for (String id : List.of(orgId, ownId)) {
      Reply read = api().get("/api/shortcuts/" + id, stranger.adminToken());
      assertEquals(404, read.status());
      assertEquals("not_found", read.error());
      assertEquals(404, api().delete("/api/shortcuts/" + id, stranger.adminToken()).status());
    }

    Reply renamed =
        api()
            .put(
                "/api/shortcuts/" + ownId,
                org.repToken(),
                "{\"name\":\"Sign-off 2\",\"text\":\"Best, {{me.displayName}}\"}");
    assertEquals(200, renamed.status(), renamed.body());
    assertEquals("Sign-off 2", renamed.json().getString("name"));
    Reply typo =
        api()
            .put(
                "/api/shortcuts/" + ownId,
                org.repToken(),
                "{\"name\":\"x\",\"text\":\"Hi {{contact.fistName}}\"}");
    assertEquals(400, typo.status(), typo.body());
    assertTrue(typo.json().getString("message").contains("firstName"), typo.body());

    assertEquals(204, api().delete("/api/shortcuts/" + ownId, org.repToken()).status());
    assertEquals(404, api().get("/api/shortcuts/" + ownId, org.repToken()).status());
    assertEquals(204, api().delete("/api/shortcuts/" + orgId, org.adminToken()).status());
    assertEquals(Set.of(), ids(api().get("/api/shortcuts", colleagueToken)));
  }

  @Test
  void renderingFillsMergeFieldsFromTheRecordAndKeepsMarkupAsText() {
    SignedInOrg org = testOrgs.signedIn("Render", api());
    Reply account =
        api()
            .post(
                "/api/records/accounts",
                org.repToken(),
                "{\"name\":\"<img src=x onerror=alert(1)> & Co\",\"domains\":[\"render.example\"]}");
    assertEquals(201, account.status(), account.body());
    Reply contact =
        api()
            .post(
                "/api/records/contacts",
                org.repToken(),
                "{\"firstName\":\"Ann\",\"lastName\":\"Lee\",\"accountId\":\""
                    + account.json().getString("id")
                    + "\"}");
    assertEquals(201, contact.status(), contact.body());
    String noFirstName = testOrgs.contact(org.orgId(), null, "Nameless", null);
    Reply shortcut =
        api()
            .post(
                "/api/shortcuts",
                org.repToken(),
                "{\"name\":\"Intro\",\"text\":\"Hi {{contact.firstName|there}},\\n"
                    + "{{account.name|your company}} <3 {{contact.phone|}}\"}");
    String id = shortcut.json().getString("id");

    Reply filled =
        api()
            .post(
                "/api/shortcuts/" + id + "/render",
                org.repToken(),
                "{\"recordId\":\"" + contact.json().getString("id") + "\"}");
    assertEquals(200, filled.status(), filled.body());
    assertEquals("Hi Ann,\n<img src=x onerror=alert(1)> & Co <3 ", filled.json().getString("text"));
    assertEquals(
        "Hi Ann,<br>\n&lt;img src=x onerror=alert(1)&gt; &amp; Co &lt;3 ",
        filled.json().getString("html"));

    Reply defaults =
        api()
            .post(
                "/api/shortcuts/" + id + "/render",
                org.repToken(),
                "{\"recordId\":\"" + noFirstName + "\"}");
    assertEquals("Hi there,\nyour company <3 ", defaults.json().getString("text"));
    assertEquals(
        "Hi there,\nyour company <3 ",
        api()
            .post("/api/shortcuts/" + id + "/render", org.repToken(), "{}")
            .json()
            .getString("text"),
        "no record: every field takes its default");

    SignedInOrg stranger = testOrgs.signedIn("Render stranger", api());
    String foreign = testOrgs.contact(stranger.orgId(), "Eve", "Foreign", null);
    Reply foreignRecord =
        api()
            .post(
                "/api/shortcuts/" + id + "/render",
                org.repToken(),
                "{\"recordId\":\"" + foreign + "\"}");
    assertEquals(400, foreignRecord.status(), "another org's record is no record");
    assertFalse(foreignRecord.body().contains("Eve"));
  }

  @Test
  void trackingRewritesLinksOnlyForExternalRecipientsAndRedirectsOnlyToThem() throws Exception {
    SignedInOrg org = testOrgs.signedIn("Tracking", api());
    String html =
        "<html><body><p>Our offer:</p><a href=\"https://offer.example/deal?a=1&amp;b=2\">deal</a>"
            + " <a href=\"mailto:x@offer.example\">mail</a></body></html>";
    String prepare =
        Json.createObjectBuilder()
            .add("html", html)
            .add("recipients", Json.createArrayBuilder().add("buyer@customer.example"))
            .build()
            .toString();

    Reply off = api().post("/api/tracking/prepare", org.repToken(), prepare);
    assertEquals(200, off.status(), off.body());
    assertFalse(off.json().getBoolean("tracked"));
    assertEquals("tracking_off", off.json().getString("reason"));
    assertEquals(html, off.json().getString("html"), "untouched while the org switch is off");

    assertEquals(
        200,
        api()
            .put(
                "/api/admin/productivity/settings",
                org.adminToken(),
                "{\"trackingEnabled\":true,\"internalDomains\":[\"tracking-corp.example\"]}")
            .status());
    for (String internal :
        List.of("ann@tracking-corp.example", "bob@eu.tracking-corp.example", org.admin().email())) {
      Reply untracked =
          api()
              .post(
                  "/api/tracking/prepare",
                  org.repToken(),
                  Json.createObjectBuilder()
                      .add("html", html)
                      .add(
                          "recipients",
                          Json.createArrayBuilder().add("buyer@customer.example").add(internal))
                      .build()
                      .toString());
      assertEquals(200, untracked.status(), untracked.body());
      assertFalse(untracked.json().getBoolean("tracked"), internal);
      assertEquals("internal_recipient", untracked.json().getString("reason"));
      assertEquals(html, untracked.json().getString("html"));
    }

    Reply tracked = api().post("/api/tracking/prepare", org.repToken(), prepare);
    assertEquals(200, tracked.status(), tracked.body());
    assertTrue(tracked.json().getBoolean("tracked"));
    assertEquals(1, tracked.json().getInt("links"));
    String id = tracked.json().getString("id");
    String out = tracked.json().getString("html");
    assertTrue(out.contains("href=\"mailto:x@offer.example\""), "mailto stays");
    assertFalse(out.contains("offer.example/deal"), "the target is not in the email any more");
    String click = first(CLICK, out);
    String pixel = first(PIXEL, out);

    // A query naming another target changes nothing: the link goes where the email's went.
    HttpResponse<String> redirect = get(click + "?url=https://evil.example/", CHROME);
    assertEquals(302, redirect.statusCode(), redirect.body());
    assertEquals(
        "https://offer.example/deal?a=1&b=2",
        redirect.headers().firstValue("Location").orElse(null));
    assertEquals(200, getBytes(pixel, CHROME).statusCode());

    // Right after preparation everything counts as a machine's (a scanner at delivery).
    JsonObject early = summary(org, id);
    assertEquals(0, early.getJsonObject("opens").getInt("count"));
    assertEquals(1, early.getJsonObject("opens").getInt("machineCount"));
    assertEquals(1, early.getJsonArray("links").getJsonObject(0).getInt("machineCount"));

    // Garbage, forged and altered tokens: the pixel is a GIF all the same, the link a 404.
    String otherToken = first(CLICK, prepareTracked(org, "https://other.example/"));
    List<String> forged = new ArrayList<>();
    forged.add("/t/c/garbage");
    forged.add("/t/c/" + click.substring(5, click.length() - 3) + "AAA");
    forged.add(click.replace(".0.", ".1."));
    forged.add("/t/c/" + otherToken.substring(5).replaceFirst("^c\\.[^.]+", "c." + id));
    forged.add("/t/c/evil.example");
    forged.add("/t/c/c.evil.example.0.AAAAAAAAAAAAAAAAAAAAAA");
    forged.add("/t/c//evil.example");
    forged.add("/t/c/");
    forged.add(pixel.replace("/t/o/", "/t/c/"));
    for (String path : forged) {
      HttpResponse<String> reply = get(path, CHROME);
      assertEquals(404, reply.statusCode(), path + ": " + reply.body());
      assertTrue(reply.headers().firstValue("Location").isEmpty(), path + " never redirects");
    }
    for (String path :
        List.of("/t/o/garbage", "/t/o/", "/t/o/" + "x".repeat(3000), pixel + "x", "/t/o/a/b")) {
      HttpResponse<byte[]> gif = getBytes(path, CHROME);
      assertEquals(200, gif.statusCode(), path);
      assertEquals("image/gif", gif.headers().firstValue("Content-Type").orElse(""), path);
      assertTrue(gif.headers().firstValue("Cache-Control").orElse("").contains("no-store"), path);
      assertArrayEquals(
          new byte[] {'G', 'I', 'F', '8', '9', 'a'}, java.util.Arrays.copyOf(gif.body(), 6), path);
    }

    // An hour later: a person opens and clicks, then Apple's proxy fetches the pixel.
    raw.update(
        "UPDATE tracked_email SET prepared_at = ? WHERE id = ?",
        LocalDateTime.now(ZoneOffset.UTC).minusHours(1),
        id);
    raw.update("DELETE FROM tracking_event WHERE tracked_email_id = ?", id);
    assertEquals(200, getBytes(pixel, CHROME).statusCode());
    assertEquals(302, get(click, CHROME).statusCode());
    assertEquals(200, getBytes(pixel, "Mozilla/5.0").statusCode());
    assertEquals(200, getBytes(pixel, "curl/8.5").statusCode());
    HttpResponse<String> head = head(click);
    assertEquals(302, head.statusCode(), "HEAD answers like GET");

    JsonObject seen = summary(org, id);
    JsonObject opens = seen.getJsonObject("opens");
    assertEquals(1, opens.getInt("count"), seen.toString());
    assertEquals(2, opens.getInt("machineCount"), "Apple's proxy and curl: " + seen);
    assertFalse(opens.isNull("first"));
    JsonArray links = seen.getJsonArray("links");
    assertEquals(1, links.size());
    assertEquals("https://offer.example/deal?a=1&b=2", links.getJsonObject(0).getString("url"));
    assertEquals(1, links.getJsonObject(0).getInt("count"), "HEAD is no click: " + seen);
    assertEquals(0, links.getJsonObject(0).getInt("machineCount"));

    // Only the rep who prepared it reads it; another org's id is not found.
    assertEquals(404, api().get("/api/tracking/" + id, org.adminToken()).status());
    SignedInOrg stranger = testOrgs.signedIn("Tracking stranger", api());
    assertEquals(404, api().get("/api/tracking/" + id, stranger.adminToken()).status());

    // The org turns tracking off: sent links keep working, nothing more is recorded.
    api().put("/api/admin/productivity/settings", org.adminToken(), "{\"trackingEnabled\":false}");
    assertEquals(302, get(click, CHROME).statusCode());
    assertEquals(200, getBytes(pixel, CHROME).statusCode());
    JsonObject after = summary(org, id);
    assertEquals(seen.getJsonObject("opens"), after.getJsonObject("opens"));
    assertEquals(seen.getJsonArray("links"), after.getJsonArray("links"));
  }

  @Test
  void aTrackedEmailSentAndLoggedShowsItsOpensAndClicksOnItsActivity() throws Exception {
    Org org = OAuthOrgs.create(testOrgs, api(), FakeProviders.get());
    String account = OAuthOrgs.account("tracked-send");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "microsoft", account);
    String buyer = "bea.tracked@customer.example";
    String contact = testOrgs.contact(org.admin().orgId(), "Bea", "Buyer", buyer);
    assertEquals(
        200,
        api()
            .put("/api/admin/productivity/settings", org.adminToken(), "{\"trackingEnabled\":true}")
            .status());
    Reply prepared =
        api()
            .post(
                "/api/tracking/prepare",
                org.repToken(),
                Json.createObjectBuilder()
                    .add(
                        "html",
                        "<html><body><p>Our offer:</p>"
                            + "<a href=\"https://offer.example/tracked\">the offer</a></body></html>")
                    .add("recipients", Json.createArrayBuilder().add(buyer))
                    .add("recordIds", Json.createArrayBuilder().add(contact))
                    .build()
                    .toString());
    assertEquals(200, prepared.status(), prepared.body());
    assertTrue(prepared.json().getBoolean("tracked"), prepared.body());
    String trackedId = prepared.json().getString("id");
    String html = prepared.json().getString("html");

    // The rep sends it (later, here: now) and it is logged to Bea's contact.
    String mime =
        "MIME-Version: 1.0\r\nFrom: "
            + account
            + "\r\nTo: "
            + buyer
            + "\r\nSubject: Tracked offer "
            + UUID.randomUUID()
            + "\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            + html
            + "\r\n";
    Reply scheduled =
        api()
            .post(
                "/api/scheduled-sends",
                org.repToken(),
                Json.createObjectBuilder()
                    .add("mailboxId", mailboxId)
                    .add("sendAt", Instant.now().toString())
                    .add(
                        "mime",
                        Base64.getEncoder().encodeToString(mime.getBytes(StandardCharsets.UTF_8)))
                    .add("recordIds", Json.createArrayBuilder().add(contact))
                    .build()
                    .toString());
    assertEquals(201, scheduled.status(), scheduled.body());
    drain();
    Reply send =
        api().get("/api/scheduled-sends/" + scheduled.json().getString("id"), org.repToken());
    assertEquals("SENT", send.json().getString("state"), send.body());
    String activityId = send.json().getString("activityId");

    JsonObject unread = activity(org, activityId).getJsonObject("tracking");
    assertEquals(trackedId, unread.getString("id"), unread.toString());
    assertEquals(0, unread.getJsonObject("opens").getInt("count"));

    // An hour later Bea opens it; then her company's scanner follows the link.
    raw.update(
        "UPDATE tracked_email SET prepared_at = ? WHERE id = ?",
        LocalDateTime.now(ZoneOffset.UTC).minusHours(1),
        trackedId);
    assertEquals(200, getBytes(first(PIXEL, html), CHROME).statusCode());
    assertEquals(
        302,
        get(first(CLICK, html), "Mozilla/5.0 (compatible; Proofpoint URL Defense)").statusCode());

    JsonObject tracking = activity(org, activityId).getJsonObject("tracking");
    JsonObject opens = tracking.getJsonObject("opens");
    assertEquals(1, opens.getInt("count"), tracking.toString());
    assertEquals(0, opens.getInt("machineCount"), tracking.toString());
    assertFalse(opens.isNull("first"));
    assertEquals(opens.getString("first"), opens.getString("last"));
    JsonObject link = tracking.getJsonArray("links").getJsonObject(0);
    assertEquals("https://offer.example/tracked", link.getString("url"));
    assertEquals(0, link.getInt("count"), "a scanner's click is no person's: " + tracking);
    assertEquals(1, link.getInt("machineCount"), tracking.toString());
    // The same summary the rep reads for the email, and the same on Bea's timeline.
    assertEquals(summary(org, trackedId), tracking);
    Reply timeline = api().get("/api/records/contacts/" + contact + "/timeline", org.repToken());
    assertEquals(200, timeline.status(), timeline.body());
    JsonObject onTimeline =
        timeline.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
            .filter(a -> a.getString("id").equals(activityId))
            .findFirst()
            .orElseThrow();
    assertEquals(tracking, onTimeline.getJsonObject("tracking"));

    // An email sent without tracking has none on its activity.
    String plain =
        "MIME-Version: 1.0\r\nFrom: "
            + account
            + "\r\nTo: "
            + buyer
            + "\r\nSubject: Untracked "
            + UUID.randomUUID()
            + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello Bea\r\n";
    Reply untracked =
        api()
            .post(
                "/api/scheduled-sends",
                org.repToken(),
                Json.createObjectBuilder()
                    .add("mailboxId", mailboxId)
                    .add("sendAt", Instant.now().toString())
                    .add(
                        "mime",
                        Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)))
                    .add("recordIds", Json.createArrayBuilder().add(contact))
                    .build()
                    .toString());
    assertEquals(201, untracked.status(), untracked.body());
    drain();
    String plainActivity =
        api()
            .get("/api/scheduled-sends/" + untracked.json().getString("id"), org.repToken())
            .json()
            .getString("activityId");
    JsonObject plainView = activity(org, plainActivity);
    assertTrue(
        plainView.containsKey("tracking") && plainView.isNull("tracking"), plainView.toString());
  }

  private JsonObject activity(Org org, String id) {
    Reply reply = api().get("/api/activities/" + id, org.repToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  private JsonObject summary(Org org, String id) {
    Reply reply = api().get("/api/tracking/" + id, org.repToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  private void drain() {
    while (true) {
      List<ClaimedJob> claimed = jobs.claim("it-productivity", 1, Duration.ofMinutes(5));
      if (claimed.isEmpty()) {
        return;
      }
      runner.run(claimed.get(0));
    }
  }

  private HttpResponse<String> addinPost(String path, String cookie, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Cookie", AddinSessions.COOKIE + "=" + cookie)
            .header(AddinSessions.CSRF_HEADER, "1")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String prepareTracked(SignedInOrg org, String url) {
    Reply reply =
        api()
            .post(
                "/api/tracking/prepare",
                org.repToken(),
                Json.createObjectBuilder()
                    .add("html", "<a href=\"" + url + "\">x</a>")
                    .add("recipients", Json.createArrayBuilder().add("someone@else.example"))
                    .build()
                    .toString());
    assertEquals(200, reply.status(), reply.body());
    assertTrue(reply.json().getBoolean("tracked"), reply.body());
    return reply.json().getString("html");
  }

  private JsonObject summary(SignedInOrg org, String id) {
    Reply reply = api().get("/api/tracking/" + id, org.repToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  private static String first(Pattern pattern, String html) {
    Matcher m = pattern.matcher(html);
    assertTrue(m.find(), "no " + pattern + " in " + html);
    return m.group(1);
  }

  private static Set<String> ids(Reply list) {
    assertEquals(200, list.status(), list.body());
    assertTrue(list.json().isNull("next"));
    return list.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(o -> o.getString("id"))
        .collect(Collectors.toSet());
  }

  private HttpRequest.Builder request(String path, String agent) {
    return HttpRequest.newBuilder(URI.create(base() + path))
        .header("User-Agent", agent)
        .timeout(Duration.ofSeconds(30));
  }

  private HttpResponse<String> get(String path, String agent) throws Exception {
    return http.send(request(path, agent).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> getBytes(String path, String agent) throws Exception {
    return http.send(request(path, agent).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> head(String path) throws Exception {
    return http.send(
        request(path, CHROME).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
