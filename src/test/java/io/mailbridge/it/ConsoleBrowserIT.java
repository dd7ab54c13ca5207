package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.browser.ConsoleBrowser;
import io.mailbridge.it.providers.OAuthBrowser;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.itsupport.MachineRequirement;
import io.mailbridge.itsupport.Needs;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web console in headless Chromium against Mailbridge on Payara Micro, reached at the suite's
 * public host name (so the OAuth callbacks come back to this browser): sign-in, users, mailboxes
 * through the fake Google, tenant consent through the fake Microsoft, key rotation progress, a
 * contact's timeline with a logged mail and its attachment, what a user may not see, and markup in
 * names and subjects that must stay text. Writes a screenshot of each main page at 1280×800 to
 * target/console-screenshots/ and the first page's weight to page-weight.txt there.
 */
@Needs(MachineRequirement.CHROMIUM)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsoleBrowserIT {

  static final Path SHOTS = Path.of("target/console-screenshots");
  static final String ADMIN = "admin@it.example";
  static final String ADMIN_PASSWORD = "integration suite admin password";
  static final String HOST = URI.create(OAuthBrowser.PUBLIC_URL).getHost();

  /** What a successful injection would set; the tests check it stays unset. */
  static final String INJECTED = "window.__mailbridgeInjected";

  private static ConsoleBrowser browser;

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @ArquillianResource URL base;

  private final HttpClient http = HttpClient.newHttpClient();
  private final String fake = "http://127.0.0.1:" + System.getenv("IT_FAKE_PROVIDERS_PORT");

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

  private String server() {
    return base.toString().replaceAll("/+$", "");
  }

  private ApiClient api() {
    return new ApiClient(server());
  }

  /** The console as people reach it: at the public URL, which the browser maps to the server. */
  private String console() {
    return OAuthBrowser.PUBLIC_URL + "/console/";
  }

  private ConsoleBrowser browser() {
    if (browser == null) {
      browser = new ConsoleBrowser(HOST, base.getPort());
    }
    return browser;
  }

  /** A fresh tab state (no session kept), then the sign-in form. */
  private void signIn(String email, String password) {
    ConsoleBrowser b = browser();
    b.open(console() + "#/mailboxes");
    // Signed in from an earlier test (the tab keeps its session): sign out like a person would.
    if (b.visible("#signin, #who:not([hidden])").getAttribute("id").equals("who")) {
      b.click("#signout");
      b.visible("#signin");
    }
    b.type("#signin input[name=email]", email);
    b.type("#signin input[name=password]", password);
    b.click("#signin-button");
  }

  private void signedInAs(String email) {
    browser().untilText("#who", email);
  }

  private void go(String route) {
    browser().script("location.hash = arguments[0];", "#/" + route);
    browser().until(d -> d.findElements(By.cssSelector("main .loading")).isEmpty());
    browser().visible("section.page[data-page^='" + route.split("/")[0] + "'] h1");
  }

  private void shot(String name) {
    browser().screenshot(SHOTS.resolve(name + ".png"));
  }

  private JsonObject control(String path, JsonObject body) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(fake + "/__test/" + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    return Json.createReader(new StringReader(response.body())).readObject();
  }

  /** Registers an app at the fake and who signs in at its consent screen; answers the secret. */
  private String fakeApp(String clientId, String account) throws Exception {
    String secret = "console secret " + clientId;
    control(
        "clients",
        Json.createObjectBuilder().add("clientId", clientId).add("secret", secret).build());
    control(
        "signed-in-accounts",
        Json.createObjectBuilder().add("clientId", clientId).add("account", account).build());
    return secret;
  }

  private void googleApp(String adminToken, String account) throws Exception {
    String clientId = "console-" + UUID.randomUUID() + ".apps.googleusercontent.com";
    String secret = fakeApp(clientId, account);
    ApiClient.Reply reply =
        api()
            .put(
                "/api/admin/providers/google",
                adminToken,
                Json.createObjectBuilder()
                    .add("clientId", clientId)
                    .add("clientSecret", secret)
                    .build()
                    .toString());
    assertEquals(200, reply.status(), reply.body());
  }

  private void assertNothingInjected() {
    assertNull(browser().script("return " + INJECTED + ";"), "an injected script ran");
  }

  @Test
  void anAdminCreatesAUserWhoSignsInSeesNoAdminPagesAndIsRefusedByTheApi() {
    signIn(ADMIN, ADMIN_PASSWORD);
    signedInAs(ADMIN);
    browser().visible("#menu a[data-route='users']");

    go("users");
    String email = TestOrgs.uniqueEmail("console user");
    browser().type("#new-user input[name=email]", email);
    browser().type("#new-user input[name=displayName]", "Console User");
    browser().type("#new-user input[name=password]", "short");
    browser().click("#create-user");
    // The API's sentence shows next to the field it is about.
    browser().visible("#new-user [data-error-for='password']");
    browser().type("#new-user input[name=password]", TestOrgs.PASSWORD);
    browser().click("#create-user");
    browser().untilText("section.page .status", email);
    browser().visible("[data-user-toggle='" + email + "']");
    shot("users");
    // A complete address is looked up on the server (case ignored): only that user is listed.
    browser().type("section.page input[name=filter]", email.toUpperCase(java.util.Locale.ROOT));
    browser()
        .until(d -> d.findElements(By.cssSelector("#user-list [data-user-toggle]")).size() == 1);
    browser().visible("[data-user-toggle='" + email + "']");

    browser().click("#signout");
    browser().untilText("#signin-notice", "signed out");
    shot("sign-in");

    signIn(email, TestOrgs.PASSWORD);
    signedInAs(email);
    List<String> menu =
        browser().driver().findElements(By.cssSelector("#menu a")).stream()
            .map(a -> a.getAttribute("data-route"))
            .toList();
    assertTrue(
        menu.containsAll(List.of("mailboxes", "activity", "records", "setup")), menu.toString());
    for (String admin :
        List.of(
            "users",
            "providers",
            "exchange",
            "connections",
            "audit",
            "keys",
            "productivity",
            "org")) {
      assertFalse(menu.contains(admin), admin + " is in a user's menu: " + menu);
    }
    browser().script("location.hash = '#/users';");
    browser().visible("#admin-only");
    // The API refuses them anyway.
    String userToken = api().accessToken(email, TestOrgs.PASSWORD);
    for (String path :
        List.of(
            "/api/admin/users",
            "/api/admin/audit",
            "/api/admin/keys",
            "/api/admin/org",
            "/api/admin/productivity/settings")) {
      assertEquals(403, api().get(path, userToken).status(), path);
    }

    // The session ends under the page (the account is disabled elsewhere): the next call says so.
    String adminToken = api().accessToken(ADMIN, ADMIN_PASSWORD);
    String userId = api().get("/api/auth/me", userToken).json().getString("id");
    assertEquals(
        200, api().patch("/api/admin/users/" + userId, adminToken, "{\"disabled\":true}").status());
    browser().script("location.hash = '#/activity';");
    browser().untilText("#signin-notice", "session has ended");
    assertEquals(
        200,
        api().patch("/api/admin/users/" + userId, adminToken, "{\"disabled\":false}").status());

    // Disabled by the admin in the console, the user can no longer sign in, and is told so.
    signIn(ADMIN, ADMIN_PASSWORD);
    signedInAs(ADMIN);
    go("users");
    browser().click("[data-user-toggle='" + email + "']");
    browser().untilText("section.page .status", "can no longer sign in");
    signIn(email, TestOrgs.PASSWORD);
    browser().visible("#signin .error");
    assertTrue(browser().driver().findElements(By.cssSelector("#who:not([hidden])")).isEmpty());
  }

  @Test
  void aGoogleMailboxIsConnectedThroughTheProviderListedAndRevoked() throws Exception {
    String adminToken = api().accessToken(ADMIN, ADMIN_PASSWORD);
    String account =
        "console-" + UUID.randomUUID().toString().substring(0, 8) + "@customer.example";
    googleApp(adminToken, account);

    signIn(ADMIN, ADMIN_PASSWORD);
    signedInAs(ADMIN);
    go("mailboxes");
    browser().click("#connect-google");
    // Google's consent (the fake agrees at once), then Mailbridge's outcome page.
    browser()
        .until(d -> d.findElements(By.cssSelector("main[data-outcome='connected']")).size() == 1);
    browser().click("#back");
    // Back in the console, still signed in: the tab kept its session.
    signedInAs(ADMIN);
    browser().visible("#mailbox-list [data-address='" + account + "']");
    shot("mailboxes");

    browser().click("[data-revoke='" + account + "']");
    browser().click("[data-revoke='" + account + "']");
    browser().untilText("section.page .status", account + " is disconnected");
    browser()
        .until(d -> d.findElements(By.cssSelector("[data-address='" + account + "']")).isEmpty());
    ApiClient.Reply left = api().get("/api/mailboxes", adminToken);
    assertFalse(left.body().contains(account), left.body());
  }

  @Test
  void aFailedSendShowsItsReasonAndSendsAreMovedOrCancelledFromTheConsole() throws Exception {
    String adminToken = api().accessToken(ADMIN, ADMIN_PASSWORD);
    String account = "later-" + UUID.randomUUID().toString().substring(0, 8) + "@customer.example";
    googleApp(adminToken, account);
    HttpResponse<String> connected =
        new OAuthBrowser(server()).connect("google", adminToken, account);
    assertEquals("connected", OAuthBrowser.outcome(connected), connected.body());
    String mailboxId =
        OAuthOrgs.mailboxes(api(), adminToken).stream()
            .filter(m -> m.getString("address").equals(account))
            .findFirst()
            .orElseThrow()
            .getString("id");
    Instant inThreeDays = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MINUTES);
    String later =
        scheduleSend(
            adminToken,
            mailboxId,
            account,
            "<img src=x onerror=\"" + INJECTED + "=1\">",
            inThreeDays);
    String refused = scheduleSend(adminToken, mailboxId, account, "Refused offer", Instant.now());
    // The rep removed Mailbridge at Google: the due send fails for good, with a reason.
    control("revoke", Json.createObjectBuilder().add("account", account).build());
    String state = "SCHEDULED";
    for (int i = 0; i < 30 && !state.equals("FAILED"); i++) {
      http.send(
          HttpRequest.newBuilder(URI.create(server() + "/__it/jobs/run"))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.ofString());
      state = send(adminToken, refused).getString("state");
    }
    assertEquals("FAILED", state);
    String problem = send(adminToken, refused).getString("problem");

    signIn(ADMIN, ADMIN_PASSWORD);
    signedInAs(ADMIN);
    go("sends");
    browser().untilText("#send-failures", "could not be sent");
    browser().untilText("[data-problem='" + refused + "']", problem);
    assertEquals(
        "Not sent", browser().visible("[data-state='" + refused + "']").getText().split("\n")[0]);
    // The subject that looks like markup stays text.
    browser().untilText("#send-list", "<img src=x");
    assertNothingInjected();
    shot("sends");

    // Moved: the waiting one goes a day later, at the minute chosen in the reader's time zone.
    Instant moved = inThreeDays.plus(Duration.ofDays(1));
    browser()
        .script(
            "const input = document.querySelector(arguments[0]);"
                + " const d = new Date(arguments[1]);"
                + " const pad = (n) => String(n).padStart(2, '0');"
                + " input.value = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-'"
                + " + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());",
            "[data-at='" + later + "']",
            moved.toString());
    browser().click("[data-reschedule='" + later + "']");
    browser().untilText("section.page .status", "Scheduled for");
    assertEquals(moved, Instant.parse(send(adminToken, later).getString("sendAt")));

    // Cancelled, after the second press: the failed one is not tried again.
    browser().click("[data-cancel='" + refused + "']");
    browser().click("[data-cancel='" + refused + "']");
    browser().untilText("section.page .status", "Cancelled");
    assertEquals("CANCELLED", send(adminToken, refused).getString("state"));
    browser()
        .until(d -> d.findElements(By.cssSelector("[data-cancel='" + refused + "']")).isEmpty());
    assertTrue(
        browser().driver().findElements(By.cssSelector("#send-failures .notice")).isEmpty(),
        "no failure notice once the failed send is cancelled");
    assertEquals(200, api().delete("/api/scheduled-sends/" + later, adminToken).status());
  }

  private String scheduleSend(
      String token, String mailboxId, String from, String subject, Instant at) {
    String mime =
        "MIME-Version: 1.0\r\nFrom: "
            + from
            + "\r\nTo: nora@customer.example\r\nSubject: "
            + subject
            + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello Nora\r\n";
    ApiClient.Reply reply =
        api()
            .post(
                "/api/scheduled-sends",
                token,
                Json.createObjectBuilder()
                    .add("mailboxId", mailboxId)
                    .add("sendAt", at.toString())
                    .add(
                        "mime",
                        java.util.Base64.getEncoder()
                            .encodeToString(mime.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .build()
                    .toString());
    assertEquals(201, reply.status(), reply.body());
    return reply.json().getString("id");
  }

  private JsonObject send(String token, String id) {
    ApiClient.Reply reply = api().get("/api/scheduled-sends/" + id, token);
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  @Test
  void anAdminConsentsForAMicrosoftTenantFromTheProvidersPage() throws Exception {
    String clientId = UUID.randomUUID().toString();
    String tenant = UUID.randomUUID().toString();
    String tenantAdmin = "admin@" + tenant.substring(0, 8) + ".example";
    String secret = fakeApp(clientId, tenantAdmin);
    control(
        "tenants",
        Json.createObjectBuilder().add("admin", tenantAdmin).add("tenant", tenant).build());

    signIn(ADMIN, ADMIN_PASSWORD);
    signedInAs(ADMIN);
    go("providers");
    String form = "form[data-provider='microsoft'] ";
    browser().type(form + "input[name=clientId]", clientId);
    browser().type(form + "input[name=clientSecret]", secret);
    browser().click(form + "button[type=submit]");
    browser().untilText(form + ".status", "Saved");
    browser().click("#tenant-consent");
    browser()
        .until(d -> d.findElements(By.cssSelector("main[data-outcome='consented']")).size() == 1);
    browser().click("#back");
    signedInAs(ADMIN);
    browser().untilText("#tenant-list", tenant);
    shot("providers");
  }

  @Test
  void rotatingTheKeyShowsTheReencryptionUntilItIsDone() throws Exception {
    signIn(ADMIN, ADMIN_PASSWORD);
    signedInAs(ADMIN);
    go("keys");
    browser().click("#rotate-key");
    browser().click("#rotate-key");
    browser()
        .until(
            d -> {
              String state = d.findElement(By.id("reencryption-state")).getAttribute("data-state");
              return "queued".equals(state) || "running".equals(state) ? state : null;
            });
    shot("keys");
    // The job timer is off in the suite: run the due jobs until the page, polling, says done.
    for (int i = 0; i < 120; i++) {
      http.send(
          HttpRequest.newBuilder(URI.create(server() + "/__it/jobs/run"))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
      Object state =
          browser().script("return document.getElementById('reencryption-state').dataset.state;");
      if ("done".equals(state)) {
        break;
      }
      Thread.sleep(500);
    }
    browser().untilText("#reencryption-state", "Done");
    WebElement bar = browser().visible("#reencryption-progress");
    assertEquals(bar.getAttribute("max"), bar.getAttribute("value"));
    shot("keys-done");
  }

  @Test
  void aContactsTimelineShowsTheLoggedMailInertAndItsAttachmentDownloads() throws Exception {
    String adminToken = api().accessToken(ADMIN, ADMIN_PASSWORD);
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String customer = "nora." + tag + "@fabrikam.example";
    String hostileName = "<img src=x onerror=\"" + INJECTED + "=1\">Field";
    ApiClient.Reply contact =
        api()
            .post(
                "/api/records/contacts",
                adminToken,
                Json.createObjectBuilder()
                    .add("firstName", "Nora" + tag)
                    .add("lastName", hostileName)
                    .add("emails", Json.createArrayBuilder().add(customer))
                    .build()
                    .toString());
    assertEquals(201, contact.status(), contact.body());
    String contactId = contact.json().getString("id");

    // The admin's Gmail, connected over HTTP, holds a mail with markup in its subject and body.
    String account = "console-gmail-" + tag + "@customer.example";
    googleApp(adminToken, account);
    String mailboxId =
        io.mailbridge.it.providers.OAuthOrgs.connect(server(), adminToken, "google", account);
    String subject = "<script>" + INJECTED + "=2</script>Proposal " + tag;
    byte[] quote = ("%PDF-1.4 the quote " + tag).getBytes(StandardCharsets.UTF_8);
    String messageId =
        Long.toHexString(UUID.randomUUID().getMostSignificantBits() & Long.MAX_VALUE);
    control(
        "gmail-messages",
        Json.createObjectBuilder()
            .add("account", account)
            .add("id", messageId)
            .add("raw", Base64.getEncoder().encodeToString(mail(subject, customer, account, quote)))
            .add("labels", Json.createArrayBuilder().add("INBOX"))
            .build());
    ApiClient.Reply logged =
        api()
            .post(
                "/api/gmail/log",
                adminToken,
                Json.createObjectBuilder()
                    .add("messageId", messageId)
                    .add("mailboxId", mailboxId)
                    .add("recordIds", Json.createArrayBuilder().add(contactId))
                    .add("attachmentIds", Json.createArrayBuilder().add("1"))
                    .build()
                    .toString());
    assertEquals(200, logged.status(), logged.body());

    signIn(ADMIN, ADMIN_PASSWORD);
    signedInAs(ADMIN);
    go("records/contacts");
    browser().type("#record-search input[name=q]", "Nora" + tag);
    browser().click("#record-search button");
    browser()
        .until(
            d ->
                d.findElements(By.cssSelector("#record-list tbody tr")).size() == 1
                    && !d.findElements(By.cssSelector("[data-record-id='" + contactId + "']"))
                        .isEmpty());
    shot("records");

    // A CSV import shows its progress and then its report.
    Path csv = Files.createTempFile(Path.of("target"), "console-import", ".csv");
    Files.writeString(
        csv, "firstName,lastName,email\nIda" + tag + ",Import,ida." + tag + "@fabrikam.example\n");
    browser().click("#import-panel summary");
    browser()
        .driver()
        .findElement(By.cssSelector("#import-form input[type=file]"))
        .sendKeys(csv.toAbsolutePath().toString());
    browser().click("#import-form button[type=submit]");
    browser().untilText("#import-form .status", "Created 1, updated 0");
    assertEquals(
        "100", browser().visible("#import-form progress").getAttribute("value"), "upload done");
    Files.delete(csv);

    browser().click("[data-record-id='" + contactId + "']");
    // The name is shown as the text it is.
    browser().untilText("#page-title", "Nora" + tag + " " + hostileName);
    assertTrue(browser().driver().findElements(By.cssSelector("main img")).isEmpty());

    WebElement entry = browser().visible("#timeline button[data-activity]");
    assertEquals(subject, entry.getText());
    entry.click();
    WebElement frame = browser().visible("iframe.mail");
    assertEquals(
        "", frame.getAttribute("sandbox"), "the mail frame is sandboxed without exceptions");
    String srcdoc = frame.getAttribute("srcdoc");
    assertTrue(srcdoc.contains("Hello <b>Nora</b>"), srcdoc);
    assertFalse(srcdoc.contains("<script"), srcdoc);
    assertFalse(srcdoc.contains("onerror"), srcdoc);
    browser().driver().switchTo().frame(frame);
    assertTrue(browser().driver().findElement(By.tagName("body")).getText().contains("Hello Nora"));
    browser().driver().switchTo().defaultContent();
    shot("record");

    browser().click("[data-attachment='quote.pdf']");
    assertArrayEquals(quote, browser().downloaded("quote.pdf"));
    assertNothingInjected();

    // Even markup that got past the sanitizer could not run: the page's policy forbids inline code.
    browser()
        .script(
            "document.body.insertAdjacentHTML('beforeend', '<img src=\"data:,x\" onerror=\""
                + INJECTED
                + "=3\"><img src=\"/nothing\" onerror=\""
                + INJECTED
                + "=4\">');");
    Thread.sleep(500);
    assertNothingInjected();

    // My activity lists the mail and leads to the contact.
    go("activity");
    browser().untilText("#activity-list", "Proposal " + tag);
    shot("activity");
    browser().click("#activity-list a[href='#/records/contacts/" + contactId + "']");
    browser().untilText("#page-title", "Nora" + tag + " " + hostileName);
    assertNothingInjected();
  }

  @Test
  void everyMainPageRendersAtDesktopSizeAndTheFirstPageIsLight() throws Exception {
    signIn(ADMIN, ADMIN_PASSWORD);
    signedInAs(ADMIN);
    browser().click("#signout");
    // A fresh document from an empty cache: what someone who opens the console first loads.
    browser().forgetCache();
    browser().driver().navigate().refresh();
    browser().visible("#signin");
    long signInBytes = pageWeight();
    signIn(ADMIN, ADMIN_PASSWORD);
    signedInAs(ADMIN);
    browser().visible("#mailbox-list");
    long homeBytes = pageWeight();
    Files.createDirectories(SHOTS);
    Files.writeString(
        SHOTS.resolve("page-weight.txt"),
        "sign-in page (HTML+JS+CSS, uncompressed): "
            + signInBytes
            + " bytes\nfirst page after sign-in (My mailboxes, same document): "
            + homeBytes
            + " bytes\n");
    assertTrue(signInBytes > 1000 && signInBytes < 60_000, "sign-in page weighs " + signInBytes);
    assertTrue(homeBytes < 80_000, "first page weighs " + homeBytes);

    for (String page : List.of("setup", "exchange", "connections", "audit", "users")) {
      go(page);
      assertTrue(
          browser().driver().findElements(By.cssSelector("main .error[role=alert]")).stream()
              .noneMatch(WebElement::isDisplayed),
          page + " shows an error");
      shot(page);
    }
    go("audit");
    browser().visible("#audit-list table");

    // Org settings: the name is changed through the API and audited.
    go("org");
    String name = "Console suite org " + UUID.randomUUID().toString().substring(0, 6);
    browser().type("#org-settings input[name=name]", name);
    browser().click("#org-settings button[type=submit]");
    browser().untilText("#org-settings .status", "Saved");
    shot("org");
    String adminToken = api().accessToken(ADMIN, ADMIN_PASSWORD);
    assertEquals(name, api().get("/api/admin/org", adminToken).json().getString("name"));
    go("audit");
    browser().untilText("#audit-list", "org.rename");
    // The Action filter offers what the server knows and asks the server for only those events.
    browser()
        .script(
            "const s = document.querySelector('#audit-filters select[name=action]');"
                + " s.value = 'org.rename'; s.dispatchEvent(new Event('change', {bubbles: true}));");
    browser()
        .until(
            d ->
                Boolean.TRUE.equals(
                    browser()
                        .script(
                            "const cells = [...document.querySelectorAll('#audit-list tbody td:nth-child(2)')];"
                                + " return cells.length > 0"
                                + " && cells.every(c => c.textContent === 'org.rename');")));

    // A phone-width screen: the menu stacks above the page, nothing overflows sideways.
    browser().viewport(390, 800);
    go("mailboxes");
    Number overflow =
        (Number)
            browser()
                .script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertTrue(overflow.intValue() <= 0, "the page scrolls sideways by " + overflow);
    shot("mailboxes-phone");
    browser().viewport(1280, 800);
  }

  @Test
  void anAdminWritesAnOrgShortcutAndPreviewsItWithARecordWhoseNameIsMarkup() {
    String adminToken = api().accessToken(ADMIN, ADMIN_PASSWORD);
    ApiClient.Reply contact =
        api()
            .post(
                "/api/records/contacts",
                adminToken,
                Json.createObjectBuilder()
                    .add("firstName", "<img src=x onerror=\"" + INJECTED + "=7\">")
                    .add("lastName", "Shortcut")
                    .build()
                    .toString());
    assertEquals(201, contact.status(), contact.body());
    signIn(ADMIN, ADMIN_PASSWORD);
    signedInAs(ADMIN);

    go("productivity");
    browser()
        .script(
            "document.querySelector('#productivity-settings input[name=trackingEnabled]').checked = true;");
    browser().type("#productivity-settings textarea[name=internalDomains]", "it.example");
    browser().click("#productivity-settings button[type=submit]");
    browser().untilText("#productivity-settings .status", "Saved");
    shot("productivity");
    JsonObject settings = api().get("/api/admin/productivity/settings", adminToken).json();
    assertTrue(settings.getBoolean("trackingEnabled"), settings.toString());

    go("shortcuts");
    String name = "Intro " + UUID.randomUUID().toString().substring(0, 6);
    browser().type("#shortcut-form input[name=name]", name);
    browser().type("#shortcut-form textarea[name=text]", "Hi {{contact.fistName}}");
    browser().script("document.querySelector('#shortcut-form select[name=scope]').value = 'ORG';");
    browser().click("#shortcut-form button[type=submit]");
    // The API's sentence about the misspelt merge field shows next to the text.
    browser().untilText("#shortcut-form [data-error-for='text']", "firstName");
    browser().type("#shortcut-form textarea[name=text]", "Hi {{contact.firstName|there}}!");
    browser().click("#shortcut-form button[type=submit]");
    browser().untilText("#shortcut-form .status", "Added");
    JsonObject created =
        api().get("/api/shortcuts", adminToken).json().getJsonArray("items").stream()
            .map(JsonValue::asJsonObject)
            .filter(s -> s.getString("name").equals(name))
            .findFirst()
            .orElseThrow();
    assertEquals("ORG", created.getString("scope"));

    browser().click("[data-preview='" + created.getString("id") + "']");
    browser().type("#shortcut-try input[name=recordId]", contact.json().getString("id"));
    browser().click("#shortcut-try button[type=submit]");
    browser().untilText("#shortcut-preview", "Hi <img src=x onerror=");
    assertTrue(
        browser().driver().findElements(By.cssSelector("#shortcut-preview img")).isEmpty(),
        "the record's markup is shown as text");
    assertNothingInjected();
    shot("shortcuts");
  }

  /**
   * Bytes of the document and of the console's scripts and styles it loaded, as the server sends
   * them (uncompressed): the browser names what it loaded, each is fetched again and counted.
   */
  @SuppressWarnings("unchecked")
  private long pageWeight() throws Exception {
    List<String> urls =
        (List<String>)
            browser()
                .script(
                    "return [location.href.split('#')[0]].concat(performance"
                        + ".getEntriesByType('resource').map(function (r) { return r.name; })"
                        + ".filter(function (n) { return n.indexOf('/console/') >= 0; }));");
    long total = 0;
    for (String url : new java.util.LinkedHashSet<>(urls)) {
      String local = url.replace(OAuthBrowser.PUBLIC_URL, server());
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(URI.create(local)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, response.statusCode(), url);
      total += response.body().length;
    }
    return total;
  }

  private static byte[] mail(String subject, String from, String to, byte[] pdf) {
    String mime =
        "MIME-Version: 1.0\r\n"
            + "From: Nora Field <"
            + from
            + ">\r\n"
            + "To: "
            + to
            + "\r\n"
            + "Subject: "
            + subject
            + "\r\n"
            + "Date: Tue, 03 Jun 2025 09:12:33 +0000\r\n"
            + "Message-ID: <console-"
            + UUID.randomUUID()
            + "@fabrikam.example>\r\n"
            + "Content-Type: multipart/mixed; boundary=\"m1\"\r\n\r\n"
            + "--m1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            + "<p>Hello <b>Nora</b></p><script>"
            + INJECTED
            + "=5</script><img src=x onerror=\""
            + INJECTED
            + "=6\">\r\n"
            + "--m1\r\nContent-Type: application/pdf; name=\"quote.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"quote.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(pdf)
            + "\r\n--m1--\r\n";
    return mime.getBytes(StandardCharsets.UTF_8);
  }
}
