package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.browser.TaskPaneBrowser;
import io.mailbridge.it.exchange.TestMime;
import io.mailbridge.it.providers.OAuthBrowser;
import io.mailbridge.itsupport.MachineRequirement;
import io.mailbridge.itsupport.Needs;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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

/**
 * The task pane on Exchange Online in headless Chromium: a fake Office.js that reports nested app
 * authentication and legacy tokens off, with a fake MSAL that hands out an Entra token the fake
 * Microsoft identity platform signed. Sign-up, logging over Graph with one attachment, the property
 * written by the server, and the "logged" state read back through Mailbridge. The fakes live in the
 * server; this test drives them over HTTP ({@code /__test/}).
 */
@Needs(MachineRequirement.CHROMIUM)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GraphTaskPaneBrowserIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @ArquillianResource URL base;

  private final HttpClient http = HttpClient.newHttpClient();
  private final String fake = "http://127.0.0.1:" + System.getenv("IT_FAKE_PROVIDERS_PORT");

  private JsonObject control(String method, String path, JsonObject body) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(fake + "/__test/" + path))
                .header("Content-Type", "application/json")
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    return Json.createReader(new StringReader(response.body())).readObject();
  }

  @Test
  void signUpLogOverGraphAndSeeItLogged() throws Exception {
    String server = base.toString().replaceAll("/+$", "");
    ApiClient api = new ApiClient(server);
    String admin = api.accessToken("admin@it.example", "integration suite admin password");
    String repEmail = TestOrgs.uniqueEmail("online rep");
    assertEquals(
        201,
        api.post(
                "/api/admin/users",
                admin,
                Json.createObjectBuilder()
                    .add("email", repEmail)
                    .add("displayName", "Online Rep")
                    .add("role", "USER")
                    .add("password", TestOrgs.PASSWORD)
                    .build()
                    .toString())
            .status());
    String customer = "dana." + UUID.randomUUID().toString().substring(0, 6) + "@contoso.example";
    ApiClient.Reply contact =
        api.post(
            "/api/records/contacts",
            admin,
            Json.createObjectBuilder()
                .add("firstName", "Dana")
                .add("lastName", "Contoso")
                .add("emails", Json.createArrayBuilder().add(customer))
                .build()
                .toString());
    assertEquals(201, contact.status(), contact.body());
    String contactId = contact.json().getString("id");

    // The org's Microsoft app, registered at the fake, and an admin consent for a tenant.
    String clientId = UUID.randomUUID().toString();
    String tenant = UUID.randomUUID().toString();
    control(
        "POST",
        "clients",
        Json.createObjectBuilder()
            .add("clientId", clientId)
            .add("secret", "browser secret")
            .build());
    assertEquals(
        200,
        api.put(
                "/api/admin/providers/microsoft",
                admin,
                Json.createObjectBuilder()
                    .add("clientId", clientId)
                    .add("clientSecret", "browser secret")
                    .build()
                    .toString())
            .status());
    String tenantAdmin = "admin@" + tenant.substring(0, 8) + ".example";
    control(
        "POST",
        "tenants",
        Json.createObjectBuilder().add("admin", tenantAdmin).add("tenant", tenant).build());
    OAuthBrowser consent = new OAuthBrowser(server);
    HttpResponse<String> consented =
        consent.callback(
            consent.consent(consent.startAt("/api/admin/microsoft/consent", admin), tenantAdmin));
    assertEquals("consented", OAuthBrowser.outcome(consented), consented.body());

    // A message in the rep's Microsoft 365 mailbox, with two attachments.
    String account = "megan@" + tenant.substring(0, 8) + ".example";
    String itemId = "AAMkAD" + UUID.randomUUID().toString().replace("-", "");
    byte[] proposal = "%PDF-1.4 the proposal over Graph".getBytes(StandardCharsets.UTF_8);
    control(
        "POST",
        "graph-messages",
        Json.createObjectBuilder()
            .add("account", account)
            .add("id", itemId)
            .add(
                "mime",
                Base64.getEncoder()
                    .encodeToString(
                        TestMime.message(
                            itemId + "@contoso.example",
                            "Proposal",
                            "Dana Contoso <" + customer + ">",
                            "Online Rep <" + account + ">",
                            "Please see the proposal",
                            0)))
            .add(
                "attachments",
                Json.createArrayBuilder()
                    .add(
                        Json.createObjectBuilder()
                            .add("id", itemId + "-pdf")
                            .add("name", "proposal.pdf")
                            .add("contentType", "application/pdf")
                            .add("bytes", Base64.getEncoder().encodeToString(proposal)))
                    .add(
                        Json.createObjectBuilder()
                            .add("id", itemId + "-png")
                            .add("name", "logo.png")
                            .add("contentType", "image/png")
                            .add("bytes", Base64.getEncoder().encodeToString(new byte[] {1, 2}))))
            .build());
    String entraToken =
        control(
                "POST",
                "entra-token",
                Json.createObjectBuilder()
                    .add("tenant", tenant)
                    .add("audience", "api://mailbridge.it.example/" + clientId)
                    .add("scopes", "access_as_user")
                    .build())
            .getString("token");

    JsonObject office =
        Json.createObjectBuilder()
            .add("identityTokenError", "Exchange Online no longer issues identity tokens")
            .add("callbackTokenError", "Exchange Online no longer issues callback tokens")
            .add("ewsUrl", "https://outlook.office365.com/EWS/Exchange.asmx")
            .add("itemId", itemId)
            .add("subject", "Proposal")
            .add(
                "from",
                Json.createObjectBuilder()
                    .add("emailAddress", customer)
                    .add("displayName", "Dana Contoso"))
            .add(
                "to",
                Json.createArrayBuilder()
                    .add(
                        Json.createObjectBuilder()
                            .add("emailAddress", account)
                            .add("displayName", "Online Rep")))
            .add("cc", Json.createArrayBuilder())
            .add(
                "attachments",
                Json.createArrayBuilder()
                    .add(attachment(itemId + "-pdf", "proposal.pdf", proposal.length))
                    .add(attachment(itemId + "-png", "logo.png", 2)))
            .add(
                "userProfile",
                Json.createObjectBuilder()
                    .add("emailAddress", account)
                    .add("displayName", "Online Rep"))
            .add(
                "online",
                Json.createObjectBuilder().add("accessToken", entraToken).add("tokenStatus", 0))
            .build();

    try (TaskPaneBrowser browser = new TaskPaneBrowser()) {
      browser.injectFakeOffice(office.toString());
      browser.open(server + "/addin/taskpane.html?app=" + clientId);
      String pane = browser.driver().getWindowHandle();
      browser.visible("#signup-button").click();
      browser.switchToOtherWindow(pane);
      browser.visible("#email").sendKeys(repEmail);
      browser.driver().findElement(By.id("password")).sendKeys(TestOrgs.PASSWORD);
      browser.driver().findElement(By.id("link-button")).click();
      browser.until(d -> d.getWindowHandles().size() == 1);
      browser.driver().switchTo().window(pane);

      var contactBox = browser.visible("#participants input[data-record-id='" + contactId + "']");
      browser.until(d -> contactBox.isSelected());
      browser.click("#attachments input[data-attachment-id='" + itemId + "-pdf']");
      browser.until(d -> d.findElement(By.id("log-button")).isEnabled());
      browser.click("#log-button");
      browser.until(d -> d.findElement(By.id("logged-state")).getText().contains("Logged to"));
      assertTrue(browser.textOf("#logged-state").contains("Dana"), browser.textOf("#logged-state"));

      // The pane asked MSAL for Mailbridge's API scope, silently, with the org's app id.
      String naa =
          String.valueOf(
              browser.script("return JSON.stringify(window.__mailbridgeFake.naaRequests);"));
      assertTrue(naa.contains(clientId + "/access_as_user"), naa);
      assertTrue(naa.contains("\"how\":\"silent\""), naa);
      // No EWS from the pane: the server wrote the property over Graph.
      assertEquals(0L, browser.script("return window.__mailbridgeFake.ewsRequests.length;"));

      JsonObject stored =
          control("GET", "graph-messages?account=" + account + "&id=" + itemId, null);
      String activityId =
          stored
              .getJsonObject("properties")
              .getString("String {c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58} Name MailbridgeActivityId");
      List<String> requests =
          control("GET", "graph-requests", null)
              .getJsonArray("requests")
              .getValuesAs(jakarta.json.JsonString.class)
              .stream()
              .map(jakarta.json.JsonString::getString)
              .toList();
      assertTrue(
          requests.stream().anyMatch(r -> r.contains(itemId + "/attachments/" + itemId + "-pdf")),
          requests.toString());
      assertFalse(
          requests.stream().anyMatch(r -> r.contains("/attachments/" + itemId + "-png")),
          requests.toString());
      ApiClient.Reply activity = api.get("/api/activities/" + activityId, admin);
      assertEquals(200, activity.status(), activity.body());
      assertEquals(1, activity.json().getJsonArray("attachments").size());

      // Opened again, the pane reads the logged state through Mailbridge (Graph, server side).
      browser.driver().navigate().refresh();
      browser.until(
          d ->
              d.findElement(By.id("logged-state")).isDisplayed()
                  && d.findElement(By.id("logged-state")).getText().contains("Dana"));
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
}
