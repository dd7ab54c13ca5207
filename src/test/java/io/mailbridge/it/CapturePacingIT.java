package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.it.providers.ProviderQuotas;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Capture paces itself under the providers' per-mailbox limits: the fakes impose them on the test's
 * accounts (Graph's requests per window and 4 at once, Gmail's units per window at each method's
 * cost; scaled down, and Mailbridge is configured with the same scaled limits in the suite's
 * environment) and count every 429. A backfill that needs more than a window's budget ends its runs
 * and goes on when the budget frees, with no 429, shown as throttled in health; another mailbox of
 * the same org is read meanwhile as if nothing happened.
 */
@ExtendWith(ArquillianExtension.class)
class CapturePacingIT {

  /** The suite's scaled limits (pom.xml: MAILBRIDGE_GRAPH_MAILBOX_* and …GMAIL_QUOTA_*). */
  private static final ProviderQuotas.Limit GRAPH = new ProviderQuotas.Limit(100, window(), 4);

  private static final ProviderQuotas.Limit GMAIL =
      new ProviderQuotas.Limit(2000, Duration.ofSeconds(30), 0);

  private static final String NORA = "nora.field@fabrikam.example";

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;

  private static Duration window() {
    return Duration.ofSeconds(10);
  }

  private static FakeProviders fake() {
    return FakeProviders.get();
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  private static byte[] mime(String mid, String subject, String from, String to) {
    return ("MIME-Version: 1.0\r\nFrom: "
            + from
            + "\r\nTo: "
            + to
            + "\r\nSubject: "
            + subject
            + "\r\nDate: Tue, 03 Nov 2026 09:12:33 +0000\r\nMessage-ID: <"
            + mid
            + ">\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAbout "
            + subject
            + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private void graphMail(String account, String subject, int hoursAgo) {
    String mid = UUID.randomUUID() + "@fabrikam.example";
    String id =
        "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0" + UUID.randomUUID().toString().replace("-", "");
    fake()
        .putGraphItem(
            account,
            id,
            "inbox",
            mid,
            subject,
            NORA,
            List.of(account),
            Instant.now().minus(hoursAgo, ChronoUnit.HOURS),
            List.of(),
            mime(mid, subject, NORA, account));
  }

  private void gmailMail(String account, String subject, int hoursAgo) {
    String mid = UUID.randomUUID() + "@fabrikam.example";
    fake()
        .addGmailMessageAt(
            account,
            Long.toHexString(UUID.randomUUID().getMostSignificantBits()),
            mime(mid, subject, NORA, account),
            Instant.now().minus(hoursAgo, ChronoUnit.HOURS),
            "INBOX");
  }

  private JsonObject health(String mailboxId, String token) {
    ApiClient.Reply reply = api().get("/api/mailboxes/" + mailboxId, token);
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonObject("capture");
  }

  private ApiClient.Reply switchOn(String mailboxId, String token) {
    return api().put("/api/mailboxes/" + mailboxId + "/capture", token, "{\"enabled\":true}");
  }

  private int timelineSize(Org org, String contactId) {
    ApiClient.Reply reply =
        api().get("/api/records/contacts/" + contactId + "/timeline?limit=200", org.adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").size();
  }

  /** Runs the jobs that are due now, one by one, as the pumps would; none waits for its time. */
  private void runDue() {
    for (int i = 0; i < 500; i++) {
      List<ClaimedJob> claimed = jobs.claim("it-pacing", 1, Duration.ofMinutes(5));
      if (claimed.isEmpty()) {
        return;
      }
      runner.run(claimed.get(0));
    }
  }

  private String metrics() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base() + "/metrics?scope=application")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static boolean counted(String metrics, String provider) {
    return metrics
        .lines()
        .anyMatch(
            l ->
                l.startsWith("mailbridge_provider_pacing_waits_total{")
                    && l.contains("provider=\"" + provider + "\""));
  }

  @Test
  void aGraphBackfillOverTheMailboxsBudgetIsPacedWithoutA429AndAnotherMailboxKeepsFlowing()
      throws Exception {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String orgId = org.admin().orgId();
    String nora = testOrgs.contact(orgId, "Nora", "Field", NORA);
    String big = OAuthOrgs.account("paced");
    String bigMailbox = OAuthOrgs.connect(base(), org.repToken(), "microsoft", big);
    AppUser second = testOrgs.user(orgId, "USER", "second rep");
    String secondToken = api().accessToken(second.email(), TestOrgs.PASSWORD);
    String small = OAuthOrgs.account("unpaced");
    String smallMailbox = OAuthOrgs.connect(base(), secondToken, "microsoft", small);
    int total = 150; // a MIME read each: half again the window's budget of 90 (100, less 10 %)
    for (int i = 0; i < total; i++) {
      graphMail(big, "Paced " + i, i + 1);
    }
    for (int i = 0; i < 3; i++) {
      graphMail(small, "Unpaced " + i, i + 1);
    }
    fake().quotas.limits.put(big, GRAPH);
    fake().quotas.limits.put(small, GRAPH);
    try {
      assertEquals(200, switchOn(bigMailbox, org.repToken()).status());
      JsonObject throttled = null;
      JsonObject smallLive = null;
      String bigWhileSmallRan = null;
      JsonObject bigNow = health(bigMailbox, org.repToken());
      for (int i = 0; i < 240 && !"live".equals(bigNow.getString("state")); i++) {
        runDue();
        bigNow = health(bigMailbox, org.repToken());
        if ("throttled".equals(bigNow.getString("state")) && throttled == null) {
          throttled = bigNow;
          // The paced mailbox's job waits for its budget; the other one's pages flow at once.
          assertEquals(200, switchOn(smallMailbox, secondToken).status());
          runDue();
          smallLive = health(smallMailbox, secondToken);
          bigWhileSmallRan = health(bigMailbox, org.repToken()).getString("state");
        }
        if (!"live".equals(bigNow.getString("state"))) {
          Thread.sleep(500);
        }
      }
      assertNotNull(throttled, "the backfill was never paced: " + bigNow);
      assertNotNull(throttled.getString("throttledUntil", null), throttled.toString());
      assertTrue(throttled.getString("reason", "").contains("paces capture"), throttled.toString());
      assertEquals("live", smallLive.getString("state"), smallLive.toString());
      assertTrue(
          !"live".equals(bigWhileSmallRan), "the big mailbox was still being paced meanwhile");
      assertEquals("live", bigNow.getString("state"), bigNow.toString());
      assertEquals(total + 3, timelineSize(org, nora), "every message captured once");
      assertEquals(0, fake().quotas.refusedFor(big), "Graph never had to answer 429");
      assertEquals(0, fake().quotas.refusedFor(small));
      assertTrue(fake().quotas.admittedFor(big) > 90, "the budget of a window was crossed");
      assertTrue(counted(metrics(), "graph"), "pacing waits are counted for graph");
    } finally {
      fake().quotas.limits.remove(big);
      fake().quotas.limits.remove(small);
    }
  }

  @Test
  void aGmailBackfillOverTheUsersUnitsIsPacedWithoutA429() throws Exception {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String orgId = org.admin().orgId();
    String nora = testOrgs.contact(orgId, "Nora", "Field", NORA);
    String account = OAuthOrgs.account("gpaced");
    fake()
        .gmailLabels
        .put(
            account,
            new java.util.concurrent.ConcurrentHashMap<>(
                java.util.Map.of("INBOX", "INBOX", "SENT", "SENT")));
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "google", account);
    // At most 40 a page: 7 units of listing and 5 + 5 per message (metadata, then raw) = 407 a
    // page; 200 messages, the estimate and the watch need more than the window's 1900 units
    // (2000, less 5 %), read in less than the window's 30 s.
    int total = 200;
    for (int i = 0; i < total; i++) {
      gmailMail(account, "Gmail paced " + i, i + 1);
    }
    fake().quotas.limits.put(account, GMAIL);
    fake().gmailListMaxPage = 40;
    int logged = fake().gmailRequests.size();
    try {
      assertEquals(200, switchOn(mailboxId, org.repToken()).status());
      boolean paced = false;
      JsonObject now = health(mailboxId, org.repToken());
      for (int i = 0; i < 240 && !"live".equals(now.getString("state")); i++) {
        runDue();
        now = health(mailboxId, org.repToken());
        paced |= "throttled".equals(now.getString("state"));
        if (!"live".equals(now.getString("state"))) {
          Thread.sleep(500);
        }
      }
      assertTrue(paced, "the backfill was never paced");
      assertEquals("live", now.getString("state"), now.toString());
      assertEquals(total, timelineSize(org, nora), "every message captured once");
      assertEquals(0, fake().quotas.refusedFor(account), "Gmail never had to answer 429");
      assertTrue(counted(metrics(), "gmail"), "pacing waits are counted for gmail");
      List<String> lists =
          List.copyOf(fake().gmailRequests).stream()
              .skip(logged)
              .filter(r -> r.startsWith("GET ") && r.contains("/messages?") && r.contains("q="))
              .filter(r -> !r.contains("maxResults=1&") && !r.endsWith("maxResults=1"))
              .toList();
      assertEquals(
          lists.size(),
          lists.stream().map(CapturePacingIT::pageToken).distinct().count(),
          "no page was stopped half-way and listed again: " + lists);
      assertTrue(
          lists.stream().anyMatch(r -> maxResults(r) < 100),
          "a page was made to fit the room left in the window: " + lists);
      assertTrue(lists.stream().allMatch(r -> maxResults(r) >= 5), "no page under five: " + lists);
    } finally {
      fake().quotas.limits.remove(account);
      fake().gmailListMaxPage = 500;
    }
  }

  private static String pageToken(String request) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("pageToken=([^&]+)").matcher(request);
    return m.find() ? m.group(1) : "";
  }

  private static int maxResults(String request) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("maxResults=(\\d+)").matcher(request);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }
}
