package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.browser.ConsoleBrowser;
import io.mailbridge.it.providers.OAuthBrowser;
import io.mailbridge.it.providers.OAuthOrgs;
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
import org.openqa.selenium.WebElement;

/**
 * The public booking page in headless Chromium: a rep offers slots from a Google calendar (the
 * fake), the recipient opens the link, sees the rep's name and the times, picks the second one,
 * gives a name and an address and books; the page says so (as text), and the meeting is in the
 * rep's calendar with the recipient invited. The page runs under its CSP (no inline script).
 */
@Needs(MachineRequirement.CHROMIUM)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BookingPageBrowserIT {

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
  void aRecipientPicksASlotAndBooksIt() throws Exception {
    String server = base.toString().replaceAll("/+$", "");
    ApiClient api = new ApiClient(server);
    String admin = api.accessToken("admin@it.example", "integration suite admin password");
    String repEmail = TestOrgs.uniqueEmail("booking rep");
    assertEquals(
        201,
        api.post(
                "/api/admin/users",
                admin,
                Json.createObjectBuilder()
                    .add("email", repEmail)
                    .add("displayName", "Bea <b>Booker</b>")
                    .add("role", "USER")
                    .add("password", TestOrgs.PASSWORD)
                    .build()
                    .toString())
            .status());
    String rep = api.accessToken(repEmail, TestOrgs.PASSWORD);
    String clientId = "it-" + UUID.randomUUID() + ".apps.googleusercontent.com";
    control(
        "POST",
        "clients",
        Json.createObjectBuilder().add("clientId", clientId).add("secret", "booking").build());
    assertEquals(
        200,
        api.put(
                "/api/admin/providers/google",
                admin,
                Json.createObjectBuilder()
                    .add("clientId", clientId)
                    .add("clientSecret", "booking")
                    .build()
                    .toString())
            .status());
    String account = "bea-" + UUID.randomUUID().toString().substring(0, 8) + "@customer.example";
    HttpResponse<String> connected = new OAuthBrowser(server).connect("google", rep, account);
    assertEquals("connected", OAuthBrowser.outcome(connected), connected.body());

    // The org may also have an Exchange connection covering the rep (other tests make one): the
    // Google calendar is named.
    String mailboxId =
        OAuthOrgs.mailboxes(api, rep).stream()
            .filter(m -> m.getString("address").equals(account))
            .findFirst()
            .orElseThrow()
            .getString("id");
    ApiClient.Reply offer =
        api.post(
            "/api/availability",
            rep,
            Json.createObjectBuilder()
                .add("mailboxId", mailboxId)
                .add("durationMinutes", 45)
                .add("timeZone", "America/New_York")
                .build()
                .toString());
    assertEquals(201, offer.status(), offer.body());
    String url = offer.json().getString("bookingUrl");
    String token = url.substring(url.lastIndexOf('/') + 1);
    String second = offer.json().getJsonArray("slots").getJsonObject(1).getString("start");

    try (ConsoleBrowser browser =
        new ConsoleBrowser(URI.create(OAuthBrowser.PUBLIC_URL).getHost(), base.getPort())) {
      browser.open(server + "/book/" + token);
      // The name is text, markup and all.
      browser.untilText("#rep", "Bea <b>Booker</b>");
      List<WebElement> slots =
          browser.driver().findElements(By.cssSelector("#slots input[name=slot]"));
      assertEquals(offer.json().getJsonArray("slots").size(), slots.size());
      browser.click("label[for=slot-1]");
      browser.type("#name", "Quinn Customer");
      String quinn = "quinn-" + UUID.randomUUID().toString().substring(0, 6) + "@partner.example";
      browser.type("#email", quinn);
      browser.click("#book");
      browser.untilText("#booked", "Booked:");
      String done = browser.visible("#booked").getText();
      assertTrue(done.contains(quinn), done);
      assertFalse(
          browser.driver().findElements(By.cssSelector("#rep b")).size() > 0, "markup in the name");

      JsonObject calendar = control("GET", "calendar?account=" + account, null);
      assertTrue(
          calendar.getJsonArray("events").getValuesAs(JsonObject.class).stream()
              .anyMatch(
                  e ->
                      e.getString("start").equals(second)
                          && e.getJsonArray("attendees").toString().contains(quinn)),
          calendar.toString());
    }
  }
}
