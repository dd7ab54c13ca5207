package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.browser.TaskPaneBrowser;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.IdentityTokens;
import io.mailbridge.it.exchange.TestCertificates;
import io.mailbridge.itsupport.MachineRequirement;
import io.mailbridge.itsupport.Needs;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
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
 * inserted at the cursor ({@code body.setSelectedDataAsync}), and the draft read through the
 * compose APIs and scheduled to be sent later from the rep's Exchange mailbox (the org's Exchange
 * connection), logged to the chosen contact.
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

  @Test
  void insertAShortcutFilledFromTheRecipientAndScheduleTheDraft() throws Exception {
    String server = base.toString().replaceAll("/+$", "");
    ApiClient api = new ApiClient(server);
    String admin = api.accessToken("admin@it.example", "integration suite admin password");
    String repEmail = TestOrgs.uniqueEmail("compose rep");
    assertEquals(
        201,
        api.post(
                "/api/admin/users",
                admin,
                Json.createObjectBuilder()
                    .add("email", repEmail)
                    .add("displayName", "Compose Rep")
                    .add("role", "USER")
                    .add("password", TestOrgs.PASSWORD)
                    .build()
                    .toString())
            .status());
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
      assertEquals(
          200,
          api.put(
                  "/api/admin/exchange/hosts",
                  admin,
                  "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]")
              .status());
      // The org's Exchange connection covers the rep: send later goes through it.
      ApiClient.Reply connection =
          api.put(
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
              .add(
                  "compose",
                  Json.createObjectBuilder()
                      .add("itemType", "message")
                      .add("subject", "Our proposal")
                      .add(
                          "to",
                          Json.createArrayBuilder()
                              .add(
                                  Json.createObjectBuilder()
                                      .add("emailAddress", customer)
                                      .add("displayName", "Erin Contoso")))
                      .add("cc", Json.createArrayBuilder())
                      .add("bodyHtml", "<html><body><p>Draft start.</p></body></html>"))
              .build();
      browser.injectFakeOffice(office.toString());

      browser.open(server + "/addin/taskpane.html");
      String pane = browser.driver().getWindowHandle();
      browser.visible("#signup-button").click();
      browser.switchToOtherWindow(pane);
      browser.visible("#email").sendKeys(repEmail);
      browser.driver().findElement(By.id("password")).sendKeys(TestOrgs.PASSWORD);
      browser.driver().findElement(By.id("link-button")).click();
      browser.until(d -> d.getWindowHandles().size() == 1);
      browser.driver().switchTo().window(pane);

      // Compose mode: the read-mode list is not there; the recipient's contact is offered.
      browser.visible("#compose");
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

      // Send later: the pane reads the draft (subject, to, cc, body) and schedules it.
      LocalDateTime at =
          LocalDateTime.now(ZoneId.systemDefault()).plusDays(1).truncatedTo(ChronoUnit.MINUTES);
      String local = at.toString().substring(0, 16);
      browser.script(
          "var input = document.getElementById('send-at'); input.value = arguments[0];"
              + " input.dispatchEvent(new Event('input'));",
          local);
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
}
