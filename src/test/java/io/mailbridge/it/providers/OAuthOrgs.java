package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.it.ApiClient;
import io.mailbridge.it.TestOrgs;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

/** Orgs whose Google and Microsoft apps are registered at the fakes, and their connected reps. */
public final class OAuthOrgs {

  private OAuthOrgs() {}

  /** An org with its admin and one rep, both signed in, and its two apps. */
  public record Org(
      AppUser admin,
      String adminToken,
      AppUser rep,
      String repToken,
      String googleClient,
      String microsoftClient) {}

  public static Org create(TestOrgs testOrgs, ApiClient api, FakeProviders fake) {
    TestOrgs.SignedInOrg org = testOrgs.signedIn("oauth", api);
    String adminToken = org.adminToken();
    String googleClient = "it-" + UUID.randomUUID() + ".apps.googleusercontent.com";
    String microsoftClient = UUID.randomUUID().toString();
    register(api, adminToken, fake, "google", googleClient);
    register(api, adminToken, fake, "microsoft", microsoftClient);
    return new Org(
        org.admin(), adminToken, org.rep(), org.repToken(), googleClient, microsoftClient);
  }

  private static void register(
      ApiClient api, String adminToken, FakeProviders fake, String provider, String clientId) {
    String secret = provider + " secret " + clientId;
    fake.clientSecrets.put(clientId, secret);
    ApiClient.Reply reply =
        api.put(
            "/api/admin/providers/" + provider,
            adminToken,
            JSON.createObjectBuilder()
                .add("clientId", clientId)
                .add("clientSecret", secret)
                .build()
                .toString());
    assertEquals(200, reply.status(), reply.body());
  }

  /** A fresh address at the customer's domain. */
  public static String account(String label) {
    return label + "-" + UUID.randomUUID().toString().substring(0, 8) + "@customer.example";
  }

  /** Connects a mailbox of the user behind {@code userToken}; answers its id. */
  public static String connect(String base, String userToken, String provider, String account) {
    HttpResponse<String> page = new OAuthBrowser(base).connect(provider, userToken, account);
    assertEquals(200, page.statusCode(), page.body());
    assertEquals("connected", OAuthBrowser.outcome(page));
    return mailboxes(new ApiClient(base), userToken).stream()
        .filter(m -> m.getString("address").equals(account))
        .findFirst()
        .orElseThrow()
        .getString("id");
  }

  public static List<JsonObject> mailboxes(ApiClient api, String token) {
    ApiClient.Reply reply = api.get("/api/mailboxes", token);
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class);
  }

  /** An admin consent for a fresh tenant through the real flow; answers the tenant id. */
  public static String consentTenant(String base, String adminToken, FakeProviders fake) {
    String tenant = UUID.randomUUID().toString();
    String admin = "admin-" + tenant.substring(0, 8) + "@tenant.example";
    fake.tenants.put(admin, tenant);
    OAuthBrowser browser = new OAuthBrowser(base);
    HttpResponse<String> page =
        browser.callback(
            browser.consent(browser.startAt("/api/admin/microsoft/consent", adminToken), admin));
    assertEquals(200, page.statusCode(), page.body());
    assertEquals("consented", OAuthBrowser.outcome(page));
    return tenant;
  }

  /** The audience of Mailbridge's API in the org's app: {@code api://{public host}/{client id}}. */
  public static String apiAudience(Org org) {
    return "api://mailbridge.it.example/" + org.microsoftClient();
  }
}
