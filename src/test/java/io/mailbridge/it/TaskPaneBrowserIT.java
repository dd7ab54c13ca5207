package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.browser.TaskPaneBrowser;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.FakeExchange.FakeAttachment;
import io.mailbridge.it.exchange.FakeExchange.FakeItem;
import io.mailbridge.it.exchange.IdentityTokens;
import io.mailbridge.it.exchange.TestCertificates;
import io.mailbridge.it.exchange.TestMime;
import io.mailbridge.itsupport.MachineRequirement;
import io.mailbridge.itsupport.Needs;
import jakarta.json.Json;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * The task pane in headless Chromium against Mailbridge on Payara Micro, with a fake Office.js
 * (identity token signed by the test's key, EWS URL of the fake Exchange) injected by the test:
 * sign-up in the pop-up, the participants' records, logging with one attachment, and the "logged"
 * state of an item opened again. Runs in the test JVM; the server is reached over HTTP only.
 */
@Needs(MachineRequirement.CHROMIUM)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TaskPaneBrowserIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @ArquillianResource URL base;

  @Test
  void signUpSeeRecordsLogWithOneAttachmentAndSeeItLogged() throws Exception {
    String server = base.toString().replaceAll("/+$", "");
    ApiClient api = new ApiClient(server);
    String admin = api.accessToken("admin@it.example", "integration suite admin password");
    String repEmail = TestOrgs.uniqueEmail("browser rep");
    assertEquals(
        201, api.post("/api/admin/users", admin, user(repEmail, "Browser Rep", "USER")).status());
    assertEquals(
        200,
        api.put(
                "/api/admin/exchange/hosts",
                admin,
                "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]")
            .status());
    String customer = "dana." + UUID.randomUUID().toString().substring(0, 6) + "@northwind.example";
    ApiClient.Reply contact =
        api.post(
            "/api/records/contacts",
            admin,
            Json.createObjectBuilder()
                .add("firstName", "Dana")
                .add("lastName", "Northwind")
                .add("emails", Json.createArrayBuilder().add(customer))
                .build()
                .toString());
    assertEquals(201, contact.status(), contact.body());
    String contactId = contact.json().getString("id");

    TestCertificates.SigningKey key = TestCertificates.create("Exchange Browser Test", 1, 30);
    try (FakeExchange exchange = FakeExchange.start(key.certificate());
        TaskPaneBrowser browser = new TaskPaneBrowser()) {
      String itemId = "browser-item-" + UUID.randomUUID();
      byte[] proposal = "%PDF-1.4 the proposal".getBytes(StandardCharsets.UTF_8);
      exchange.items.put(
          itemId,
          new FakeItem(
              itemId,
              "Proposal",
              TestMime.message(
                  itemId + "@northwind.example",
                  "Proposal",
                  "Dana Northwind <" + customer + ">",
                  "Browser Rep <" + repEmail + ">",
                  "Please see the proposal",
                  0),
              List.of(
                  FakeAttachment.file(itemId + "-pdf", "proposal.pdf", "application/pdf", proposal),
                  FakeAttachment.file(itemId + "-png", "logo.png", "image/png", new byte[] {1, 2})),
              Map.of()));
      String identityToken =
          IdentityTokens.sign(
              IdentityTokens.claims(
                  ExchangeAddinIT.AUDIENCE, exchange.metadataUrl(), UUID.randomUUID().toString()),
              key);
      jakarta.json.JsonObject office =
          Json.createObjectBuilder()
              .add("identityToken", identityToken)
              .add("callbackToken", "browser-callback-token")
              .add("ewsUrl", exchange.ewsUrl())
              .add("itemId", itemId)
              .add("subject", "Proposal")
              .add(
                  "from",
                  Json.createObjectBuilder()
                      .add("emailAddress", customer)
                      .add("displayName", "Dana Northwind"))
              .add(
                  "to",
                  Json.createArrayBuilder()
                      .add(
                          Json.createObjectBuilder()
                              .add("emailAddress", repEmail)
                              .add("displayName", "Browser Rep")))
              .add("cc", Json.createArrayBuilder())
              .add(
                  "attachments",
                  Json.createArrayBuilder()
                      .add(attachment(itemId + "-pdf", "proposal.pdf", proposal.length))
                      .add(attachment(itemId + "-png", "logo.png", 2)))
              .add(
                  "userProfile",
                  Json.createObjectBuilder()
                      .add("emailAddress", repEmail)
                      .add("displayName", "Browser Rep"))
              .build();
      browser.injectFakeOffice(office.toString());

      browser.open(server + "/addin/taskpane.html");
      String pane = browser.driver().getWindowHandle();
      browser.visible("#signup-button").click();
      browser.switchToOtherWindow(pane);
      browser.visible("#email").sendKeys(repEmail);
      browser.driver().findElement(By.id("password")).sendKeys(TestOrgs.PASSWORD);
      browser.driver().findElement(By.id("link-button")).click();
      // The linked page tells the pane, which closes the pop-up.
      browser.until(d -> d.getWindowHandles().size() == 1);
      browser.driver().switchTo().window(pane);

      // Signed in: the sender's contact is shown and ticked.
      var contactBox = browser.visible("#participants input[data-record-id='" + contactId + "']");
      browser.until(d -> contactBox.isSelected());
      browser.click("#attachments input[data-attachment-id='" + itemId + "-pdf']");
      browser.until(d -> d.findElement(By.id("log-button")).isEnabled());
      browser.click("#log-button");
      browser.until(d -> d.findElement(By.id("logged-state")).getText().contains("Logged to"));
      assertTrue(browser.textOf("#logged-state").contains("Dana"), browser.textOf("#logged-state"));

      // The server fetched the item and only the ticked attachment, with the callback token.
      assertTrue(
          exchange.ewsRequests.stream()
              .allMatch(r -> "Bearer browser-callback-token".equals(r.authorization())));
      String getAttachment =
          exchange.ewsRequests.stream()
              .map(FakeExchange.Received::body)
              .filter(b -> b.contains("GetAttachment"))
              .findFirst()
              .orElseThrow();
      assertTrue(getAttachment.contains(itemId + "-pdf"));
      assertFalse(getAttachment.contains(itemId + "-png"));

      // The pane marked the item through Office (UpdateItem with the activity id).
      String activityId =
          browser.until(
              d ->
                  (String)
                      browser.script(
                          "var s = window.__mailbridgeFake.itemStore[arguments[0]];"
                              + " if (!s) return null;"
                              + " var p = (s.extendedProperties || []).filter(function (x) { return x.name === 'MailbridgeActivityId'; });"
                              + " return p.length ? p[0].value : null;",
                          itemId));
      String updateItem =
          (String)
              browser.script(
                  "return window.__mailbridgeFake.ewsRequests.filter(function (x) { return x.indexOf('UpdateItem') >= 0; })[0];");
      assertTrue(
          updateItem.contains("PropertySetId=\"c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58\""),
          updateItem);
      assertTrue(updateItem.contains(activityId), updateItem);
      assertFalse(updateItem.contains("ExchangeImpersonation"), updateItem);
      ApiClient.Reply activity = api.get("/api/activities/" + activityId, admin);
      assertEquals(200, activity.status(), activity.body());
      assertEquals(1, activity.json().getJsonArray("attachments").size());
      assertEquals(
          "proposal.pdf",
          activity.json().getJsonArray("attachments").getJsonObject(0).getString("name"));

      // Opened again, the item shows as logged without the pane asking Mailbridge to call EWS.
      int ewsCallsBefore = exchange.ewsRequests.size();
      browser.injectFakeOffice(
          Json.createObjectBuilder(office).add("activityId", activityId).build().toString());
      browser.driver().navigate().refresh();
      browser.until(
          d ->
              d.findElement(By.id("logged-state")).isDisplayed()
                  && d.findElement(By.id("logged-state")).getText().contains("Dana"));
      assertEquals(
          ewsCallsBefore, exchange.ewsRequests.size(), "the logged state came from the item");
    }
  }

  private static jakarta.json.JsonObjectBuilder attachment(String id, String name, int size) {
    return Json.createObjectBuilder()
        .add("id", id)
        .add("name", name)
        .add("size", size)
        .add("attachmentType", "file")
        .add("isInline", false);
  }

  private static String user(String email, String name, String role) {
    return Json.createObjectBuilder()
        .add("email", email)
        .add("displayName", name)
        .add("role", role)
        .add("password", TestOrgs.PASSWORD)
        .build()
        .toString();
  }
}
