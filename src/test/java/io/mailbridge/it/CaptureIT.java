package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.StoredActivity;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.FakeProviders.GraphSubscription;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.message.MailMessage;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobState;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.JobView;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Activity capture of Microsoft 365 mailboxes against the fake Graph in its wire format: settings,
 * the switch, backfill across delta pages one job run per page, a restart mid-backfill, every
 * policy rule end to end, live sync through change notifications (duplicates, out-of-order ones and
 * a forged client state), an expired delta link, throttling, and one activity with two owners;
 * Gmail's backfill, history, users.watch and Pub/Sub push (valid, repeated, forged, wrong audience
 * or sender, missing token); stalled health and its recovery; retention. The suite's timer pump is
 * off, so each test runs the job queue itself, step by step where it matters.
 */
@ExtendWith(ArquillianExtension.class)
class CaptureIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject io.mailbridge.capture.control.CaptureJobs captureJobs;
  @Inject io.mailbridge.platform.jobs.control.JobPump pump;
  @Inject io.mailbridge.capture.control.CapturePolling polling;
  @Inject io.mailbridge.capture.control.CaptureRetention retention;
  @Inject ActivityStore store;
  @Inject io.mailbridge.it.support.RawDatabase raw;

  private static final String NORA = "nora.field@fabrikam.example";

  private static FakeProviders fake() {
    return FakeProviders.get();
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  /** An org with a rep whose Microsoft 365 mailbox is connected, and Nora as a contact. */
  private record Setup(Org org, String account, String mailboxId, String nora) {}

  private Setup setup() {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String account = OAuthOrgs.account("capture");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "microsoft", account);
    String nora = testOrgs.contact(org.admin().orgId(), "Nora", "Field", NORA);
    return new Setup(org, account, mailboxId, nora);
  }

  /** An org whose rep connected the Gmail mailbox {@code name}, and Nora as its contact. */
  private Setup gmailSetup(String name) {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String account = OAuthOrgs.account(name);
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "google", account);
    String nora = testOrgs.contact(org.admin().orgId(), "Nora", "Field", NORA);
    return new Setup(org, account, mailboxId, nora);
  }

  private static byte[] mime(
      String messageId, String subject, String from, List<String> to, String extraHeaders) {
    String text =
        "MIME-Version: 1.0\r\nFrom: "
            + from
            + "\r\nTo: "
            + String.join(", ", to)
            + "\r\nSubject: "
            + subject
            + "\r\nDate: Tue, 03 Nov 2026 09:12:33 +0000\r\nMessage-ID: <"
            + messageId
            + ">\r\n"
            + extraHeaders
            + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            + "Hello about "
            + subject
            + "\r\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A message in a folder of the account, received {@code daysAgo}; answers its Graph id. */
  private String put(
      String account,
      String folder,
      String mid,
      String subject,
      String from,
      List<String> to,
      int daysAgo,
      List<String> categories,
      String extraHeaders) {
    String id =
        "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0" + UUID.randomUUID().toString().replace("-", "");
    fake()
        .putGraphItem(
            account,
            id,
            folder,
            mid,
            subject,
            from,
            to,
            Instant.now().minus(daysAgo, ChronoUnit.DAYS),
            categories,
            mime(mid, subject, from, to, extraHeaders));
    return id;
  }

  private String customerMail(String account, String subject, int daysAgo) {
    String mid = UUID.randomUUID() + "@fabrikam.example";
    return put(account, "inbox", mid, subject, NORA, List.of(account), daysAgo, List.of(), "");
  }

  private ApiClient.Reply switchCapture(String mailboxId, String token, boolean on) {
    return api().put("/api/mailboxes/" + mailboxId + "/capture", token, "{\"enabled\":" + on + "}");
  }

  private JsonObject health(Setup s) {
    ApiClient.Reply reply = api().get("/api/mailboxes/" + s.mailboxId(), s.org().repToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonObject("capture");
  }

  private List<JsonObject> timeline(Setup s, String contactId) {
    ApiClient.Reply reply =
        api()
            .get(
                "/api/records/contacts/" + contactId + "/timeline?limit=200", s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class);
  }

  /** The item with this subject on Nora's timeline; the mailbox's health when there is none. */
  private JsonObject onNorasTimeline(Setup s, String subject) {
    return timeline(s, s.nora()).stream()
        .filter(i -> subject.equals(i.getString("subject")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(subject + " not captured: " + health(s)));
  }

  private static Set<String> subjects(List<JsonObject> items) {
    return items.stream().map(i -> i.getString("subject")).collect(Collectors.toSet());
  }

  /** Claims and runs one due job, as one tick of one pump would; false when none was due. */
  private boolean step() {
    List<ClaimedJob> claimed = jobs.claim("it-capture-step", 1, Duration.ofMinutes(5));
    if (claimed.isEmpty()) {
      return false;
    }
    runner.run(claimed.get(0));
    return true;
  }

  /**
   * Runs due jobs in their order until one of this mailbox's ran; false when none of its is due.
   * Other tests' mailboxes leave jobs that fall due later (a failed run's retry, a throttled wait),
   * and the queue hands out the oldest due job first, so a bare {@link #step()} may run one of
   * those instead of this mailbox's.
   */
  private boolean step(String mailboxId) {
    while (true) {
      List<ClaimedJob> claimed = jobs.claim("it-capture-step", 1, Duration.ofMinutes(5));
      if (claimed.isEmpty()) {
        return false;
      }
      runner.run(claimed.get(0));
      String payload = claimed.get(0).payload();
      if (claimed.get(0).kind().equals("capture.sync")
          && (payload.equals(mailboxId) || payload.startsWith(mailboxId + "|"))) {
        return true;
      }
    }
  }

  /** Runs due jobs one by one on this thread until none is due. */
  private int drain() {
    int ran = 0;
    while (step()) {
      ran++;
    }
    return ran;
  }

  private long deltaRequests(String account, String folder, String kind) {
    return fake().graphRequests.stream()
        .filter(r -> r.endsWith(" #" + account))
        .filter(r -> r.contains("/mailFolders/" + folder + "/messages/delta"))
        .filter(
            r ->
                switch (kind) {
                  case "first" -> !r.contains("$skiptoken") && !r.contains("$deltatoken");
                  case "next" -> r.contains("$skiptoken");
                  default -> r.contains("$deltatoken");
                })
        .count();
  }

  private long deltaRequestsOf(String account) {
    return fake().graphRequests.stream()
        .filter(r -> r.endsWith(" #" + account) && r.contains("/messages/delta"))
        .count();
  }

  private String notification(String subscriptionId, String clientState, String changeType) {
    return Json.createObjectBuilder()
        .add(
            "value",
            Json.createArrayBuilder()
                .add(
                    Json.createObjectBuilder()
                        .add("subscriptionId", subscriptionId)
                        .add("subscriptionExpirationDateTime", "2026-12-03T11:00:00.0000000Z")
                        .add("changeType", changeType)
                        .add("resource", "Users/abc/Messages/AAMkAD")
                        .add(
                            "resourceData",
                            Json.createObjectBuilder()
                                .add("@odata.type", "#Microsoft.Graph.Message")
                                .add("@odata.id", "Users/abc/Messages/AAMkAD")
                                .add("id", "AAMkAD"))
                        .add("clientState", clientState)
                        .add("tenantId", "84bd8158-6d4d-4958-8b9f-9d6445542f95")))
        .build()
        .toString();
  }

  private HttpResponse<String> notify(String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base() + "/api/notify/graph"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private GraphSubscription subscriptionOf(String account) {
    return fake().graphSubscriptions.values().stream()
        .filter(s -> s.account().equals(account))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no subscription for " + account));
  }

  // ------------------------------------------------------------------------------ settings

  @Test
  void settingsHaveDefaultsAreStoredPerOrgAndOutOfRangeValuesNameTheField() {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    ApiClient.Reply defaults = api().get("/api/admin/capture/settings", org.adminToken());
    assertEquals(200, defaults.status(), defaults.body());
    assertEquals(180, defaults.json().getInt("backfillDays"));
    assertEquals(730, defaults.json().getInt("retentionDays"));
    assertFalse(defaults.json().getBoolean("captureInternal"));
    assertEquals("Private", defaults.json().getString("privateCategory"));
    assertEquals(403, api().get("/api/admin/capture/settings", org.repToken()).status());

    ApiClient.Reply put =
        api()
            .put(
                "/api/admin/capture/settings",
                org.adminToken(),
                "{\"backfillDays\":30,\"retentionDays\":365,\"captureAutomated\":true,"
                    + "\"internalDomains\":[\"OurCo.example\"],"
                    + "\"excludedAddresses\":[\"CEO@fabrikam.example\"],"
                    + "\"excludedDomains\":[\"lawfirm.example\"],\"privateCategory\":\"Secret\"}");
    assertEquals(200, put.status(), put.body());
    JsonObject stored = api().get("/api/admin/capture/settings", org.adminToken()).json();
    assertEquals(30, stored.getInt("backfillDays"));
    assertEquals(365, stored.getInt("retentionDays"));
    assertTrue(stored.getBoolean("captureAutomated"));
    assertEquals("ourco.example", stored.getJsonArray("internalDomains").getString(0));
    assertEquals("ceo@fabrikam.example", stored.getJsonArray("excludedAddresses").getString(0));
    assertEquals("Secret", stored.getString("privateCategory"));

    for (String[] bad :
        new String[][] {
          {"{\"backfillDays\":366}", "backfillDays"},
          {"{\"backfillDays\":-1}", "backfillDays"},
          {"{\"retentionDays\":29}", "retentionDays"},
          {"{\"retentionDays\":1826}", "retentionDays"},
          {"{\"excludedAddresses\":[\"nobody\"]}", "excludedAddresses"},
          {"{\"privateCategory\":\"\"}", "privateCategory"}
        }) {
      ApiClient.Reply refused = api().put("/api/admin/capture/settings", org.adminToken(), bad[0]);
      assertEquals(400, refused.status(), bad[0] + " " + refused.body());
      assertEquals("invalid_field", refused.error());
      assertTrue(refused.json().getString("message").startsWith(bad[1] + ":"), refused.body());
    }
    assertEquals(
        30,
        api().get("/api/admin/capture/settings", org.adminToken()).json().getInt("backfillDays"));

    // another org still has its defaults
    Org other = OAuthOrgs.create(testOrgs, api(), fake());
    assertEquals(
        180,
        api().get("/api/admin/capture/settings", other.adminToken()).json().getInt("backfillDays"));
  }

  // ------------------------------------------------------------------------------ the switch

  @Test
  void onlyTheOwnerOrAnAdminOfTheOrgSwitchesCaptureAndOffStopsIt() {
    Setup s = setup();
    AppUser colleague = testOrgs.user(s.org().admin().orgId(), "USER", "colleague");
    String colleagueToken = api().accessToken(colleague.email(), TestOrgs.PASSWORD);
    assertEquals(404, switchCapture(s.mailboxId(), colleagueToken, true).status());
    AppUser stranger = testOrgs.orgWithAdmin("stranger");
    String strangerToken = api().accessToken(stranger.email(), TestOrgs.PASSWORD);
    assertEquals(404, switchCapture(s.mailboxId(), strangerToken, true).status());
    assertEquals(404, api().get("/api/mailboxes/" + s.mailboxId(), strangerToken).status());
    assertEquals("off", health(s).getString("state"));
    ApiClient.Reply missing =
        api().put("/api/mailboxes/" + s.mailboxId() + "/capture", s.org().repToken(), "{}");
    assertEquals(400, missing.status());

    customerMail(s.account(), "Before the switch", 1);
    ApiClient.Reply byAdmin = switchCapture(s.mailboxId(), s.org().adminToken(), true);
    assertEquals(200, byAdmin.status(), byAdmin.body());
    assertEquals("backfilling", byAdmin.json().getString("state"));
    // switched off before any job ran: the queued job reads nothing
    ApiClient.Reply off = switchCapture(s.mailboxId(), s.org().repToken(), false);
    assertEquals(200, off.status(), off.body());
    assertEquals("off", off.json().getString("state"));
    long before = deltaRequestsOf(s.account());
    drain();
    assertEquals(before, deltaRequestsOf(s.account()), "a switched-off mailbox is not read");
    assertEquals(List.of(), timeline(s, s.nora()));
  }

  // ------------------------------------------------------------------------------ backfill

  @Test
  void backfillReadsPageByPageResumesAfterARestartAndAppliesEveryPolicyRule() throws Exception {
    Setup s = setup();
    String a = s.account();
    ApiClient.Reply settings =
        api()
            .put(
                "/api/admin/capture/settings",
                s.org().adminToken(),
                "{\"backfillDays\":90,\"excludedAddresses\":[\"ceo@fabrikam.example\"],"
                    + "\"excludedDomains\":[\"lawfirm.example\"]}");
    assertEquals(200, settings.status(), settings.body());
    Set<String> expected = new java.util.HashSet<>();
    for (int i = 1; i <= 9; i++) {
      customerMail(a, "Quote " + i, i);
      expected.add("Quote " + i);
    }
    customerMail(a, "Too old", 120); // outside the 90-day window
    String mid = UUID.randomUUID() + "@ourco.example";
    put(a, "sentitems", mid, "Our offer", a, List.of(NORA), 2, List.of(), "");
    expected.add("Our offer");
    // each of these is left out by one rule
    put(
        a,
        "inbox",
        UUID.randomUUID() + "@x",
        "Newsletter",
        "news@fabrikam.example",
        List.of(a),
        3,
        List.of(),
        "List-Unsubscribe: <mailto:unsubscribe@fabrikam.example>\r\n");
    put(
        a,
        "inbox",
        UUID.randomUUID() + "@x",
        "Receipt",
        "no-reply@fabrikam.example",
        List.of(a),
        3,
        List.of(),
        "");
    put(
        a,
        "inbox",
        UUID.randomUUID() + "@x",
        "Private matter",
        NORA,
        List.of(a),
        3,
        List.of(),
        "Sensitivity: Private\r\n");
    put(
        a,
        "inbox",
        UUID.randomUUID() + "@x",
        "Marked private",
        NORA,
        List.of(a),
        3,
        List.of("Private"),
        "");
    put(
        a,
        "inbox",
        UUID.randomUUID() + "@x",
        "Team lunch",
        "boss@customer.example",
        List.of(a),
        3,
        List.of(),
        "");
    put(
        a,
        "inbox",
        UUID.randomUUID() + "@x",
        "Cold call",
        "someone@elsewhere.example",
        List.of(a),
        3,
        List.of(),
        "");
    put(
        a,
        "inbox",
        UUID.randomUUID() + "@x",
        "Board memo",
        NORA,
        List.of(a, "ceo@fabrikam.example"),
        3,
        List.of(),
        "");
    put(
        a,
        "inbox",
        UUID.randomUUID() + "@x",
        "Legal",
        "counsel@lawfirm.example",
        List.of(a, NORA),
        3,
        List.of(),
        "");
    int skippedByPolicy = 8;
    drain(); // whatever other tests left due, so that the steps below run this mailbox's job
    fake().graphDeltaMaxPage = 4;
    try {
      ApiClient.Reply on = switchCapture(s.mailboxId(), s.org().repToken(), true);
      assertEquals(200, on.status(), on.body());

      // the first page lands on timelines after one job run, before the backfill is done
      assertTrue(step());
      JsonObject afterOne = health(s);
      assertEquals("backfilling", afterOne.getString("state"), afterOne.toString());
      assertEquals(4, afterOne.getInt("seen"));
      assertNotNull(afterOne.getString("lastProgressAt"));
      assertFalse(timeline(s, s.nora()).isEmpty(), "captured mail appears before the end");

      // a node takes the job and dies holding it; after its lease another pump goes on from the
      // stored page link, not from scratch
      List<ClaimedJob> lost = jobs.claim("it-dead-node", 1, Duration.ofMillis(1));
      assertEquals(1, lost.size());
      Thread.sleep(50);
      drain();
    } finally {
      fake().graphDeltaMaxPage = 1000;
    }
    assertEquals(1, deltaRequests(a, "inbox", "first"), "the full round started once");

    JsonObject live = health(s);
    assertEquals("live", live.getString("state"), live.toString());
    assertEquals("live", live.getString("phase"));
    assertEquals(expected.size() + skippedByPolicy, live.getInt("seen"));
    assertEquals(expected.size(), live.getInt("captured"));
    assertEquals(skippedByPolicy, live.getInt("skipped"));

    List<JsonObject> items = timeline(s, s.nora());
    assertEquals(expected, subjects(items));
    assertEquals(expected.size(), items.size(), "no duplicates");
    JsonObject one = items.get(0);
    assertTrue(one.isNull("loggedBy"), "captured by the server");
    assertEquals(s.mailboxId(), one.getJsonArray("owners").getJsonObject(0).getString("mailboxId"));
    assertEquals(
        s.org().rep().id(), one.getJsonArray("owners").getJsonObject(0).getString("userId"));

    // delta requests asked for immutable ids
    assertTrue(
        fake().graphPreferHeaders.stream().allMatch(h -> h.contains("IdType=\"ImmutableId\"")),
        fake().graphPreferHeaders.toString());

    // the admin list shows the mailbox, by state
    ApiClient.Reply listed =
        api().get("/api/admin/capture/mailboxes?state=live", s.org().adminToken());
    assertEquals(200, listed.status(), listed.body());
    assertEquals(
        s.mailboxId(), listed.json().getJsonArray("items").getJsonObject(0).getString("mailboxId"));
    assertEquals(
        0,
        api()
            .get("/api/admin/capture/mailboxes?state=error", s.org().adminToken())
            .json()
            .getJsonArray("items")
            .size());
    assertEquals(
        400, api().get("/api/admin/capture/mailboxes?state=asleep", s.org().adminToken()).status());
    assertEquals(403, api().get("/api/admin/capture/mailboxes", s.org().repToken()).status());
  }

  @Test
  void aRequestWhileAnotherRunReadsTheMailboxWaitsForItInsteadOfReadingTheSamePage()
      throws Exception {
    Setup s = setup();
    for (int i = 0; i < 3; i++) {
      customerMail(s.account(), "Overlap " + i, i + 1);
    }
    drain();
    fake().graphDeltaMaxPage = 1;
    try {
      assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
      ClaimedJob first = null;
      while (first == null) {
        List<ClaimedJob> claimed = jobs.claim("it-node-a", 1, Duration.ofMinutes(5));
        assertEquals(1, claimed.size(), "the switch queued a sync");
        if (claimed.get(0).payload().equals(s.mailboxId())) {
          first = claimed.get(0);
        } else {
          runner.run(claimed.get(0));
        }
      }
      // Node A's run has begun: its key is released, so a poll or a notification queues anew.
      jobs.releaseDedupKey(first.id());
      String second = captureJobs.requestSync(s.org().admin().orgId(), s.mailboxId());
      assertNotEquals(first.id(), second);

      // Node B takes the second request while A's run holds the mailbox: it reads nothing.
      assertTrue(step(s.mailboxId()));
      assertEquals(0, deltaRequestsOf(s.account()), "no page read beside node A's");
      JobView waiting = jobs.find(second).orElseThrow();
      assertEquals(JobState.READY, waiting.state());
      assertEquals(s.mailboxId(), waiting.payload(), "still a new request, not a continuation");
      assertTrue(waiting.runAt().isAfter(Instant.now()), "waits for A's page: " + waiting);
      assertEquals(
          second,
          captureJobs.requestSync(s.org().admin().orgId(), s.mailboxId()),
          "later requests join the waiting one");

      // A's run ends: B's request is due at once, not after its fixed wait, and reads on.
      runner.run(first);
      assertFalse(
          jobs.find(second).orElseThrow().runAt().isAfter(Instant.now()),
          "due as soon as A's run ended: " + jobs.find(second).orElseThrow());
      drain();
      assertEquals(3, health(s).getInt("captured"));
      assertEquals(JobState.DONE, jobs.find(second).orElseThrow().state());
    } finally {
      fake().graphDeltaMaxPage = 1000;
    }
    List<JsonObject> items = timeline(s, s.nora());
    assertEquals(Set.of("Overlap 0", "Overlap 1", "Overlap 2"), subjects(items));
    assertEquals(3, items.size(), "no duplicates");
    assertEquals(3, health(s).getInt("captured"));
  }

  // ------------------------------------------------------------------ a few hundred, two pumps

  private static final int MANY = 300;

  /** Every subject on the contact's timeline, following its pages to the end. */
  private List<String> wholeTimeline(Setup s, String contactId) {
    List<String> subjects = new java.util.ArrayList<>();
    String cursor = null;
    do {
      ApiClient.Reply reply =
          api()
              .get(
                  "/api/records/contacts/"
                      + contactId
                      + "/timeline?limit=200"
                      + (cursor == null ? "" : "&cursor=" + cursor),
                  s.org().adminToken());
      assertEquals(200, reply.status(), reply.body());
      reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
          .map(i -> i.getString("subject"))
          .forEach(subjects::add);
      cursor = reply.json().isNull("next") ? null : reply.json().getString("next");
    } while (cursor != null);
    return subjects;
  }

  /**
   * The backfill's first page is read by a node that dies holding the job (its lease lapses), then
   * two pumps share the queue to the end: each message once, none missing, one owner each.
   */
  private void backfillByTwoPumpsAcrossADeadNode(Setup s, Set<String> expected) throws Exception {
    drain(); // whatever other tests left due
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    List<ClaimedJob> lost = jobs.claim("it-dead-node", 1, Duration.ofMillis(1));
    assertEquals(1, lost.size());
    Thread.sleep(50);
    java.util.concurrent.ExecutorService pumps =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<Integer> a = pumps.submit(() -> pump.drain("it-pump-A", 1));
      java.util.concurrent.Future<Integer> b = pumps.submit(() -> pump.drain("it-pump-B", 1));
      a.get(10, java.util.concurrent.TimeUnit.MINUTES);
      b.get(10, java.util.concurrent.TimeUnit.MINUTES);
    } finally {
      pumps.shutdownNow();
    }
    // a run that waited for the other pump's may have been due after both went idle, and the
    // suite's scaled-down pacing (pom.xml) makes a backfill this large wait for its budget
    for (int i = 0; i < 240 && !"live".equals(health(s).getString("state")); i++) {
      Thread.sleep(500);
      drain();
    }
    JsonObject live = health(s);
    assertEquals("live", live.getString("state"), live.toString());
    assertEquals(expected.size(), live.getInt("seen"), live.toString());
    assertEquals(expected.size(), live.getInt("captured"), live.toString());
    List<String> subjects = wholeTimeline(s, s.nora());
    assertEquals(expected.size(), subjects.size(), "no duplicates");
    assertEquals(expected, Set.copyOf(subjects), "no gaps");
    assertEquals(
        List.of(String.valueOf(expected.size())),
        raw.strings(
            "SELECT CAST(COUNT(*) AS VARCHAR(12)) FROM activity_owner WHERE mailbox_id = ?",
            s.mailboxId()),
        "one owner row per message");
  }

  @Test
  void aFewHundredGraphMailsAreBackfilledAcrossPagesByTwoPumpsAfterANodeDiedEachOnce()
      throws Exception {
    Setup s = setup();
    Set<String> expected = new java.util.HashSet<>();
    for (int i = 0; i < MANY; i++) {
      customerMail(s.account(), "Graph bulk " + i, 1 + i % 150);
      expected.add("Graph bulk " + i);
    }
    fake().graphDeltaMaxPage = 25;
    try {
      backfillByTwoPumpsAcrossADeadNode(s, expected);
    } finally {
      fake().graphDeltaMaxPage = 1000;
    }
    assertEquals(1, deltaRequests(s.account(), "inbox", "first"), "the full round started once");
  }

  @Test
  void aFewHundredGmailMessagesAreBackfilledAcrossPagesByTwoPumpsAfterANodeDiedEachOnce()
      throws Exception {
    Setup s = gmailSetup("gbulk");
    String account = s.account();
    String mailboxId = s.mailboxId();
    Set<String> expected = new java.util.HashSet<>();
    for (int i = 0; i < MANY; i++) {
      gmailMessage(account, "Gmail bulk " + i, NORA, List.of(account), 1 + i % 150, "", "INBOX");
      expected.add("Gmail bulk " + i);
    }
    long listsBefore = gmailCalls("/users/me/messages?");
    fake().gmailListMaxPage = 25;
    try {
      backfillByTwoPumpsAcrossADeadNode(s, expected);
    } finally {
      fake().gmailListMaxPage = 500;
    }
    assertTrue(
        gmailCalls("/users/me/messages?") - listsBefore >= MANY / 25, "read across pages of 25");
  }

  // ------------------------------------------------------------------------------ live sync

  private Setup liveMailbox() {
    Setup s = setup();
    customerMail(s.account(), "First contact", 5);
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    drain();
    assertEquals("live", health(s).getString("state"));
    return s;
  }

  @Test
  void theBackfillReadsNewestFirstSoRecentMailReachesTimelinesFirst() {
    Setup s = setup();
    for (int daysAgo = 5; daysAgo >= 1; daysAgo--) { // stored oldest first
      customerMail(s.account(), daysAgo + " days ago", daysAgo);
    }
    drain(); // whatever other tests left due, so that the step below runs this mailbox's job
    fake().graphDeltaMaxPage = 2;
    try {
      assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
      assertTrue(step(s.mailboxId()));
      assertEquals(Set.of("1 days ago", "2 days ago"), subjects(timeline(s, s.nora())));
      drain();
    } finally {
      fake().graphDeltaMaxPage = 1000;
    }
    assertEquals(5, timeline(s, s.nora()).size());
    assertTrue(
        fake().graphRequests.stream()
            .filter(r -> r.endsWith(" #" + s.account()))
            .anyMatch(r -> r.contains("orderby=receivedDateTime")),
        "asked Graph for its one supported order");
  }

  @Test
  void notificationsOnlyQueueASyncAndRepeatedLateOrForgedOnesChangeNothing() throws Exception {
    Setup s = liveMailbox();
    GraphSubscription subscription = subscriptionOf(s.account());
    assertEquals("me/messages", subscription.resource());
    assertTrue(subscription.notificationUrl().endsWith("/api/notify/graph"));
    assertNotNull(health(s).getString("pushExpiresAt"));

    // Graph's validation handshake
    HttpResponse<String> validation =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            base()
                                + "/api/notify/graph?validationToken="
                                + URLEncoder.encode(
                                    "Validation: Testing client application reachability",
                                    StandardCharsets.UTF_8)))
                    .header("Content-Type", "text/plain; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, validation.statusCode());
    assertTrue(validation.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    assertEquals("Validation: Testing client application reachability", validation.body());

    // a new message, announced three times and once more out of order after the sync
    customerMail(s.account(), "New order", 0);
    long roundsBefore = deltaRequests(s.account(), "inbox", "delta");
    String good = notification(subscription.id(), subscription.clientState(), "created");
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> accepted = notify(good);
      assertEquals(202, accepted.statusCode(), accepted.body());
    }
    drain();
    assertEquals(
        roundsBefore + 1,
        deltaRequests(s.account(), "inbox", "delta"),
        "three notifications, one sync");
    assertEquals(Set.of("First contact", "New order"), subjects(timeline(s, s.nora())));
    JsonObject afterSync = health(s);

    assertEquals(
        202,
        notify(notification(subscription.id(), subscription.clientState(), "updated"))
            .statusCode());
    drain();
    assertEquals(2, timeline(s, s.nora()).size(), "a late notification adds nothing");
    assertEquals(afterSync.getInt("captured"), health(s).getInt("captured"));

    // a forged client state, an unknown subscription: refused, nothing queued
    long requests = deltaRequestsOf(s.account());
    HttpResponse<String> forged = notify(notification(subscription.id(), "guessed", "created"));
    assertEquals(403, forged.statusCode(), forged.body());
    assertEquals(
        "notification_refused",
        Json.createReader(new java.io.StringReader(forged.body())).readObject().getString("error"));
    assertEquals(
        403,
        notify(notification(UUID.randomUUID().toString(), subscription.clientState(), "created"))
            .statusCode());
    drain();
    assertEquals(requests, deltaRequestsOf(s.account()), "a refused notification reads nothing");
    assertEquals(400, notify("{not json").statusCode());
  }

  /** A lifecycle notification as Graph posts it to the {@code lifecycleNotificationUrl}. */
  private static String lifecycle(String subscriptionId, String clientState, String event) {
    return Json.createObjectBuilder()
        .add(
            "value",
            Json.createArrayBuilder()
                .add(
                    Json.createObjectBuilder()
                        .add("subscriptionId", subscriptionId)
                        .add("subscriptionExpirationDateTime", "2026-12-03T11:00:00.0000000Z")
                        .add("tenantId", "84bd8158-6d4d-4958-8b9f-9d6445542f95")
                        .add("clientState", clientState)
                        .add("lifecycleEvent", event)))
        .build()
        .toString();
  }

  private long subscriptionsOf(String account) {
    return fake().graphSubscriptions.values().stream()
        .filter(x -> x.account().equals(account))
        .count();
  }

  @Test
  void lifecycleNotificationsRenewRecreateOrResyncAndAreCheckedLikeChangeNotifications()
      throws Exception {
    Setup s = liveMailbox();
    GraphSubscription first = subscriptionOf(s.account());
    assertEquals(1, subscriptionsOf(s.account()));

    // reauthorizationRequired: the same subscription is renewed (PATCH), none is added
    int renewalsBefore = fake().graphSubscriptionRenewals.size();
    HttpResponse<String> reauth =
        notify(lifecycle(first.id(), first.clientState(), "reauthorizationRequired"));
    assertEquals(202, reauth.statusCode(), reauth.body());
    drain();
    List<String> renewals =
        fake()
            .graphSubscriptionRenewals
            .subList(renewalsBefore, fake().graphSubscriptionRenewals.size());
    assertEquals(1, renewals.size(), renewals.toString());
    assertTrue(renewals.get(0).startsWith(first.id() + " "), renewals.toString());
    assertEquals(1, subscriptionsOf(s.account()), "renewed, not opened again");
    assertEquals("live", health(s).getString("state"));

    // checked like a change notification: a wrong clientState is refused and renews nothing
    assertEquals(
        403, notify(lifecycle(first.id(), "guessed", "reauthorizationRequired")).statusCode());
    drain();
    assertEquals(renewalsBefore + 1, fake().graphSubscriptionRenewals.size());

    // missed: names no item; the delta is read and finds what was missed
    customerMail(s.account(), "Missed by push", 0);
    long rounds = deltaRequests(s.account(), "inbox", "delta");
    assertEquals(202, notify(lifecycle(first.id(), first.clientState(), "missed")).statusCode());
    drain();
    assertEquals(rounds + 1, deltaRequests(s.account(), "inbox", "delta"));
    assertTrue(subjects(timeline(s, s.nora())).contains("Missed by push"));

    // subscriptionRemoved: Graph dropped it; a new one is opened
    fake().graphSubscriptions.remove(first.id());
    assertEquals(
        202,
        notify(lifecycle(first.id(), first.clientState(), "subscriptionRemoved")).statusCode());
    drain();
    GraphSubscription second = subscriptionOf(s.account());
    assertFalse(second.id().equals(first.id()), "a new subscription");
    assertEquals(first.clientState(), second.clientState());
    JsonObject health = health(s);
    assertEquals("live", health.getString("state"));
    assertNotNull(health.getString("pushExpiresAt"));
    // the old id is no longer the mailbox's: its notifications are refused
    assertEquals(
        403, notify(notification(first.id(), first.clientState(), "created")).statusCode());
    assertEquals(
        202, notify(notification(second.id(), second.clientState(), "created")).statusCode());
    drain();
  }

  @Test
  void aSubscriptionNearItsEndIsRenewedByThePollsSyncWellBeforeItEnds() {
    fake().graphSubscriptionLifetime = Duration.ofHours(6); // Graph granted less than asked
    Setup s;
    try {
      s = liveMailbox();
    } finally {
      fake().graphSubscriptionLifetime = null;
    }
    GraphSubscription subscription = subscriptionOf(s.account());
    Instant ends = Instant.parse(health(s).getString("pushExpiresAt"));
    assertTrue(ends.isBefore(Instant.now().plus(Duration.ofHours(7))), ends.toString());
    int renewalsBefore = fake().graphSubscriptionRenewals.size();

    // Six hours left is inside the half day of margin: the next sync (the poll's) renews it.
    assertTrue(polling.pollReadNothingSince(Instant.now().plusSeconds(1)) >= 1);
    drain();
    List<String> renewals =
        fake()
            .graphSubscriptionRenewals
            .subList(renewalsBefore, fake().graphSubscriptionRenewals.size());
    assertEquals(1, renewals.size(), renewals.toString());
    assertTrue(renewals.get(0).startsWith(subscription.id() + " "));
    Instant renewedUntil = Instant.parse(health(s).getString("pushExpiresAt"));
    assertTrue(
        renewedUntil.isAfter(Instant.now().plus(Duration.ofHours(48))), renewedUntil.toString());
    assertEquals(1, subscriptionsOf(s.account()), "renewed in place, no second subscription");

    // Far from its end, the next sync leaves it alone.
    assertTrue(polling.pollReadNothingSince(Instant.now().plusSeconds(1)) >= 1);
    drain();
    assertEquals(renewalsBefore + 1, fake().graphSubscriptionRenewals.size());
  }

  private static boolean noPush(JsonObject health) {
    return !health.containsKey("pushExpiresAt") || health.isNull("pushExpiresAt");
  }

  private List<String> deletionsOf(String account) {
    return fake().graphSubscriptionDeletions.stream()
        .filter(d -> d.endsWith(" #" + account))
        .map(d -> d.substring(0, d.indexOf(' ')))
        .toList();
  }

  @Test
  void switchingCaptureOffOrDisconnectingDeletesTheGraphSubscriptionAndAFailureStillSwitchesOff() {
    Setup s = liveMailbox();
    GraphSubscription first = subscriptionOf(s.account());

    ApiClient.Reply off = switchCapture(s.mailboxId(), s.org().repToken(), false);
    assertEquals(200, off.status(), off.body());
    assertEquals("off", off.json().getString("state"));
    assertEquals(List.of(first.id()), deletionsOf(s.account()));
    assertEquals(0, subscriptionsOf(s.account()));
    assertTrue(noPush(health(s)), health(s).toString());

    // on again: a new subscription; Graph failing the DELETE does not keep capture on
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    drain();
    assertEquals("live", health(s).getString("state"));
    GraphSubscription second = subscriptionOf(s.account());
    assertFalse(second.id().equals(first.id()));
    fake().graphUnsubscribeFailing.add(s.account());
    try {
      ApiClient.Reply refused = switchCapture(s.mailboxId(), s.org().adminToken(), false);
      assertEquals(200, refused.status(), refused.body());
      assertEquals("off", refused.json().getString("state"));
    } finally {
      fake().graphUnsubscribeFailing.remove(s.account());
    }
    assertEquals(List.of(first.id()), deletionsOf(s.account()));
    long before = deltaRequestsOf(s.account());
    drain();
    assertEquals(before, deltaRequestsOf(s.account()), "off, whatever Graph answered");

    // disconnecting deletes it too, before the tokens go
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    drain();
    GraphSubscription third =
        fake().graphSubscriptions.values().stream()
            .filter(x -> x.account().equals(s.account()) && !x.id().equals(second.id()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no new subscription"));
    ApiClient.Reply disconnected =
        api().delete("/api/mailboxes/" + s.mailboxId(), s.org().repToken());
    assertEquals(200, disconnected.status(), disconnected.body());
    assertEquals(List.of(first.id(), third.id()), deletionsOf(s.account()));
  }

  @Test
  void aMailboxGraphCannotPushToIsShownPollingAndStillFollowed() {
    Setup s = setup();
    fake().graphNotificationUrlUnreachable.add(s.account());
    try {
      customerMail(s.account(), "Before going live", 3);
      assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
      drain();
      JsonObject health = health(s);
      assertEquals("polling", health.getString("state"), health.toString());
      assertTrue(health.getString("reason").contains("could not reach"), health.toString());
      JsonObject said = latestAudit(s, "capture.polling");
      assertEquals(s.mailboxId(), said.getString("subjectId"));
      assertEquals(health.getString("reason"), said.getString("detail"));
      assertTrue(health.getString("reason").contains("/api/notify/graph"), health.toString());
      assertTrue(health.isNull("pushExpiresAt"));

      ApiClient.Reply listed =
          api().get("/api/admin/capture/mailboxes?state=polling&limit=200", s.org().adminToken());
      assertEquals(200, listed.status(), listed.body());
      assertTrue(
          listed.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
              .anyMatch(m -> m.getString("mailboxId").equals(s.mailboxId())),
          listed.body());

      // The poll still reads it; subscribing is not tried at every page.
      long subscribeCalls =
          fake().graphRequests.stream()
              .filter(r -> r.startsWith("POST /graph/v1.0/subscriptions"))
              .count();
      customerMail(s.account(), "Found by the poll", 0);
      assertTrue(polling.pollReadNothingSince(Instant.now().plusSeconds(1)) >= 1);
      drain();
      assertTrue(subjects(timeline(s, s.nora())).contains("Found by the poll"));
      assertEquals("polling", health(s).getString("state"));
      assertEquals(
          subscribeCalls,
          fake().graphRequests.stream()
              .filter(r -> r.startsWith("POST /graph/v1.0/subscriptions"))
              .count());
    } finally {
      fake().graphNotificationUrlUnreachable.remove(s.account());
    }
  }

  @Test
  void aBackfillShowsItsPercentAndAnEtaFromTheFoldersCounts() {
    Setup s = setup();
    for (int i = 0; i < 4; i++) {
      customerMail(s.account(), "Backfill " + i, i + 1);
    }
    int pageWas = fake().graphDeltaMaxPage;
    fake().graphDeltaMaxPage = 1;
    try {
      assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
      assertTrue(step(s.mailboxId()));
      JsonObject first = health(s);
      assertEquals("backfilling", first.getString("state"), first.toString());
      assertEquals(4, first.getInt("estimatedTotal"), "Inbox 4 + Sent Items 0");
      assertEquals(25, first.getInt("percent"));
      Instant eta = Instant.parse(first.getString("eta"));
      assertFalse(eta.isBefore(Instant.parse(first.getString("lastProgressAt"))));
      assertTrue(step(s.mailboxId()));
      assertEquals(50, health(s).getInt("percent"));
      drain();
      JsonObject done = health(s);
      assertEquals("live", done.getString("state"));
      assertTrue(done.isNull("percent"));
      assertTrue(done.isNull("eta"));
      assertTrue(
          fake().graphRequests.stream()
              .anyMatch(r -> r.contains("/me/mailFolders/inbox?") && r.contains("totalItemCount")));
    } finally {
      fake().graphDeltaMaxPage = pageWas;
    }
  }

  @Test
  void anItemMarkedPrivateAfterItWasCapturedIsTakenBackAndADeletedOneIsKept() {
    Setup s = setup();
    String kept = customerMail(s.account(), "Will be deleted in Outlook", 2);
    String marked = customerMail(s.account(), "Will be marked private", 1);
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    drain();
    assertEquals(2, timeline(s, s.nora()).size());

    fake().categorizeGraphItem(s.account(), marked, List.of("Blue", "Private"));
    fake().removeGraphItem(s.account(), kept);
    assertTrue(polling.pollReadNothingSince(Instant.now().plusSeconds(1)) >= 1);
    drain();
    assertEquals(
        Set.of("Will be deleted in Outlook"),
        subjects(timeline(s, s.nora())),
        "the private one is gone, the deleted one stays");
  }

  @Test
  void anExpiredDeltaLinkReadsTheFolderAgainWithoutDuplicates() throws Exception {
    Setup s = liveMailbox();
    // Graph drops every sync state it handed out so far
    fake().expireAllGraphTokens();
    customerMail(s.account(), "After the expiry", 0);
    long firstRounds = deltaRequests(s.account(), "inbox", "first");
    GraphSubscription subscription = subscriptionOf(s.account());
    assertEquals(
        202,
        notify(notification(subscription.id(), subscription.clientState(), "created"))
            .statusCode());
    drain();
    assertEquals(
        firstRounds + 1, deltaRequests(s.account(), "inbox", "first"), "the folder was read again");
    List<JsonObject> items = timeline(s, s.nora());
    assertEquals(Set.of("First contact", "After the expiry"), subjects(items));
    assertEquals(2, items.size(), "the re-read stored nothing twice");
    assertEquals("live", health(s).getString("state"));
  }

  @Test
  void throttlingShowsInHealthAndTheJobWaitsAsGraphAsked() throws Exception {
    Setup s = liveMailbox();
    customerMail(s.account(), "While throttled", 0);
    fake().graphRetryAfterSeconds = 120; // longer than Mailbridge waits inline
    fake().graphThrottle.set(1);
    try {
      GraphSubscription subscription = subscriptionOf(s.account());
      assertEquals(
          202,
          notify(notification(subscription.id(), subscription.clientState(), "created"))
              .statusCode());
      drain();
    } finally {
      fake().graphThrottle.set(0);
      fake().graphRetryAfterSeconds = 1;
    }
    JsonObject throttled = health(s);
    // the job waits for Graph's two minutes; switched off, it ends at once when it runs then
    // (in another test class's pump, maybe)
    assertEquals("throttled", throttled.getString("state"), throttled.toString());
    Instant until = Instant.parse(throttled.getString("throttledUntil"));
    assertTrue(until.isAfter(Instant.now().plusSeconds(100)), until.toString());
    assertEquals(Set.of("First contact"), subjects(timeline(s, s.nora())));
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), false).status());
  }

  @Test
  void aGmail429WithRetryAfterHoldsBackOnlyThatMailboxForAsLongAsGoogleAsked() throws Exception {
    Setup held = gmailSetup("gheld");
    Setup other = gmailSetup("gother");
    for (Setup s : List.of(held, other)) {
      gmailMessage(s.account(), "Before the quota", NORA, List.of(s.account()), 2, "", "INBOX");
      assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    }
    drain();
    assertEquals("live", health(held).getString("state"));
    assertEquals("live", health(other).getString("state"));

    gmailMessage(held.account(), "While Google asks to wait", NORA, List.of(held.account()), 0, "");
    gmailMessage(other.account(), "Meanwhile elsewhere", NORA, List.of(other.account()), 0, "");
    fake().refuseGmailQuota(held.account(), 1, 120); // longer than Mailbridge waits inline
    try {
      captureJobs.requestSync(held.org().admin().orgId(), held.mailboxId());
      captureJobs.requestSync(other.org().admin().orgId(), other.mailboxId());
      drain();
      assertEquals(0, fake().gmailRefusalsLeft(held.account()), "Gmail answered 429 once");
      JsonObject throttled = health(held);
      assertEquals("throttled", throttled.getString("state"), throttled.toString());
      Instant until = Instant.parse(throttled.getString("throttledUntil"));
      assertTrue(until.isAfter(Instant.now().plusSeconds(100)), until.toString());
      assertFalse(subjects(timeline(held, held.nora())).contains("While Google asks to wait"));
      // the other mailbox of the same provider goes on as if nothing happened
      assertTrue(subjects(timeline(other, other.nora())).contains("Meanwhile elsewhere"));
      assertEquals("live", health(other).getString("state"));

      // asked again within Google's two minutes: no request reaches Gmail for that mailbox
      fake().refuseGmailQuota(held.account(), 1000, 120);
      captureJobs.requestSync(held.org().admin().orgId(), held.mailboxId());
      drain();
      assertEquals(1000, fake().gmailRefusalsLeft(held.account()), "no retry before the time");
      assertEquals("throttled", health(held).getString("state"));
    } finally {
      fake().refuseGmailQuota(held.account(), 0, 1);
    }
    assertEquals(200, switchCapture(held.mailboxId(), held.org().repToken(), false).status());
  }

  /**
   * Gmail's metadata, then the captured messages in full, are read 50 calls a batch request
   * (developers.google.com/gmail/api/guides/batch); within a batch each call has its own answer: a
   * message deleted since it was listed (a 404 on its metadata, or on its read in full after its
   * metadata came) removes only it, and a 429 on one call, of either kind, holds the page back for
   * Google's Retry-After, after which the page is read again and stored once.
   */
  @Test
  void gmailMetadataAndCapturedMessagesAreReadInBatchesWhoseCallsAreAnsweredEachOnItsOwn()
      throws Exception {
    Setup s = gmailSetup("gbatch");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 54; i++) {
      ids.add(
          addGmail(
              s.account(),
              mime(
                  UUID.randomUUID() + "@mail.example",
                  "Batched " + i,
                  NORA,
                  List.of(s.account()),
                  ""),
              Instant.now().minus(1, ChronoUnit.DAYS).minusSeconds(i)));
    }
    String gone = ids.get(10);
    String goneBeforeItsRead = ids.get(20);
    String busy = ids.get(52); // in the page's second batch
    String busyInFull = ids.get(30);
    fake().gmailGoneOnRead.add(gone);
    fake().gmailGoneOnFullRead.add(goneBeforeItsRead);
    fake().gmailBusyOnce.put(busy, 1);
    fake().gmailBusyOnceOnFullRead.put(busyInFull, 1);
    try {
      assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
      drain();
      assertFalse(fake().gmailBusyOnce.containsKey(busy), "Gmail answered the one call 429");
      for (int i = 0; i < 60 && !"live".equals(health(s).getString("state")); i++) {
        Thread.sleep(250);
        drain();
      }
    } finally {
      fake().gmailGoneOnRead.remove(gone);
      fake().gmailGoneOnFullRead.remove(goneBeforeItsRead);
      fake().gmailBusyOnce.remove(busy);
      fake().gmailBusyOnceOnFullRead.remove(busyInFull);
    }
    JsonObject live = health(s);
    assertEquals("live", live.getString("state"), live.toString());
    List<JsonObject> items = timeline(s, s.nora());
    Set<String> expected = new java.util.HashSet<>();
    for (int i = 0; i < 54; i++) {
      if (i != 10 && i != 20) {
        expected.add("Batched " + i);
      }
    }
    assertEquals(expected, subjects(items));
    assertEquals(52, items.size(), "each stored once");

    // every read of these messages came inside a batch, at most 50 to a batch
    List<String> batches =
        fake().gmailBatches.stream().filter(b -> ids.stream().anyMatch(b::contains)).toList();
    for (String format : List.of("format=metadata", "format=full")) {
      long inBatches =
          batches.stream()
              .flatMap(b -> java.util.Arrays.stream(b.split("\n")))
              .filter(call -> call.contains(format))
              .count();
      long reads =
          fake().gmailRequests.stream()
              .filter(r -> r.contains(format))
              .filter(r -> ids.stream().anyMatch(id -> r.contains("/messages/" + id + "?")))
              .count();
      assertEquals(reads, inBatches, format + " " + batches);
    }
    assertTrue(batches.stream().allMatch(b -> b.split("\n").length <= 50), batches.toString());
    // The page was read three times: its metadata's 429 stopped the first before any message was
    // read in full, the 429 in the first batch of messages the second, the third stored 52.
    assertEquals(
        List.of(50, 4, 50, 4, 50, 4), sizesOf(batches, "format=metadata"), "metadata batches");
    assertEquals(List.of(50, 50, 3), sizesOf(batches, "format=full"), "batches of messages");
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), false).status());
  }

  /** The sizes of the batches whose calls read {@code format}, in the order they came. */
  private static List<Integer> sizesOf(List<String> batches, String format) {
    return batches.stream().filter(b -> b.contains(format)).map(b -> b.split("\n").length).toList();
  }

  // ------------------------------------------------------------------------------ two owners

  /**
   * The node's own pump runs capture on the managed executor's threads (and {@code JobPump.drain}
   * inside an EJB call): the store's raw JDBC must share the transaction's connection there too, or
   * the activity's links fail their foreign key.
   */
  @Test
  void aBackfillRunByTheNodesPumpStoresTheMailOnce() throws Exception {
    Setup s = setup();
    customerMail(s.account(), "Pumped capture", 2);
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    for (int i = 0; i < 120 && timeline(s, s.nora()).isEmpty(); i++) {
      pump.dispatch();
      Thread.sleep(500);
    }
    assertEquals(Set.of("Pumped capture"), subjects(timeline(s, s.nora())));
    pump.drain("it-capture-ejb", 5);
    List<JsonObject> items = timeline(s, s.nora());
    assertEquals(1, items.size(), "captured once: " + items);
    assertEquals(
        List.of(s.mailboxId()),
        items.get(0).getJsonArray("owners").getValuesAs(JsonObject.class).stream()
            .map(o -> o.getString("mailboxId"))
            .toList());
  }

  @Test
  void aPageOfCapturedEmailsIsStoredWholeOrNotAtAllAndOnceEach() throws Exception {
    Setup s = setup();
    String orgId = s.org().admin().orgId();
    String rep = s.org().rep().id();
    AppUser stranger = testOrgs.orgWithAdmin("page-stranger");
    String theirs = testOrgs.contact(stranger.orgId(), "Their", "Contact", "their@else.example");
    Instant sent = Instant.now().minus(3, ChronoUnit.DAYS);
    String omar = testOrgs.contact(orgId, "Omar", "Page", "omar@page.example");
    MailMessage first = io.mailbridge.it.support.TestMessages.email("Page first", sent);
    MailMessage second = io.mailbridge.it.support.TestMessages.email("Page second", sent);

    // a record of another org is as unknown as a wrong id, and the whole page stays unstored
    assertThrows(
        io.mailbridge.platform.problem.NotFound.class,
        () ->
            store.storeCapturedEmails(
                orgId,
                List.of(
                    new ActivityStore.CapturedEmail(first, List.of(s.nora())),
                    new ActivityStore.CapturedEmail(second, List.of(theirs))),
                rep,
                s.mailboxId()));
    assertEquals(List.of(), timeline(s, s.nora()), "nothing of the refused page was stored");

    // the same message twice on a page is one activity; each answer is in the emails' order
    List<StoredActivity> stored =
        store.storeCapturedEmails(
            orgId,
            List.of(
                new ActivityStore.CapturedEmail(first, List.of(s.nora())),
                new ActivityStore.CapturedEmail(second, List.of(s.nora())),
                new ActivityStore.CapturedEmail(first, List.of(s.nora(), s.nora(), omar))),
            rep,
            s.mailboxId());
    assertEquals(3, stored.size());
    assertTrue(stored.get(0).created() && stored.get(1).created());
    assertEquals(stored.get(0).id(), stored.get(2).id());
    assertFalse(stored.get(2).created());
    assertEquals(Set.of("Page first", "Page second"), subjects(timeline(s, s.nora())));
    assertEquals(2, timeline(s, s.nora()).size(), "one entry per message");
    assertEquals(
        List.of("Page first"),
        timeline(s, omar).stream().map(a -> a.getString("subject")).toList(),
        "the second sight of a message on the page adds its new links");
    assertEquals(
        List.of(s.mailboxId()),
        raw.strings(
            "SELECT mailbox_id FROM activity_owner WHERE activity_id = ?", stored.get(0).id()),
        "one owner row for the mailbox");

    // stored again (a page read twice after a restart): nothing new
    List<StoredActivity> again =
        store.storeCapturedEmails(
            orgId,
            List.of(new ActivityStore.CapturedEmail(second, List.of(s.nora()))),
            rep,
            s.mailboxId());
    assertEquals(stored.get(1).id(), again.get(0).id());
    assertFalse(again.get(0).created());
    assertEquals(2, timeline(s, s.nora()).size());
  }

  @Test
  void theSameMessageInTwoRepsMailboxesIsOneActivityWithTwoOwners() {
    Setup s = setup();
    AppUser second = testOrgs.user(s.org().admin().orgId(), "USER", "second rep");
    String secondToken = api().accessToken(second.email(), TestOrgs.PASSWORD);
    String secondAccount = OAuthOrgs.account("capture2");
    String secondMailbox = OAuthOrgs.connect(base(), secondToken, "microsoft", secondAccount);
    String mid = UUID.randomUUID() + "@fabrikam.example";
    put(
        s.account(),
        "inbox",
        mid,
        "To both of you",
        NORA,
        List.of(s.account(), secondAccount),
        1,
        List.of(),
        "");
    put(
        secondAccount,
        "inbox",
        mid,
        "To both of you",
        NORA,
        List.of(s.account(), secondAccount),
        1,
        List.of(),
        "");
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    assertEquals(200, switchCapture(secondMailbox, secondToken, true).status());
    drain();
    List<JsonObject> items = timeline(s, s.nora());
    assertEquals(1, items.size(), items.toString());
    Set<String> owners =
        items.get(0).getJsonArray("owners").getValuesAs(JsonObject.class).stream()
            .map(o -> o.getString("mailboxId"))
            .collect(Collectors.toSet());
    assertEquals(Set.of(s.mailboxId(), secondMailbox), owners);

    // purging the first mailbox deletes what only it brought in; the shared one keeps its other
    // owner
    customerMail(s.account(), "Only mine", 1);
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    drain();
    assertEquals(2, timeline(s, s.nora()).size());
    String purgePath = "/api/admin/capture/mailboxes/" + s.mailboxId() + "/purge";
    assertEquals(403, api().post(purgePath, s.org().repToken(), null).status());
    AppUser stranger = testOrgs.orgWithAdmin("stranger");
    assertEquals(
        404,
        api()
            .post(purgePath, api().accessToken(stranger.email(), TestOrgs.PASSWORD), null)
            .status());
    ApiClient.Reply purged = api().post(purgePath, s.org().adminToken(), null);
    assertEquals(200, purged.status(), purged.body());
    assertEquals(1, purged.json().getInt("activitiesDeleted"));
    List<JsonObject> left = timeline(s, s.nora());
    assertEquals(Set.of("To both of you"), subjects(left));
    assertEquals(
        Set.of(secondMailbox),
        left.get(0).getJsonArray("owners").getValuesAs(JsonObject.class).stream()
            .map(o -> o.getString("mailboxId"))
            .collect(Collectors.toSet()));
    JsonObject afterPurge = health(s);
    assertEquals("off", afterPurge.getString("state"));
    assertEquals(0, afterPurge.getInt("captured"));
  }

  @Test
  void withoutStoredFilesCapturedMailListsItsAttachmentsAndTheirDownloadSaysWhy() throws Exception {
    Setup s = setup(); // storeAttachments is off by default
    String mid = UUID.randomUUID() + "@fabrikam.example";
    String pdf = "%PDF-1.7 the quote itself " + UUID.randomUUID();
    String mime = quoteWithPdf(mid, s.account(), pdf);
    fake()
        .putGraphItem(
            s.account(),
            "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0" + UUID.randomUUID().toString().replace("-", ""),
            "inbox",
            mid,
            "Quote attached",
            NORA,
            List.of(s.account()),
            Instant.now().minus(1, ChronoUnit.DAYS),
            List.of(),
            mime.getBytes(StandardCharsets.UTF_8));
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    drain();

    JsonObject captured = onNorasTimeline(s, "Quote attached");
    List<JsonObject> files = captured.getJsonArray("attachments").getValuesAs(JsonObject.class);
    assertEquals(1, files.size(), captured.toString());
    JsonObject file = files.get(0);
    assertEquals("quote.pdf", file.getString("name"));
    assertEquals("application/pdf", file.getString("contentType"));
    assertEquals(pdf.getBytes(StandardCharsets.UTF_8).length, file.getInt("size"));
    assertFalse(file.getBoolean("stored"), file.toString());
    assertEquals(
        1,
        raw.strings(
                "SELECT id FROM activity_attachment WHERE activity_id = ? AND blob_id IS NULL",
                captured.getString("id"))
            .size());

    ApiClient.Reply download =
        api()
            .get(
                "/api/activities/" + captured.getString("id") + "/attachments/1",
                s.org().adminToken());
    assertEquals(404, download.status(), download.body());
    assertEquals("attachment_not_stored", download.json().getString("error"));
    assertTrue(download.json().getString("message").contains("quote.pdf"), download.body());
  }

  /** "Quote attached" from Nora: a text and an HTML body, and {@code pdf} as quote.pdf. */
  private static String quoteWithPdf(String mid, String to, String pdf) {
    return quoteWithPdf(mid, to, pdf, "Quote attached");
  }

  private static String quoteWithPdf(String mid, String to, String pdf, String subject) {
    return "MIME-Version: 1.0\r\nFrom: "
        + NORA
        + "\r\nTo: "
        + to
        + "\r\nSubject: "
        + subject
        + "\r\nDate: Tue, 03 Nov 2026 09:12:33 +0000\r\n"
        + "Message-ID: <"
        + mid
        + ">\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        + "--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n"
        + "--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe quote.\r\n"
        + "--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The quote.</p>\r\n"
        + "--b2--\r\n"
        + "--b1\r\nContent-Type: application/pdf; name=\"quote.pdf\"\r\n"
        + "Content-Disposition: attachment; filename=\"quote.pdf\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + java.util.Base64.getMimeEncoder().encodeToString(pdf.getBytes(StandardCharsets.UTF_8))
        + "\r\n--b1--\r\n";
  }

  /** A quote with {@code pdf} attached from Nora in the Gmail Inbox of {@code account}; its id. */
  private String gmailQuote(String account, String subject, String pdf, Instant received) {
    String mid = UUID.randomUUID() + "@fabrikam.example";
    return addGmail(
        account,
        quoteWithPdf(mid, account, pdf, subject).getBytes(StandardCharsets.UTF_8),
        received);
  }

  @Test
  void gmailCaptureWithoutStoredFilesReadsTheMessageWithoutItsFilesAndListsThem() {
    Setup s = gmailSetup("gfiles");
    String pdf = "%PDF-1.7 the quote itself " + "x".repeat(50_000) + UUID.randomUUID();
    String id =
        gmailQuote(s.account(), "Quote attached", pdf, Instant.now().minus(1, ChronoUnit.DAYS));
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    drain();

    JsonObject captured = onNorasTimeline(s, "Quote attached");
    List<JsonObject> files = captured.getJsonArray("attachments").getValuesAs(JsonObject.class);
    assertEquals(1, files.size(), captured.toString());
    assertEquals("quote.pdf", files.get(0).getString("name"));
    assertEquals("application/pdf", files.get(0).getString("contentType"));
    assertEquals(pdf.getBytes(StandardCharsets.UTF_8).length, files.get(0).getInt("size"));
    assertFalse(files.get(0).getBoolean("stored"), files.get(0).toString());
    JsonObject activity =
        api().get("/api/activities/" + captured.getString("id"), s.org().adminToken()).json();
    assertEquals("The quote.", activity.getString("bodyText"), activity.toString());
    List<String> reads =
        fake().gmailRequests.stream().filter(r -> r.contains("/messages/" + id + "?")).toList();
    assertTrue(reads.stream().anyMatch(r -> r.contains("format=full")), reads.toString());
    assertTrue(reads.stream().noneMatch(r -> r.contains("format=raw")), reads.toString());

    // an org that stores files: the message is read whole and its file kept
    ApiClient.Reply store =
        api()
            .put(
                "/api/admin/capture/settings", s.org().adminToken(), "{\"storeAttachments\":true}");
    assertEquals(200, store.status(), store.body());
    String stored = gmailQuote(s.account(), "Quote kept", pdf, Instant.now());
    assertTrue(polling.pollReadNothingSince(Instant.now().plusSeconds(1)) >= 1);
    drain();
    JsonObject kept = onNorasTimeline(s, "Quote kept");
    JsonObject keptFile = kept.getJsonArray("attachments").getValuesAs(JsonObject.class).get(0);
    assertTrue(keptFile.getBoolean("stored"), keptFile.toString());
    assertEquals(
        pdf,
        new String(
            api()
                .getBytes(
                    "/api/activities/" + kept.getString("id") + "/attachments/1",
                    s.org().adminToken())
                .body(),
            StandardCharsets.UTF_8));
    assertTrue(
        fake().gmailRequests.stream()
            .anyMatch(r -> r.contains("/messages/" + stored + "?") && r.contains("format=raw")));
  }

  private static Set<String> owners(JsonObject item) {
    return item.getJsonArray("owners").getValuesAs(JsonObject.class).stream()
        .map(o -> o.getString("mailboxId"))
        .collect(Collectors.toSet());
  }

  @Test
  void aRepsOwnExclusionsKeepTheirMailboxFromCapturingWhileAColleaguesStillDoes() {
    Setup s = setup();
    String orgId = s.org().admin().orgId();
    String lee = testOrgs.contact(orgId, "Lee", "Counsel", "lee@mail.lawfirm.example");
    AppUser second = testOrgs.user(orgId, "USER", "second rep");
    String secondToken = api().accessToken(second.email(), TestOrgs.PASSWORD);
    String secondAccount = OAuthOrgs.account("capture2");
    String secondMailbox = OAuthOrgs.connect(base(), secondToken, "microsoft", secondAccount);
    String path = "/api/capture/exclusions";

    ApiClient.Reply none = api().get(path, s.org().repToken());
    assertEquals(200, none.status(), none.body());
    assertEquals(0, none.json().getJsonArray("excludedAddresses").size());
    assertEquals(0, none.json().getJsonArray("excludedDomains").size());
    ApiClient.Reply stored =
        api()
            .put(
                path,
                s.org().repToken(),
                "{\"excludedAddresses\":[\" Nora.Field@Fabrikam.example\"],"
                    + "\"excludedDomains\":[\"@LawFirm.example\"]}");
    assertEquals(200, stored.status(), stored.body());
    JsonObject mine = api().get(path, s.org().repToken()).json();
    assertEquals(NORA, mine.getJsonArray("excludedAddresses").getString(0));
    assertEquals("lawfirm.example", mine.getJsonArray("excludedDomains").getString(0));

    // malformed or out-of-range bodies are refused and change nothing
    for (String[] bad :
        new String[][] {
          {"{\"excludedAddresses\":[\"nobody\"]}", "excludedAddresses"},
          {"{\"excludedAddresses\":[\"\"]}", "excludedAddresses"},
          {"{\"excludedDomains\":[\"nora@fabrikam.example\"]}", "excludedDomains"},
          {"{\"excludedDomains\":[\"localhost\"]}", "excludedDomains"},
          {
            "{\"excludedDomains\":["
                + String.join(",", java.util.Collections.nCopies(1001, "\"x.example\""))
                + "]}",
            "excludedDomains"
          }
        }) {
      ApiClient.Reply refused = api().put(path, s.org().repToken(), bad[0]);
      assertEquals(400, refused.status(), refused.body());
      assertEquals("invalid_field", refused.error());
      assertTrue(refused.json().getString("message").startsWith(bad[1] + ":"), refused.body());
    }
    for (String bad : List.of("", "null", "[]", "\"x\"", "{\"excludedAddresses\":\"x\"}", "{")) {
      ApiClient.Reply refused = api().put(path, s.org().repToken(), bad);
      assertTrue(refused.status() >= 400 && refused.status() < 500, bad + " " + refused.status());
      assertNotNull(refused.error(), bad + " " + refused.body());
    }
    assertEquals(mine, api().get(path, s.org().repToken()).json());

    // another user reads and changes only their own; the rep's stay as they were
    assertEquals(0, api().get(path, secondToken).json().getJsonArray("excludedAddresses").size());
    assertEquals(
        200,
        api()
            .put(path, secondToken, "{\"excludedAddresses\":[\"someone@else.example\"]}")
            .status());
    assertEquals(
        0, api().get(path, s.org().adminToken()).json().getJsonArray("excludedAddresses").size());
    AppUser stranger = testOrgs.orgWithAdmin("stranger");
    String strangerToken = api().accessToken(stranger.email(), TestOrgs.PASSWORD);
    assertEquals(0, api().get(path, strangerToken).json().getJsonArray("excludedAddresses").size());
    assertEquals(mine, api().get(path, s.org().repToken()).json());
    assertEquals(401, api().get(path, null).status());

    // Nora's and Lee's mail in both mailboxes, one message of Nora's in both
    String shared = UUID.randomUUID() + "@fabrikam.example";
    for (String account : List.of(s.account(), secondAccount)) {
      put(
          account,
          "inbox",
          shared,
          "To both reps",
          NORA,
          List.of(s.account(), secondAccount),
          1,
          List.of(),
          "");
      customerMail(account, "Nora to " + account, 2);
      put(
          account,
          "inbox",
          UUID.randomUUID() + "@lawfirm.example",
          "Counsel to " + account,
          "lee@mail.lawfirm.example",
          List.of(account),
          3,
          List.of(),
          "");
    }
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    assertEquals(200, switchCapture(secondMailbox, secondToken, true).status());
    drain();

    List<JsonObject> nora = timeline(s, s.nora());
    assertEquals(
        Set.of("To both reps", "Nora to " + secondAccount), subjects(nora), nora.toString());
    for (JsonObject item : nora) {
      assertEquals(Set.of(secondMailbox), owners(item), item.toString());
    }
    List<JsonObject> counsel = timeline(s, lee);
    assertEquals(Set.of("Counsel to " + secondAccount), subjects(counsel), counsel.toString());
    assertEquals(Set.of(secondMailbox), owners(counsel.get(0)));
    JsonObject health = health(s);
    assertEquals(0, health.getInt("captured"), health.toString());
    assertEquals(3, health.getInt("skipped"), health.toString());

    // taken off the list, the rep's next mail from Nora is captured from their mailbox again
    assertEquals(200, api().put(path, s.org().repToken(), "{}").status());
    customerMail(s.account(), "Nora again", 0);
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    drain();
    List<JsonObject> again =
        timeline(s, s.nora()).stream()
            .filter(i -> i.getString("subject").equals("Nora again"))
            .toList();
    assertEquals(1, again.size(), again.toString());
    assertEquals(Set.of(s.mailboxId()), owners(again.get(0)));
  }

  // ------------------------------------------------------------------------------ Gmail

  private void gmailMessage(
      String account,
      String subject,
      String from,
      List<String> to,
      int daysAgo,
      String extra,
      String... labels) {
    addGmail(
        account,
        mime(UUID.randomUUID() + "@mail.example", subject, from, to, extra),
        Instant.now().minus(daysAgo, ChronoUnit.DAYS),
        labels);
  }

  /** Puts the MIME into the account's Gmail, in Inbox unless labels are named; answers its id. */
  private String addGmail(String account, byte[] mime, Instant received, String... labels) {
    String id = Long.toHexString(UUID.randomUUID().getMostSignificantBits());
    fake()
        .addGmailMessageAt(
            account, id, mime, received, labels.length == 0 ? new String[] {"INBOX"} : labels);
    return id;
  }

  private long gmailCalls(String path) {
    return fake().gmailRequests.stream().filter(r -> r.contains(path)).count();
  }

  @Test
  void gmailBackfillsPageByPageThenFollowsItsHistoryAndReListsWhenTheHistoryIsGone() {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String account = OAuthOrgs.account("gcapture");
    fake()
        .gmailLabels
        .put(
            account,
            new java.util.concurrent.ConcurrentHashMap<>(
                java.util.Map.of("INBOX", "INBOX", "SENT", "SENT", "Private", "Label_9")));
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "google", account);
    Setup s =
        new Setup(
            org, account, mailboxId, testOrgs.contact(org.admin().orgId(), "Nora", "Field", NORA));
    for (int i = 1; i <= 5; i++) {
      gmailMessage(account, "Gmail quote " + i, NORA, List.of(account), i, "", "INBOX");
    }
    gmailMessage(account, "Gmail too old", NORA, List.of(account), 200, "", "INBOX");
    gmailMessage(account, "Gmail offer", account, List.of(NORA), 2, "", "SENT");
    gmailMessage(account, "Gmail private", NORA, List.of(account), 2, "", "INBOX", "Label_9");
    gmailMessage(
        account,
        "Gmail news",
        NORA,
        List.of(account),
        2,
        "List-Unsubscribe: <mailto:u@fabrikam.example>\r\n",
        "INBOX");
    fake().gmailListMaxPage = 3;
    try {
      assertEquals(200, switchCapture(mailboxId, org.repToken(), true).status());
      drain();
    } finally {
      fake().gmailListMaxPage = 500;
    }
    JsonObject live = health(s);
    assertEquals("live", live.getString("state"), live.toString());
    assertEquals("gmail", live.getString("provider"));
    assertEquals(8, live.getInt("seen"));
    assertEquals(6, live.getInt("captured"));
    assertEquals(2, live.getInt("skipped"));
    // push is set up once live: users.watch on Inbox and Sent with the configured topic
    assertFalse(live.isNull("pushExpiresAt"), live.toString());
    JsonObject watch = fake().gmailWatches.get(account);
    assertEquals("projects/mailbridge-it/topics/gmail", watch.getString("topicName"));
    assertEquals(
        List.of("INBOX", "SENT"),
        watch.getJsonArray("labelIds").getValuesAs(jakarta.json.JsonString.class).stream()
            .map(jakarta.json.JsonString::getString)
            .toList());
    assertEquals("include", watch.getString("labelFilterBehavior"));
    assertEquals(
        Set.of(
            "Gmail quote 1",
            "Gmail quote 2",
            "Gmail quote 3",
            "Gmail quote 4",
            "Gmail quote 5",
            "Gmail offer"),
        subjects(timeline(s, s.nora())));

    // a new message: the poll queues a sync, which reads the history, not the whole mailbox
    long lists = gmailCalls("/users/me/messages?");
    gmailMessage(account, "Gmail follow-up", NORA, List.of(account), 0, "", "INBOX");
    assertTrue(polling.pollReadNothingSince(Instant.now().plusSeconds(1)) >= 1);
    drain();
    assertEquals(lists, gmailCalls("/users/me/messages?"), "no new listing");
    assertTrue(
        subjects(timeline(s, s.nora())).contains("Gmail follow-up"),
        () ->
            health(s)
                + " "
                + fake().gmailRequests.stream().filter(r -> r.contains("/history")).toList());

    // Gmail dropped the history: the window is listed again, nothing stored twice
    fake().forgetGmailHistory(account);
    gmailMessage(account, "Gmail after the gap", NORA, List.of(account), 0, "", "INBOX");
    assertEquals(200, switchCapture(mailboxId, org.repToken(), true).status());
    drain();
    List<JsonObject> items = timeline(s, s.nora());
    assertEquals(8, items.size(), subjects(items).toString());
    assertTrue(subjects(items).contains("Gmail after the gap"));
    assertEquals("live", health(s).getString("state"));
  }

  // ------------------------------------------------------------------------------ Gmail push

  private static final String PUSH_AUDIENCE = "http://mailbridge.it.example/api/notify/gmail";
  private static final String PUSH_SENDER = "pubsub-push@mailbridge-it.iam.gserviceaccount.com";

  private static String pushBody(String emailAddress, long historyId) {
    String data =
        java.util.Base64.getEncoder()
            .encodeToString(
                Json.createObjectBuilder()
                    .add("emailAddress", emailAddress)
                    .add("historyId", historyId)
                    .build()
                    .toString()
                    .getBytes(StandardCharsets.UTF_8));
    return Json.createObjectBuilder()
        .add(
            "message",
            Json.createObjectBuilder()
                .add("data", data)
                .add("messageId", String.valueOf(System.nanoTime()))
                .add("publishTime", Instant.now().toString()))
        .add("subscription", "projects/mailbridge-it/subscriptions/gmail-push")
        .build()
        .toString();
  }

  private ApiClient.Reply push(String token, String body) {
    return api().post("/api/notify/gmail", token, body);
  }

  private List<String> queuedSyncs(String mailboxId) throws Exception {
    return raw.queuedSyncs(mailboxId);
  }

  @Test
  void switchingGmailCaptureOffOrDisconnectingStopsTheWatch() {
    Setup s = gmailSetup("gstop");
    Org org = s.org();
    String account = s.account();
    String mailboxId = s.mailboxId();
    gmailMessage(account, "Before the stop", NORA, List.of(account), 1, "", "INBOX");
    assertEquals(200, switchCapture(mailboxId, org.repToken(), true).status());
    drain();
    assertEquals("live", health(s).getString("state"));
    assertTrue(fake().gmailWatches.containsKey(account));

    ApiClient.Reply off = switchCapture(mailboxId, org.repToken(), false);
    assertEquals(200, off.status(), off.body());
    assertEquals("off", off.json().getString("state"));
    assertEquals(1, fake().gmailStops.stream().filter(account::equals).count());
    assertFalse(fake().gmailWatches.containsKey(account));
    assertTrue(noPush(health(s)), health(s).toString());

    assertEquals(200, switchCapture(mailboxId, org.repToken(), true).status());
    drain();
    assertTrue(fake().gmailWatches.containsKey(account), "on again: watched again");
    ApiClient.Reply disconnected = api().delete("/api/mailboxes/" + mailboxId, org.repToken());
    assertEquals(200, disconnected.status(), disconnected.body());
    assertEquals(2, fake().gmailStops.stream().filter(account::equals).count());
    assertFalse(fake().gmailWatches.containsKey(account));
  }

  @Test
  void gmailPushWithAValidGoogleTokenQueuesOneSyncAndForgedOrMissingTokensAreRefused()
      throws Exception {
    Setup s = gmailSetup("gpush");
    Org org = s.org();
    String account = s.account();
    String mailboxId = s.mailboxId();
    gmailMessage(account, "Before push", NORA, List.of(account), 1, "", "INBOX");
    assertEquals(200, switchCapture(mailboxId, org.repToken(), true).status());
    drain();
    JsonObject live = health(s);
    assertEquals("live", live.getString("state"), live.toString());
    assertFalse(live.isNull("pushExpiresAt"), "the watch is open: " + live);
    assertTrue(fake().gmailWatches.containsKey(account));
    assertTrue(queuedSyncs(mailboxId).isEmpty());

    Instant inAnHour = Instant.now().plusSeconds(3600);
    String valid = fake().googlePushToken(PUSH_AUDIENCE, PUSH_SENDER, true, inAnHour, false);
    String body = pushBody(account.toUpperCase(java.util.Locale.ROOT), 99999);

    // refused, and nothing queued: no token, forged signature, wrong audience, another sender,
    // unverified sender, expired
    ApiClient.Reply missing = push(null, body);
    assertEquals(401, missing.status(), missing.body());
    assertEquals("invalid_push_token", missing.json().getString("error"));
    List<String> refusedTokens =
        List.of(
            fake().googlePushToken(PUSH_AUDIENCE, PUSH_SENDER, true, inAnHour, true),
            fake()
                .googlePushToken(
                    "https://elsewhere.example/api/notify/gmail",
                    PUSH_SENDER,
                    true,
                    inAnHour,
                    false),
            fake()
                .googlePushToken(
                    PUSH_AUDIENCE, "someone@evil.iam.gserviceaccount.com", true, inAnHour, false),
            fake().googlePushToken(PUSH_AUDIENCE, PUSH_SENDER, false, inAnHour, false),
            fake()
                .googlePushToken(
                    PUSH_AUDIENCE, PUSH_SENDER, true, Instant.now().minusSeconds(3600), false),
            "not-a-jwt");
    for (String token : refusedTokens) {
      ApiClient.Reply refused = push(token, body);
      // refused by the server's bearer-token check before the receiver runs
      assertEquals(401, refused.status(), refused.body());
      assertTrue(refused.json().containsKey("error"), refused.body());
    }
    assertTrue(queuedSyncs(mailboxId).isEmpty(), "no refused push queued anything");

    // a valid push queues one sync; repeated pushes coalesce into it
    assertEquals(202, push(valid, body).status());
    assertEquals(202, push(valid, body).status());
    assertEquals(202, push(valid, pushBody(account, 100000)).status());
    assertEquals(1, queuedSyncs(mailboxId).size());

    // an address capture does not follow, or an envelope without one: acknowledged, nothing queued
    assertEquals(204, push(valid, pushBody("stranger@gmail.example", 5)).status());
    assertEquals(204, push(valid, "{\"message\":{\"data\":\"%%%\"}}").status());
    assertEquals(400, push(valid, "{not json").status());
    assertEquals(
        400, push(null, "[]").status(), "a body that is no envelope: 400 before the token");
    assertEquals(1, queuedSyncs(mailboxId).size());

    // the queued sync reads the history from the stored cursor
    gmailMessage(account, "After push", NORA, List.of(account), 0, "", "INBOX");
    drain();
    assertTrue(subjects(timeline(s, s.nora())).contains("After push"));
    assertTrue(queuedSyncs(mailboxId).isEmpty());

    // a late push, out of order (an older history id than the last read): one more sync, which
    // reads from the stored cursor, so nothing is stored twice
    int captured = timeline(s, s.nora()).size();
    assertEquals(202, push(valid, pushBody(account, 1)).status());
    assertEquals(1, queuedSyncs(mailboxId).size());
    drain();
    assertEquals(captured, timeline(s, s.nora()).size(), "nothing stored twice");
    assertEquals("live", health(s).getString("state"));

    // switched off: a push for it queues nothing
    assertEquals(200, switchCapture(mailboxId, org.repToken(), false).status());
    assertEquals(204, push(valid, body).status());
    assertTrue(queuedSyncs(mailboxId).isEmpty());
  }

  // ------------------------------------------------------------------------------ Stalled

  /** Makes the mailbox's waiting sync job due now (the queue's back-off would wait minutes). */
  private void dueNow(String mailboxId) throws Exception {
    raw.update(
        "UPDATE job SET run_at = ? WHERE kind = 'capture.sync' AND payload LIKE ?"
            + " AND state = 'READY'",
        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(1),
        mailboxId + "%");
  }

  private List<JsonObject> audits(Setup s, String action) {
    return api()
        .get("/api/admin/audit?action=" + action, s.org().adminToken())
        .json()
        .getJsonArray("items")
        .getValuesAs(JsonObject.class)
        .stream()
        .filter(e -> s.mailboxId().equals(e.getString("subjectId", null)))
        .toList();
  }

  private JsonObject latestAudit(Setup s, String action) {
    return api()
        .get("/api/admin/audit?action=" + action, s.org().adminToken())
        .json()
        .getJsonArray("items")
        .getJsonObject(0);
  }

  @Test
  void aMailboxWhoseRequestsWaitOrWhoseRunsKeepFailingIsStalledAndResumesByItself()
      throws Exception {
    Setup s = setup();
    customerMail(s.account(), "Stall check", 1);
    assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
    drain();
    assertEquals("live", health(s).getString("state"));
    JsonObject backfilled = latestAudit(s, "capture.backfilled");
    assertEquals(s.mailboxId(), backfilled.getString("subjectId"));
    assertTrue(
        backfilled.getString("detail").startsWith("The backfill is done ("), backfilled.toString());

    // a poll asks for a sync, and no page is read (no job runs) for longer than the limit
    assertTrue(polling.pollReadNothingSince(Instant.now().plusSeconds(1)) >= 1);
    // (the database may hold other tests' mailboxes: only this one's health is asserted)
    polling.flagStalled(Instant.now());
    assertEquals("live", health(s).getString("state"), "within the limit it is not stalled");
    assertTrue(polling.flagStalled(Instant.now().plus(2, ChronoUnit.HOURS)) >= 1);
    JsonObject waiting = health(s);
    assertEquals("stalled", waiting.getString("state"), waiting.toString());
    assertTrue(waiting.getString("reason").startsWith("Sync requests"), waiting.toString());
    JsonObject stalledAudit = latestAudit(s, "capture.stalled");
    assertEquals(s.mailboxId(), stalledAudit.getString("subjectId"));
    assertEquals(waiting.getString("reason"), stalledAudit.getString("detail"));
    assertEquals(
        List.of(s.mailboxId()),
        api()
            .get("/api/admin/capture/mailboxes?state=stalled", s.org().adminToken())
            .json()
            .getJsonArray("items")
            .getValuesAs(JsonObject.class)
            .stream()
            .map(m -> m.getString("mailboxId"))
            .filter(s.mailboxId()::equals)
            .toList());

    // the sync runs: a page is read, and the mailbox is live again by itself
    drain();
    assertEquals("live", health(s).getString("state"));
    JsonObject resumed = latestAudit(s, "capture.resumed");
    assertEquals(s.mailboxId(), resumed.getString("subjectId"));
    polling.flagStalled(Instant.now().plus(2, ChronoUnit.HOURS));
    assertEquals("live", health(s).getString("state"), "the page read cleared the waiting request");

    // runs that keep failing: error at first, stalled at the fifth in a row
    fake().graphFailures.set(1000);
    try {
      assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
      for (int run = 1; run <= 5; run++) {
        dueNow(s.mailboxId());
        assertTrue(step(s.mailboxId()), "run " + run);
        JsonObject h = health(s);
        assertEquals(run < 5 ? "error" : "stalled", h.getString("state"), run + ": " + h);
        if (run == 1) {
          // the first failure is said once, in the health's words; the next ones are not
          JsonObject error = latestAudit(s, "capture.error");
          assertEquals(s.mailboxId(), error.getString("subjectId"));
          assertEquals(h.getString("reason"), error.getString("detail"));
        }
      }
      assertEquals(1, audits(s, "capture.error").size(), "one entry for four failed runs");
      JsonObject failing = health(s);
      assertTrue(
          failing.getString("reason").startsWith("The last 5 runs failed in a row"),
          failing.toString());
      assertEquals(
          failing.getString("reason"), latestAudit(s, "capture.stalled").getString("detail"));
    } finally {
      fake().graphFailures.set(0);
    }
    customerMail(s.account(), "After the failures", 0);
    dueNow(s.mailboxId());
    drain();
    JsonObject back = health(s);
    assertEquals("live", back.getString("state"), back.toString());
    assertTrue(subjects(timeline(s, s.nora())).contains("After the failures"));
  }

  @Test
  void aMailboxWhosePositionNeverMovesWhileChangesAreReportedIsStalledAndResumesWhenItMoves()
      throws Exception {
    Setup s = setup();
    Set<String> expected = new java.util.HashSet<>();
    for (int i = 1; i <= 6; i++) {
      customerMail(s.account(), "Stuck " + i, i);
      expected.add("Stuck " + i);
    }
    drain();
    fake().graphDeltaMaxPage = 2;
    fake().graphDeltaStuck.add(s.account().toLowerCase(java.util.Locale.ROOT));
    try {
      assertEquals(200, switchCapture(s.mailboxId(), s.org().repToken(), true).status());
      assertTrue(step(s.mailboxId()), "the first page moves the position");
      assertEquals("backfilling", health(s).getString("state"));
      // every later read brings the same page and the same link: no progress, a failed run
      for (int run = 1; run <= 5; run++) {
        if (run > 1) {
          captureJobs.requestSync(s.org().admin().orgId(), s.mailboxId());
        }
        dueNow(s.mailboxId());
        assertTrue(step(s.mailboxId()), "run " + run);
        JsonObject h = health(s);
        assertEquals(run < 5 ? "error" : "stalled", h.getString("state"), run + ": " + h);
      }
      JsonObject stuck = health(s);
      assertTrue(
          stuck.getString("reason").contains("handed back the position it was asked at"),
          stuck.toString());
      assertEquals(
          stuck.getString("reason"), latestAudit(s, "capture.stalled").getString("detail"));
      assertTrue(raw.queuedSyncs(s.mailboxId()).isEmpty(), "no run loops on the same page");
    } finally {
      fake().graphDeltaStuck.clear();
      fake().graphDeltaMaxPage = 1000;
    }
    // the provider mends: the next sync moves on, and nothing was stored twice
    captureJobs.requestSync(s.org().admin().orgId(), s.mailboxId());
    dueNow(s.mailboxId());
    drain();
    JsonObject back = health(s);
    assertEquals("live", back.getString("state"), back.toString());
    List<JsonObject> items = timeline(s, s.nora());
    assertEquals(expected, subjects(items));
    assertEquals(expected.size(), items.size(), "no duplicates");
    assertEquals(s.mailboxId(), latestAudit(s, "capture.resumed").getString("subjectId"));
  }

  // ------------------------------------------------------------------------------ Retention

  @Test
  void retentionDeletesOldCapturedActivitiesWithTheirFilesKeepsLoggedOnesAndAudits()
      throws Exception {
    Setup s = setup();
    String orgId = s.org().admin().orgId();
    String rep = s.org().rep().id();
    Instant old = Instant.now().minus(100, ChronoUnit.DAYS);
    var file =
        io.mailbridge.it.support.TestMessages.attachment(
            "quote.txt", "text/plain", "only in the old captured mail " + UUID.randomUUID());
    String oldCaptured =
        store
            .storeCapturedEmail(
                orgId,
                io.mailbridge.it.support.TestMessages.email("Old captured", old, file),
                List.of(s.nora()),
                rep,
                s.mailboxId())
            .id();
    String oldLogged =
        store
            .storeEmail(
                orgId,
                io.mailbridge.it.support.TestMessages.email("Old logged", old),
                List.of(s.nora()),
                rep)
            .id();
    String recentCaptured =
        store
            .storeCapturedEmail(
                orgId,
                io.mailbridge.it.support.TestMessages.email(
                    "Recent captured", Instant.now().minus(5, ChronoUnit.DAYS)),
                List.of(s.nora()),
                rep,
                s.mailboxId())
            .id();
    String blob =
        raw.strings("SELECT blob_id FROM activity_attachment WHERE activity_id = ?", oldCaptured)
            .get(0);
    assertEquals(
        200,
        api()
            .put("/api/admin/capture/settings", s.org().adminToken(), "{\"retentionDays\":30}")
            .status());

    // judged two hours ahead, so the blob stored just now is past the grace for fresh blobs
    retention.requestFor(orgId, Instant.now().plus(2, ChronoUnit.HOURS));
    drain();
    assertEquals(404, api().get("/api/activities/" + oldCaptured, s.org().adminToken()).status());
    assertEquals(200, api().get("/api/activities/" + oldLogged, s.org().adminToken()).status());
    assertEquals(
        200, api().get("/api/activities/" + recentCaptured, s.org().adminToken()).status());
    assertTrue(
        raw.strings("SELECT id FROM attachment_blob WHERE id = ?", blob).isEmpty(),
        "the file only the deleted activity had is gone");
    JsonObject audit =
        api()
            .get("/api/admin/audit?action=capture.retention", s.org().adminToken())
            .json()
            .getJsonArray("items")
            .getJsonObject(0);
    assertEquals("capture.retention", audit.getString("action"));
    assertTrue(
        audit.getString("detail").startsWith("1 activities older than 30 days"), audit.toString());
    assertTrue(audit.getString("detail").contains("1 attachment files"), audit.toString());

    // an org that does not retain logged activities loses the old logged one too
    assertEquals(
        200,
        api()
            .put(
                "/api/admin/capture/settings",
                s.org().adminToken(),
                "{\"retentionDays\":30,\"retainLoggedActivities\":false}")
            .status());
    assertFalse(
        api()
            .get("/api/admin/capture/settings", s.org().adminToken())
            .json()
            .getBoolean("retainLoggedActivities"));
    retention.requestFor(orgId, Instant.now());
    drain();
    assertEquals(404, api().get("/api/activities/" + oldLogged, s.org().adminToken()).status());
    assertEquals(
        200, api().get("/api/activities/" + recentCaptured, s.org().adminToken()).status());
  }
}
