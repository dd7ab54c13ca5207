package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeExchange;
import jakarta.json.Json;
import java.util.Arrays;
import java.util.List;

/**
 * What the Exchange sync ITs share: one fake Exchange (Basic sign-in of the service account), an
 * org whose Exchange connection covers its rep with the sync settings a test asks for, and the
 * check that every request of given EWS operations impersonated a rep.
 */
final class ExchangeSyncOrgs {

  static final String USER = "svc-mailbridge";
  static final String PASSWORD = "correct exchange password";
  static final String CRM_ID_KEY = FakeExchange.LOGGED_PROPERTY_SET + "|MailbridgeCrmId";

  private ExchangeSyncOrgs() {}

  /** One fake Exchange for the suite, over plain HTTP on loopback (allowed per host). */
  private static final class Shared {
    static final FakeExchange FAKE = start();

    private static FakeExchange start() {
      FakeExchange fake = FakeExchange.start();
      fake.requireBasic(USER, PASSWORD);
      return fake;
    }
  }

  static FakeExchange fake() {
    return Shared.FAKE;
  }

  /** An org and the address of its rep, whose mailbox the org's Exchange connection reaches. */
  record Setup(TestOrgs.SignedInOrg org, String rep) {
    String orgId() {
      return org.orgId();
    }

    String repId() {
      return org.rep().id();
    }

    String adminToken() {
      return org.adminToken();
    }
  }

  /** An org whose Exchange connection covers the rep, with these sync settings (JSON). */
  static Setup setup(TestOrgs testOrgs, ApiClient api, String label, String settings) {
    TestOrgs.SignedInOrg org = testOrgs.signedIn(label, api);
    ApiClient.Reply hosts =
        api.put(
            "/api/admin/exchange/hosts",
            org.adminToken(),
            "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]");
    assertEquals(200, hosts.status(), hosts.body());
    String rep = org.rep().email();
    ApiClient.Reply connection =
        api.put(
            "/api/admin/exchange/connection",
            org.adminToken(),
            Json.createObjectBuilder()
                .add("ewsUrl", fake().ewsUrl())
                .add("auth", "basic")
                .add("username", USER)
                .add("password", PASSWORD)
                .add("users", Json.createArrayBuilder().add(rep))
                .build()
                .toString());
    assertEquals(200, connection.status(), connection.body());
    fake().impersonable.add(rep);
    ApiClient.Reply put = api.put("/api/admin/sync/settings", org.adminToken(), settings);
    assertEquals(200, put.status(), put.body());
    return new Setup(org, rep);
  }

  /** The rep's requests of these EWS operations (by SOAPAction). */
  static long requests(Setup s, String... operations) {
    return fake().ewsRequests.stream()
        .filter(r -> s.rep().equals(r.anchorMailbox()))
        .filter(r -> is(r, List.of(operations)))
        .count();
  }

  /**
   * Every request of these operations went as the service account impersonating a rep: the SOAP
   * header names the mailbox X-AnchorMailbox names.
   */
  static void assertEveryRequestImpersonates(String... operations) {
    assertTrue(fake().anchorProblems.isEmpty(), fake().anchorProblems.toString());
    List<FakeExchange.Received> made =
        fake().ewsRequests.stream().filter(r -> is(r, Arrays.asList(operations))).toList();
    assertTrue(made.size() > 0);
    for (FakeExchange.Received r : made) {
      assertNotNull(r.anchorMailbox(), r.body());
      assertTrue(r.body().contains("ExchangeImpersonation"), r.body());
      assertTrue(r.body().contains("PrimarySmtpAddress>" + r.anchorMailbox() + "<"), r.body());
    }
  }

  private static boolean is(FakeExchange.Received r, List<String> operations) {
    return r.soapAction() != null
        && operations.stream().anyMatch(o -> r.soapAction().replace("\"", "").endsWith("/" + o));
  }
}
