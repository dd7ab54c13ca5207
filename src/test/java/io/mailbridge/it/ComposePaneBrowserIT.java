package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.browser.TaskPaneBrowser;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.IdentityTokens;
import io.mailbridge.it.exchange.TestCertificates;
import io.mailbridge.it.providers.OAuthBrowser;
import io.mailbridge.itsupport.MachineRequirement;
import io.mailbridge.itsupport.Needs;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The task pane in Outlook's compose window, in headless Chromium with the fake Office.js compose
 * APIs, signed in on Exchange on-premises: a shortcut rendered with the recipient's contact and
 * inserted at the cursor ({@code body.setSelectedDataAsync}); the draft read through the compose
 * APIs and scheduled to be sent later from the rep's Exchange mailbox (the org's Exchange
 * connection), logged to the chosen contact; free times of the rep's Google calendar (the fake)
 * inserted as text in the rep's time zone with the booking link, and the API's sentence shown when
 * the rep has no calendar; and a draft's Bcc and file attachment sent later, an attached Outlook
 * item named to the rep before anything is scheduled.
 */
@Needs(MachineRequirement.CHROMIUM)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ComposePaneBrowserIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @ArquillianResource URL base;

  private final HttpClient http = HttpClient.newHttpClient();
  private final String fakeProviders =
      "http://127.0.0.1:" + System.getenv("IT_FAKE_PROVIDERS_PORT");

  private String server() {
    return base.toString().replaceAll("/+$", "");
  }

  private ApiClient api() {
    return new ApiClient(server());
  }

  private String admin() {
    return api().accessToken("admin@it.example", "integration suite admin password");
  }

  /** A new rep of the suite's org; answers their email. */
  private String newRep(String admin, String displayName) {
    String email = TestOrgs.uniqueEmail("compose rep");
    ApiClient.Reply created =
        api()
            .post(
                "/api/admin/users",
                admin,
                Json.createObjectBuilder()
                    .add("email", email)
                    .add("displayName", displayName)
                    .add("role", "USER")
                    .add("password", TestOrgs.PASSWORD)
                    .build()
                    .toString());
    assertEquals(201, created.status(), created.body());
    return email;
  }

  /** The org's Exchange connection at this fake, for every rep who linked the add-in. */
  private void connectExchange(String admin, FakeExchange exchange) {
    assertEquals(
        200,
        api()
            .put(
                "/api/admin/exchange/hosts",
                admin,
                "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]")
            .status());
    ApiClient.Reply connection =
        api()
            .put(
                "/api/admin/exchange/connection",
                admin,
                Json.createObjectBuilder()
                    .add("ewsUrl", exchange.ewsUrl())
                    .add("auth", "basic")
                    .add("username", "svc-mailbridge")
                    .add("password", "compose test password")
                    .add("users", "linked")
                    .build()
                    .toString());
    assertEquals(200, connection.status(), connection.body());
  }

  /**
   * Opens the pane on this draft with Outlook's Exchange identity, links the rep's account through
   * the sign-up dialog and waits for compose mode.
   */
  private void openSignedIn(
      TaskPaneBrowser browser,
      FakeExchange exchange,
      TestCertificates.SigningKey key,
      String repEmail,
      JsonObject compose)
      throws Exception {
    String identityToken =
        IdentityTokens.sign(
            IdentityTokens.claims(
                ExchangeAddinIT.AUDIENCE, exchange.metadataUrl(), UUID.randomUUID().toString()),
            key);
    JsonObject office =
        Json.createObjectBuilder()
            .add("identityToken", identityToken)
            .add("callbackToken", "compose-callback-token")
            .add("ewsUrl", exchange.ewsUrl())
            .add(
                "userProfile",
                Json.createObjectBuilder()
                    .add("emailAddress", repEmail)
                    .add("displayName", "Compose Rep"))
            .add("compose", compose)
            .build();
    browser.injectFakeOffice(office.toString());
    browser.open(server() + "/addin/taskpane.html");
    String pane = browser.driver().getWindowHandle();
    browser.visible("#signup-button").click();
    browser.switchToOtherWindow(pane);
    browser.visible("#email").sendKeys(repEmail);
    browser.driver().findElement(By.id("password")).sendKeys(TestOrgs.PASSWORD);
    browser.driver().findElement(By.id("link-button")).click();
    browser.until(d -> d.getWindowHandles().size() == 1);
    browser.driver().switchTo().window(pane);
    browser.visible("#compose");
  }

  private static JsonObject recipient(String email, String name) {
    return Json.createObjectBuilder().add("emailAddress", email).add("displayName", name).build();
  }

  private static void setSendAt(TaskPaneBrowser browser, LocalDateTime at) {
    browser.script(
        "var input = document.getElementById('send-at'); input.value = arguments[0];"
            + " input.dispatchEvent(new Event('input'));",
        at.toString().substring(0, 16));
  }

  private JsonObject control(String path, JsonObject body) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(fakeProviders + "/__test/" + path))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    return Json.createReader(new StringReader(response.body())).readObject();
  }

  @Test
  void insertAShortcutFilledFromTheRecipientAndScheduleTheDraft() throws Exception {
    ApiClient api = api();
    String admin = admin();
    String repEmail = newRep(admin, "Compose Rep");
    String customer = "erin." + UUID.randomUUID().toString().substring(0, 6) + "@contoso.example";
    ApiClient.Reply contact =
        api.post(
            "/api/records/contacts",
            admin,
            Json.createObjectBuilder()
                .add("firstName", "Erin")
                .add("lastName", "Contoso")
                .add("emails", Json.createArrayBuilder().add(customer))
                .build()
                .toString());
    assertEquals(201, contact.status(), contact.body());
    String contactId = contact.json().getString("id");
    String rep = api.accessToken(repEmail, TestOrgs.PASSWORD);
    String shortcutName = "Greeting " + UUID.randomUUID().toString().substring(0, 6);
    ApiClient.Reply shortcut =
        api.post(
            "/api/shortcuts",
            rep,
            Json.createObjectBuilder()
                .add("name", shortcutName)
                .add("text", "Hello {{contact.firstName}}, thanks for your time.")
                .build()
                .toString());
    assertEquals(201, shortcut.status(), shortcut.body());

    TestCertificates.SigningKey key = TestCertificates.create("Exchange Compose Test", 1, 30);
    try (FakeExchange exchange = FakeExchange.start(key.certificate());
        TaskPaneBrowser browser = new TaskPaneBrowser()) {
      // The org's Exchange connection covers the rep: send later goes through it.
      connectExchange(admin, exchange);
      openSignedIn(
          browser,
          exchange,
          key,
          repEmail,
          Json.createObjectBuilder()
              .add("itemType", "message")
              .add("subject", "Our proposal")
              .add("to", Json.createArrayBuilder().add(recipient(customer, "Erin Contoso")))
              .add("cc", Json.createArrayBuilder())
              .add("bodyHtml", "<html><body><p>Draft start.</p></body></html>")
              .build());

      // Compose mode: the read-mode list is not there; the recipient's contact is offered.
      assertFalse(browser.driver().findElement(By.id("main")).isDisplayed());
      browser.until(
          d ->
              !d.findElements(By.cssSelector("#compose-record option[value='" + contactId + "']"))
                  .isEmpty());
      assertEquals(
          contactId,
          new Select(browser.driver().findElement(By.id("compose-record")))
              .getFirstSelectedOption()
              .getAttribute("value"));

      // Insert the shortcut, filled from Erin's contact, where the cursor is.
      browser.until(d -> d.findElement(By.id("insert-shortcut")).isEnabled());
      new Select(browser.driver().findElement(By.id("shortcut-select")))
          .selectByVisibleText(shortcutName);
      browser.click("#insert-shortcut");
      String inserted =
          browser.until(
              d ->
                  (String)
                      browser.script(
                          "var i = window.__mailbridgeFake.draft.insertions;"
                              + " return i.length ? i[0].coercionType + '|' + i[0].data : null;"));
      assertTrue(inserted.startsWith("html|"), inserted);
      assertTrue(inserted.contains("Hello Erin, thanks for your time."), inserted);

      // Send later: the pane reads the draft (subject, to, cc, bcc, body, attachments: none) and
      // schedules it.
      LocalDateTime at =
          LocalDateTime.now(ZoneId.systemDefault()).plusDays(1).truncatedTo(ChronoUnit.MINUTES);
      setSendAt(browser, at);
      browser.click("#send-later");
      browser.until(
          d -> d.findElement(By.id("send-later-state")).getText().startsWith("Scheduled for"));

      ApiClient.Reply sends = api.get("/api/scheduled-sends", rep);
      assertEquals(200, sends.status(), sends.body());
      List<JsonObject> items = sends.json().getJsonArray("items").getValuesAs(JsonObject.class);
      assertEquals(1, items.size(), items.toString());
      JsonObject send = items.get(0);
      assertEquals("SCHEDULED", send.getString("state"));
      assertEquals("Our proposal", send.getString("subject"));
      assertEquals(
          List.of(contactId),
          send.getJsonArray("recordIds").getValuesAs(jakarta.json.JsonString.class).stream()
              .map(jakarta.json.JsonString::getString)
              .toList());
      assertEquals(
          at.atZone(ZoneId.systemDefault()).toInstant(), Instant.parse(send.getString("sendAt")));
      // The rep connected no Microsoft 365 or Gmail mailbox: it goes from their Exchange mailbox.
      assertFalse(send.isNull("mailboxId"));
      assertEquals(
          send.getString("id"),
          browser.driver().findElement(By.id("send-later-state")).getAttribute("data-send-id"));
      // Nothing went out now: the job sends it at its time.
      assertEquals(List.of(), exchange.sentMessageIds(repEmail));
    }
  }

  @Test
  void insertFreeTimesInTheRepsTimeZoneWithTheBookingLink() throws Exception {
    ApiClient api = api();
    String admin = admin();
    String repEmail = newRep(admin, "Avail Rep");
    String rep = api.accessToken(repEmail, TestOrgs.PASSWORD);
    ZoneId kolkata = ZoneId.of("Asia/Kolkata");

    TestCertificates.SigningKey key = TestCertificates.create("Exchange Availability Test", 1, 30);
    try (FakeExchange exchange = FakeExchange.start(key.certificate());
        TaskPaneBrowser browser = new TaskPaneBrowser()) {
      connectExchange(admin, exchange);
      openSignedIn(
          browser,
          exchange,
          key,
          repEmail,
          Json.createObjectBuilder()
              .add("itemType", "message")
              .add("subject", "Let's meet")
              .add(
                  "to",
                  Json.createArrayBuilder()
                      .add(recipient("quinn@partner.example", "Quinn Partner")))
              .add("cc", Json.createArrayBuilder())
              .add("bodyHtml", "<html><body><p>When suits you?</p></body></html>")
              .build());
      // The rep's computer is in India (+05:30, no daylight saving): times there are unlike UTC's.
      browser.timeZone(kolkata.getId());
      new Select(browser.driver().findElement(By.id("availability-duration"))).selectByValue("45");

      // The Exchange admin has not let the service account impersonate this rep yet: the API's
      // sentence, with Exchange's code, and nothing inserted.
      browser.click("#insert-availability");
      String error =
          browser.until(
              d -> {
                String text = d.findElement(By.id("error")).getText();
                return text.isEmpty() ? null : text;
              });
      assertTrue(error.contains("ErrorImpersonateUserDenied"), error);
      browser.until(d -> d.findElement(By.id("insert-availability")).isEnabled());
      assertEquals(
          0L,
          browser.script("return window.__mailbridgeFake.draft.insertions.length;"),
          "nothing inserted");

      // Impersonation granted (the fake's calendar is empty): the rep's Exchange calendar is read.
      exchange.impersonable.add(repEmail);
      browser.click("#insert-availability");
      String link =
          browser.until(
              d -> d.findElement(By.id("availability-state")).getAttribute("data-booking-url"));
      assertFalse(browser.driver().findElement(By.id("error")).isDisplayed());
      assertTrue(link.startsWith(OAuthBrowser.PUBLIC_URL + "/book/b."), link);
      List<?> insertions =
          (List<?>) browser.script("return window.__mailbridgeFake.draft.insertions;");
      assertEquals(1, insertions.size());
      Map<?, ?> insertion = (Map<?, ?>) insertions.get(0);
      assertEquals("html", insertion.get("coercionType"));
      String html = (String) insertion.get("data");
      // The link the API returned, as a link; the zone named.
      assertTrue(html.contains("<a href=\"" + link + "\">"), html);
      // Chromium's ICU names the zone by its older id, which the server takes as well.
      assertTrue(html.contains("Asia/Kolkata") || html.contains("Asia/Calcutta"), html);

      // The offered slots are the booking page's; each is in the text on India's clock.
      String token = link.substring(link.lastIndexOf('/') + 1);
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(server() + "/book/" + token)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      Matcher slot =
          Pattern.compile("name=\"slot\" id=\"slot-\\d+\" value=\"([^\"]+)\"").matcher(page.body());
      DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm");
      List<String> spans = new ArrayList<>();
      while (slot.find()) {
        Instant start = Instant.parse(slot.group(1));
        spans.add(
            clock.format(start.atZone(kolkata))
                + "\u2013"
                + clock.format(start.plus(Duration.ofMinutes(45)).atZone(kolkata)));
      }
      assertFalse(spans.isEmpty(), page.body());
      for (String span : spans) {
        assertTrue(html.contains(span), span + " not in " + html);
      }
      // Working hours on India's wall clock: the first slot of a day starts at 09:00 there.
      assertTrue(html.contains("09:00\u201309:45"), html);
    }
  }

  @Test
  void sendLaterCarriesBccAndFilesAndNamesWhatCannotGo() throws Exception {
    ApiClient api = api();
    String admin = admin();
    String repEmail = newRep(admin, "Bcc Rep");
    String rep = api.accessToken(repEmail, TestOrgs.PASSWORD);
    String customer = "otto." + UUID.randomUUID().toString().substring(0, 6) + "@contoso.example";
    String boss = "boss." + UUID.randomUUID().toString().substring(0, 6) + "@fabrikam.example";
    byte[] pdf = new byte[3000];
    for (int i = 0; i < pdf.length; i++) {
      pdf[i] = (byte) (i * 31 + 7);
    }
    JsonArrayBuilder attachments =
        Json.createArrayBuilder()
            .add(
                Json.createObjectBuilder()
                    .add("id", "att-file-1")
                    .add("name", "Offer 2026.pdf")
                    .add("size", pdf.length)
                    .add("attachmentType", "file")
                    .add("content", Base64.getEncoder().encodeToString(pdf)))
            .add(
                Json.createObjectBuilder()
                    .add("id", "att-item-2")
                    .add("name", "Earlier thread")
                    .add("size", 1200)
                    .add("attachmentType", "item")
                    .add("content", "Subject: Earlier thread\r\n\r\nHello\r\n"));

    TestCertificates.SigningKey key = TestCertificates.create("Exchange Bcc Test", 1, 30);
    try (FakeExchange exchange = FakeExchange.start(key.certificate());
        TaskPaneBrowser browser = new TaskPaneBrowser()) {
      connectExchange(admin, exchange);
      exchange.impersonable.add(repEmail);
      openSignedIn(
          browser,
          exchange,
          key,
          repEmail,
          Json.createObjectBuilder()
              .add("itemType", "message")
              .add("subject", "Offer with attachment")
              .add("to", Json.createArrayBuilder().add(recipient(customer, "Otto Contoso")))
              .add("cc", Json.createArrayBuilder())
              .add("bcc", Json.createArrayBuilder().add(recipient(boss, "The Boss")))
              .add("attachments", attachments)
              .add("bodyHtml", "<html><body><p>Please find the offer.</p></body></html>")
              .build());

      setSendAt(
          browser,
          LocalDateTime.now(ZoneId.systemDefault()).plusDays(1).truncatedTo(ChronoUnit.MINUTES));
      browser.click("#send-later");
      // The Outlook item cannot go with it: the rep is told before anything is scheduled.
      String warning = browser.visible("#send-later-warning").getText();
      assertTrue(warning.contains("Earlier thread (an Outlook item)"), warning);
      assertFalse(warning.contains("Offer 2026.pdf"), warning);
      assertEquals(0, api.get("/api/scheduled-sends", rep).json().getJsonArray("items").size());
      assertEquals(
          0L, browser.script("return window.__mailbridgeFake.draft.attachmentReads.length;"));

      browser.click("#send-later-anyway");
      String state =
          browser.until(
              d -> {
                String text = d.findElement(By.id("send-later-state")).getText();
                return text.startsWith("Scheduled for") ? text : null;
              });
      assertTrue(state.contains("with 1 attachment(s), without Earlier thread"), state);
      assertFalse(browser.driver().findElement(By.id("send-later-ask")).isDisplayed());
      assertEquals(
          List.of("att-file-1"),
          browser.script("return window.__mailbridgeFake.draft.attachmentReads;"));
      String id =
          browser.driver().findElement(By.id("send-later-state")).getAttribute("data-send-id");

      // Due now; the suite's paused job pump runs while the send goes out through Exchange.
      ApiClient.Reply now =
          api.patch(
              "/api/scheduled-sends/" + id,
              rep,
              Json.createObjectBuilder()
                  .add("sendAt", Instant.now().toString())
                  .build()
                  .toString());
      assertEquals(200, now.status(), now.body());
      JsonObject send;
      control("job-pump", Json.createObjectBuilder().add("enabled", true).build());
      try {
        send = waitForEnd(api, rep, id);
      } finally {
        control("job-pump", Json.createObjectBuilder().add("enabled", false).build());
      }
      assertEquals("SENT", send.getString("state"), send.toString());

      FakeExchange.SentMessage sent =
          exchange.sent.stream()
              .filter(m -> m.internetMessageId().equals(send.getString("messageId")))
              .findFirst()
              .orElseThrow();
      assertTrue(sent.mailbox().equalsIgnoreCase(repEmail), sent.mailbox());
      MimeMessage mime =
          new MimeMessage(
              Session.getInstance(new Properties()), new ByteArrayInputStream(sent.mime()));
      assertEquals(List.of(customer), emails(mime.getRecipients(Message.RecipientType.TO)));
      assertEquals(List.of(boss), emails(mime.getRecipients(Message.RecipientType.BCC)));
      assertEquals("Offer with attachment", mime.getSubject());
      List<Part> files = new ArrayList<>();
      collectAttachments(mime, files);
      assertEquals(1, files.size(), "only the file goes");
      Part file = files.get(0);
      assertEquals("Offer 2026.pdf", MimeUtility.decodeText(file.getFileName()));
      assertTrue(file.getContentType().startsWith("application/pdf"), file.getContentType());
      assertArrayEquals(pdf, file.getInputStream().readAllBytes());
      assertFalse(
          new String(sent.mime(), StandardCharsets.ISO_8859_1).contains("Earlier thread"),
          "the Outlook item is not in the message");
    }
  }

  /** Polls the send until it is no longer waiting or being sent. */
  private static JsonObject waitForEnd(ApiClient api, String rep, String id)
      throws InterruptedException {
    JsonObject send = null;
    for (int i = 0; i < 240; i++) {
      ApiClient.Reply reply = api.get("/api/scheduled-sends/" + id, rep);
      assertEquals(200, reply.status(), reply.body());
      send = reply.json();
      String state = send.getString("state");
      if (!state.equals("SCHEDULED") && !state.equals("SENDING")) {
        return send;
      }
      Thread.sleep(500);
    }
    assertNotNull(send);
    return send;
  }

  private static List<String> emails(Address[] addresses) {
    List<String> out = new ArrayList<>();
    for (Address a : addresses == null ? new Address[0] : addresses) {
      out.add(((InternetAddress) a).getAddress());
    }
    return out;
  }

  private static void collectAttachments(Part part, List<Part> into) throws Exception {
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart child = multipart.getBodyPart(i);
        collectAttachments(child, into);
      }
    } else if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
      into.add(part);
    }
  }
}
