package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.capture.control.CaptureJobs;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Capture over EWS through the capture engine against the fake Exchange (SyncFolderItems and
 * GetItem in the real wire format, Basic auth): the users of the org's Exchange connection
 * backfilled across pages with the service account impersonating each (ExchangeImpersonation and
 * X-AnchorMailbox on every request), a stop mid-backfill resumed from the last committed sync
 * state, an invalid sync state resynced without duplicates, ErrorServerBusy throttling one mailbox
 * while another goes on, private items left out, and "linked" users. The timer pump is off: each
 * test runs the job queue itself.
 */
@ExtendWith(ArquillianExtension.class)
class ExchangeCaptureIT {

  static final String USER = "svc-mailbridge";
  static final String DOMAIN = "CONTOSO";
  static final String PASSWORD = "correct horse battery staple";
  static final String NORA = "nora.field@fabrikam.example";
  private static final Pattern SYNC_STATE = Pattern.compile("SyncState>([^<]*)<");
  private static final Pattern IMPERSONATED = Pattern.compile("PrimarySmtpAddress>([^<]*)<");

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject CaptureJobs captureJobs;
  @Inject io.mailbridge.it.support.RawDatabase raw;

  /** One fake for the class; two changes per SyncFolderItems answer, so backfills take pages. */
  static final class Shared {
    static final FakeExchange FAKE = start();

    private static FakeExchange start() {
      FakeExchange fake = FakeExchange.start();
      fake.requireBasic(DOMAIN + "\\" + USER, PASSWORD);
      fake.maxChangesPerCall = 2;
      return fake;
    }
  }

  private static FakeExchange fake() {
    return Shared.FAKE;
  }

  private ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + request.getLocalPort());
  }

  private record Setup(TestOrgs.SignedInOrg org, String nora) {}

  private Setup setup() {
    TestOrgs.SignedInOrg org = testOrgs.signedIn("ews-capture", api());
    ApiClient.Reply hosts =
        api()
            .put(
                "/api/admin/exchange/hosts",
                org.adminToken(),
                "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]");
    assertEquals(200, hosts.status(), hosts.body());
    return new Setup(org, testOrgs.contact(org.orgId(), "Nora", "Field", NORA));
  }

  private ApiClient.Reply connect(Setup s, Object users) {
    var body =
        Json.createObjectBuilder()
            .add("ewsUrl", fake().ewsUrl())
            .add("auth", "basic")
            .add("username", USER)
            .add("domain", DOMAIN)
            .add("password", PASSWORD);
    if (users instanceof List<?> list) {
      JsonArrayBuilder array = Json.createArrayBuilder();
      list.forEach(u -> array.add(u.toString()));
      body.add("users", array);
    } else {
      body.add("users", users.toString());
    }
    return api()
        .put("/api/admin/exchange/connection", s.org().adminToken(), body.build().toString());
  }

  private static String address(String label) {
    String address = TestOrgs.uniqueEmail(label);
    fake().impersonable.add(address);
    return address;
  }

  private static String mailFromNora(String mailbox, String subject, int daysAgo) {
    return mailFromNora(mailbox, subject, daysAgo, null);
  }

  private static String mailFromNora(
      String mailbox, String subject, int daysAgo, String sensitivity) {
    return fake()
        .deliver(
            mailbox,
            "inbox",
            subject,
            NORA,
            mailbox,
            Instant.now().minus(daysAgo, ChronoUnit.DAYS),
            sensitivity);
  }

  private boolean step() {
    List<ClaimedJob> claimed = jobs.claim("it-ews-capture-step", 1, Duration.ofMinutes(5));
    if (claimed.isEmpty()) {
      return false;
    }
    runner.run(claimed.get(0));
    return true;
  }

  private int drain() {
    int ran = 0;
    while (step()) {
      ran++;
    }
    return ran;
  }

  /** Makes the mailbox's waiting sync job due now (its back-off would wait seconds or minutes). */
  private void dueNow(String mailboxId) throws Exception {
    raw.update(
        "UPDATE job SET run_at = ? WHERE kind = 'capture.sync' AND payload LIKE ?"
            + " AND state = 'READY'",
        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(1),
        mailboxId + "%");
  }

  private List<String> timeline(Setup s) {
    ApiClient.Reply reply =
        api()
            .get("/api/records/contacts/" + s.nora() + "/timeline?limit=200", s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(i -> i.getString("subject"))
        .sorted()
        .toList();
  }

  /** The org's captured mailboxes read over EWS, as an admin sees their health. */
  private List<JsonObject> ewsMailboxes(Setup s) {
    ApiClient.Reply reply =
        api().get("/api/admin/capture/mailboxes?limit=200", s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(m -> m.getString("provider").equals("ews"))
        .toList();
  }

  private JsonObject only(Setup s) {
    List<JsonObject> mailboxes = ewsMailboxes(s);
    assertEquals(1, mailboxes.size(), mailboxes.toString());
    return mailboxes.get(0);
  }

  private JsonObject ownedBy(Setup s, AppUser user) {
    return ewsMailboxes(s).stream()
        .filter(m -> user.id().equals(m.getString("userId", null)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(user.email() + " not captured: " + ewsMailboxes(s)));
  }

  /** SyncFolderItems requests for {@code mailbox}'s Inbox, in order, as sent. */
  private static List<String> inboxSyncs(String mailbox) {
    return fake().ewsRequests.stream()
        .filter(r -> r.soapAction() != null && r.soapAction().endsWith("/SyncFolderItems\""))
        .filter(r -> mailbox.equals(r.anchorMailbox()))
        .map(FakeExchange.Received::body)
        .filter(b -> b.contains("Id=\"inbox\""))
        .toList();
  }

  private static String stateOf(String body) {
    Matcher m = SYNC_STATE.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  private static String fakeState(String folder, int index) {
    return Base64.getEncoder()
        .encodeToString(("fake-sync|1|" + folder + "|" + index).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Every request the fake received impersonates one mailbox and is anchored to the same one (the
   * fake also refuses and records any that is not).
   */
  @AfterEach
  void everyRequestImpersonatesItsMailbox() {
    assertEquals(List.of(), fake().anchorProblems);
    for (FakeExchange.Received r : fake().ewsRequests) {
      Matcher m = IMPERSONATED.matcher(r.body());
      assertTrue(m.find(), "no ExchangeImpersonation: " + r.body());
      assertEquals(m.group(1), r.anchorMailbox(), "X-AnchorMailbox");
      assertEquals(
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (DOMAIN + "\\" + USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)),
          r.authorization());
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void listedUsersAreBackfilledAcrossPagesWithoutPrivateOrOldItems() {
    Setup s = setup();
    String ada = address("ada");
    mailFromNora(ada, "Ada one", 1);
    mailFromNora(ada, "Ada private", 2, "Private");
    mailFromNora(ada, "Ada two", 3, "Normal");
    mailFromNora(ada, "Ada too old", 200);
    mailFromNora(ada, "Ada three", 4);
    fake().deliver(ada, "sentitems", "Ada's answer", ada, NORA, Instant.now(), null);

    ApiClient.Reply saved = connect(s, List.of(ada));
    assertEquals(200, saved.status(), saved.body());
    drain();

    assertEquals(List.of("Ada one", "Ada three", "Ada two", "Ada's answer"), timeline(s));
    JsonObject health = only(s);
    // Backfilled, then followed by an EWS streaming subscription (ExchangeStreamingIT).
    assertEquals("live", health.getString("state"), health.toString());
    assertEquals("live", health.getString("phase"), health.toString());
    assertEquals(s.org().admin().id(), health.getString("userId"), "not a CRM user: the admin");
    assertEquals(4, health.getJsonNumber("captured").longValue(), health.toString());
    assertTrue(health.getJsonNumber("skipped").longValue() >= 1, "the private one was skipped");

    // Inbox: 5 changes at 2 a call = 3 pages, each from the state the previous one returned.
    List<String> syncs = inboxSyncs(ada);
    assertEquals(3, syncs.size(), syncs.toString());
    assertEquals(null, stateOf(syncs.get(0)));
    assertEquals(fakeState("inbox", 2), stateOf(syncs.get(1)));
    assertEquals(fakeState("inbox", 4), stateOf(syncs.get(2)));
    assertTrue(syncs.stream().allMatch(b -> b.contains("MaxChangesReturned>512<")));

    // Nothing new: a later sync reads from the stored state and captures nothing twice.
    captureJobs.requestSync(s.org().orgId(), health.getString("mailboxId"));
    drain();
    assertEquals(fakeState("inbox", 5), stateOf(inboxSyncs(ada).get(3)));
    assertEquals(List.of("Ada one", "Ada three", "Ada two", "Ada's answer"), timeline(s));
  }

  @Test
  void aStopMidBackfillResumesFromTheLastCommittedSyncStateWithoutDuplicatesOrGaps()
      throws Exception {
    Setup s = setup();
    String ben = address("ben");
    for (int i = 1; i <= 6; i++) {
      mailFromNora(ben, "Ben " + i, i);
    }
    assertEquals(200, connect(s, List.of(ben)).status());
    assertTrue(step(), "the users job");
    assertTrue(step(), "the first Inbox page");
    assertEquals(List.of("Ben 1", "Ben 2"), timeline(s));

    // The node goes away mid-backfill: the next request dies (Exchange unreachable), the job
    // is retried later from the cursor of the last committed page.
    fake().answerNextFor(ben, 503, "<html>Service Unavailable</html>");
    assertTrue(step());
    String mailboxId = only(s).getString("mailboxId");
    dueNow(mailboxId);
    drain();

    assertEquals(
        List.of("Ben 1", "Ben 2", "Ben 3", "Ben 4", "Ben 5", "Ben 6"), timeline(s), "no gaps");
    List<String> syncs = inboxSyncs(ben);
    assertEquals(null, stateOf(syncs.get(0)));
    assertEquals(fakeState("inbox", 2), stateOf(syncs.get(1)), "the request that died");
    assertEquals(fakeState("inbox", 2), stateOf(syncs.get(2)), "resumed from the same state");
    assertEquals(fakeState("inbox", 4), stateOf(syncs.get(3)));
    assertEquals(6, only(s).getJsonNumber("captured").longValue(), "each stored once");
  }

  @Test
  void anInvalidSyncStateResyncsTheFolderWithoutDuplicates() {
    Setup s = setup();
    String cara = address("cara");
    mailFromNora(cara, "Cara 1", 1);
    mailFromNora(cara, "Cara 2", 2);
    mailFromNora(cara, "Cara 3", 3);
    assertEquals(200, connect(s, List.of(cara)).status());
    drain();
    assertEquals(List.of("Cara 1", "Cara 2", "Cara 3"), timeline(s));
    int before = inboxSyncs(cara).size();

    fake().forgetSyncStates(cara);
    mailFromNora(cara, "Cara 4", 0);
    captureJobs.requestSync(s.org().orgId(), only(s).getString("mailboxId"));
    drain();

    assertEquals(List.of("Cara 1", "Cara 2", "Cara 3", "Cara 4"), timeline(s));
    List<String> after = inboxSyncs(cara).subList(before, inboxSyncs(cara).size());
    assertNotNull(stateOf(after.get(0)), "the stored state, refused");
    assertEquals(null, stateOf(after.get(1)), "the folder read again from its start");
    assertEquals(3, after.size(), "4 changes at 2 a call after the refusal: bounded");
    assertEquals("live", only(s).getString("state"));
  }

  @Test
  void serverBusyThrottlesThatMailboxOnlyAsExchangeAskedWhileAnotherGoesOn() throws Exception {
    Setup s = setup();
    AppUser dan = testOrgs.user(s.org().orgId(), "USER", "dan");
    AppUser eve = testOrgs.user(s.org().orgId(), "USER", "eve");
    fake().impersonable.add(dan.email());
    fake().impersonable.add(eve.email());
    mailFromNora(dan.email(), "Dan's mail", 1);
    mailFromNora(eve.email(), "Eve's mail", 1);
    // Busy inside a 200 answer first (30 s), then as a SOAP fault in a 500 (4.5 s).
    fake()
        .answerNextFor(
            dan.email(), 200, FakeExchange.fixture("syncfolderitems-serverbusy-in-response.xml"));
    assertEquals(200, connect(s, List.of(dan.email(), eve.email())).status());
    Instant start = Instant.now();
    drain();

    assertEquals(List.of("Eve's mail"), timeline(s), "the other mailbox went on");
    assertEquals("live", ownedBy(s, eve).getString("state"));
    JsonObject throttled = ownedBy(s, dan);
    assertEquals("throttled", throttled.getString("state"), throttled.toString());
    Instant until = Instant.parse(throttled.getString("throttledUntil"));
    assertTrue(until.isAfter(start.plusSeconds(29)), until + " honours BackOffMilliseconds 30000");

    fake().answerNextFor(dan.email(), 500, FakeExchange.fixture("serverbusy-fault-4500.xml"));
    Instant again = Instant.now();
    dueNow(throttled.getString("mailboxId"));
    drain();
    JsonObject fault = ownedBy(s, dan);
    assertEquals("throttled", fault.getString("state"), fault.toString());
    Instant faultUntil = Instant.parse(fault.getString("throttledUntil"));
    assertTrue(faultUntil.isAfter(again.plusMillis(4400)), faultUntil + " after the fault");

    dueNow(fault.getString("mailboxId"));
    drain();
    assertEquals(List.of("Dan's mail", "Eve's mail"), timeline(s));
    assertEquals("live", ownedBy(s, dan).getString("state"));
    // each busy answer was one request: nothing was retried on a job's thread
    long busy =
        fake().ewsRequests.stream().filter(r -> dan.email().equals(r.anchorMailbox())).count();
    assertTrue(busy >= 4, "2 busy + at least 2 folder syncs: " + busy);
  }

  @Test
  void linkedCapturesTheOrgsCrmUsersAsTheirOwnersAndAnEmptyListStopsThem() {
    Setup s = setup();
    AppUser rep = s.org().rep();
    fake().impersonable.add(rep.email());
    fake().impersonable.add(s.org().admin().email());
    mailFromNora(rep.email(), "To the rep", 1);

    ApiClient.Reply saved = connect(s, "linked");
    assertEquals(200, saved.status(), saved.body());
    assertEquals("linked", saved.json().getString("users"));
    drain();

    assertEquals(List.of("To the rep"), timeline(s));
    JsonObject repMailbox = ownedBy(s, rep);
    assertEquals("live", repMailbox.getString("state"));
    ownedBy(s, s.org().admin()); // the admin is a CRM user too
    Set<String> anchors =
        fake().ewsRequests.stream()
            .map(FakeExchange.Received::anchorMailbox)
            .collect(Collectors.toSet());
    assertTrue(anchors.contains(rep.email()));

    // a user the admin adds later is captured without saving the connection again; disabling
    // the user stops it
    String newcomer = TestOrgs.uniqueEmail("newcomer");
    fake().impersonable.add(newcomer);
    mailFromNora(newcomer, "To the newcomer", 1);
    ApiClient.Reply created =
        api()
            .post(
                "/api/admin/users",
                s.org().adminToken(),
                "{\"email\":\""
                    + newcomer
                    + "\",\"displayName\":\"New Comer\",\"role\":\"USER\",\"password\":\""
                    + TestOrgs.PASSWORD
                    + "\"}");
    assertEquals(201, created.status(), created.body());
    String newcomerId = created.json().getString("id");
    drain();
    JsonObject added =
        ewsMailboxes(s).stream()
            .filter(m -> newcomerId.equals(m.getString("userId", null)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("newcomer not captured: " + ewsMailboxes(s)));
    assertTrue(added.getBoolean("enabled"), added.toString());
    assertTrue(timeline(s).contains("To the newcomer"), timeline(s).toString());
    ApiClient.Reply disabled =
        api().patch("/api/admin/users/" + newcomerId, s.org().adminToken(), "{\"disabled\":true}");
    assertEquals(200, disabled.status(), disabled.body());
    drain();
    assertFalse(
        ewsMailboxes(s).stream()
            .filter(m -> newcomerId.equals(m.getString("userId", null)))
            .findFirst()
            .orElseThrow()
            .getBoolean("enabled"));
    assertTrue(ownedBy(s, rep).getBoolean("enabled"));

    assertEquals(200, connect(s, List.of()).status());
    drain();
    assertTrue(ewsMailboxes(s).stream().noneMatch(m -> m.getBoolean("enabled")));
    assertFalse(ownedBy(s, rep).getBoolean("enabled"));
  }
}
