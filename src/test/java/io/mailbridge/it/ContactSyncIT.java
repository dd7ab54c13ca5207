package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import io.mailbridge.sync.control.SyncJobs;
import io.mailbridge.sync.control.SyncSchedule;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.naming.InitialContext;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two-way contact sync with the fake Graph in its wire format: the "Mailbridge" folder made once;
 * CRM contacts created, changed and deleted in the mailbox; contacts made in Outlook created and
 * changed in the CRM; the same field changed on both sides resolved by the later write and audited;
 * three rounds without changes write nothing (no loop); a contact a person made survives the
 * deletion of its CRM record; an expired delta reads the folder again without duplicates; two pumps
 * never sync one user at the same time. The suite's timer pump is off: tests run jobs themselves.
 */
@ExtendWith(ArquillianExtension.class)
class ContactSyncIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  private static final String FOLDER = "Mailbridge";
  private static final String CRM_ID_PROPERTY =
      "String {c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58} Name MailbridgeCrmId";

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject SyncJobs syncJobs;
  @Inject SyncSchedule schedule;
  @Inject RawDatabase raw;

  private static FakeProviders fake() {
    return FakeProviders.get();
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  private record Setup(Org org, String account, String mailboxId) {
    String orgId() {
      return org.admin().orgId();
    }
  }

  /** An org syncing every record with the rep's connected mailbox (records have no owner here). */
  private Setup setup(String direction) {
    return setup(direction, "all");
  }

  private Setup setup(String direction, String records) {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String account = OAuthOrgs.account("sync");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "microsoft", account);
    ApiClient.Reply put =
        api()
            .put(
                "/api/admin/sync/settings",
                org.adminToken(),
                "{\"contacts\":\""
                    + direction
                    + "\",\"events\":\"off\",\"includeLeads\":false"
                    + (records == null ? "" : ",\"records\":\"" + records + "\"")
                    + "}");
    assertEquals(200, put.status(), put.body());
    return new Setup(org, account, mailboxId);
  }

  /** A contact made through the API by whoever {@code token} signs in. */
  private String createContact(String token, String lastName, String address) {
    ApiClient.Reply made =
        api()
            .post(
                "/api/records/contacts",
                token,
                Json.createObjectBuilder()
                    .add("lastName", lastName)
                    .add("emails", Json.createArrayBuilder().add(address))
                    .build()
                    .toString());
    assertEquals(201, made.status(), made.body());
    return made.json().getString("id");
  }

  private ContactSyncSteps steps() {
    return new ContactSyncSteps(this::api, jobs, runner, syncJobs);
  }

  /** Runs the rep's contact sync to its end, as the pumps would. */
  private void sync(Setup s) {
    steps().sync(s.orgId(), s.org().rep().id(), "it-sync");
  }

  private int drain(String owner) {
    return steps().drain(owner);
  }

  private JsonObject crm(Setup s, String id) {
    return steps().crm(s.org().adminToken(), id);
  }

  private List<JsonObject> crmWithEmail(Setup s, String email) {
    return steps().crmWithEmail(s.org().adminToken(), email);
  }

  private void putCrm(Setup s, String id, JsonObject body) {
    steps().putCrm(s.org().adminToken(), id, body);
  }

  private List<JsonObject> folder(Setup s) {
    return fake().graphContactsIn(s.account(), FOLDER);
  }

  private JsonObject contactOf(Setup s, String crmId) {
    return folder(s).stream()
        .filter(
            c ->
                crmId.equals(
                    fake()
                        .graphContactProperties(s.account(), c.getString("id"))
                        .get(CRM_ID_PROPERTY)))
        .findFirst()
        .orElse(null);
  }

  private JsonObject status(Setup s) {
    return steps().status(s.org().repToken());
  }

  private long writes(Setup s) {
    return fake().graphContactRequests().stream()
        .filter(r -> r.endsWith("#" + s.account()))
        .filter(r -> r.startsWith("POST") || r.startsWith("PATCH") || r.startsWith("DELETE"))
        .count();
  }

  private static String email(String label) {
    return ContactSyncSteps.email(label);
  }

  @Test
  void settingsStartOffAndRefuseUnknownValuesNamingTheField() {
    TestOrgs.SignedInOrg org = testOrgs.signedIn("sync-settings", api());
    ApiClient.Reply get = api().get("/api/admin/sync/settings", org.adminToken());
    assertEquals(200, get.status(), get.body());
    assertEquals("off", get.json().getString("contacts"));
    assertEquals("off", get.json().getString("events"));
    assertFalse(get.json().getBoolean("includeLeads"));
    assertEquals("owned_or_followed", get.json().getString("records"));
    ApiClient.Reply badScope =
        api()
            .put(
                "/api/admin/sync/settings",
                org.adminToken(),
                "{\"contacts\":\"both\",\"records\":\"mine\"}");
    assertEquals(400, badScope.status(), badScope.body());
    assertTrue(badScope.json().getString("message").startsWith("records:"), badScope.body());
    ApiClient.Reply bad =
        api().put("/api/admin/sync/settings", org.adminToken(), "{\"contacts\":\"sideways\"}");
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.json().getString("message").startsWith("contacts:"), bad.body());
    ApiClient.Reply rep =
        api().put("/api/admin/sync/settings", org.repToken(), "{\"contacts\":\"both\"}");
    assertEquals(403, rep.status(), rep.body());
    ApiClient.Reply users = api().get("/api/admin/sync/users?limit=1", org.adminToken());
    assertEquals(200, users.status(), users.body());
    assertEquals(1, users.json().getJsonArray("items").size());
    assertNotNull(users.json().getString("next", null));
  }

  @Test
  void onlyRecordsTheRepOwnsOrFollowsReachTheFolderAndLeaveItWhenGivenAwayOrUnfollowed() {
    Setup s = setup("both", null); // the default: owned or followed
    String rep = s.org().repToken();
    String admin = s.org().adminToken();
    String mine = createContact(rep, "Owned", email("mina"));
    String followed = createContact(admin, "Followed", email("fola"));
    String other = createContact(admin, "Other", email("otto"));
    assertEquals(s.org().rep().id(), crm(s, mine).getString("ownerId"));
    assertEquals(s.org().admin().id(), crm(s, other).getString("ownerId"));
    assertEquals(204, api().put("/api/records/contacts/" + followed + "/follow", rep, "").status());
    assertEquals(
        204, api().put("/api/records/contacts/" + followed + "/follow", rep, "").status(), "again");

    sync(s);
    assertNotNull(contactOf(s, mine), "the rep's own contact");
    assertNotNull(contactOf(s, followed), "the contact the rep follows");
    assertNull(contactOf(s, other), "someone else's, not followed");
    assertEquals(2, folder(s).size());

    // A contact the rep makes in the folder becomes a CRM contact the rep owns.
    String address = email("hand");
    fake().addGraphContact(s.account(), FOLDER, "Hana", "Made", address);
    sync(s);
    String handMade = crmWithEmail(s, address).get(0).getString("id");
    assertEquals(s.org().rep().id(), crm(s, handMade).getString("ownerId"));

    // Given away and unfollowed: Mailbridge's contacts leave the folder, the records stay; the
    // rep's hand-made contact, given away too, stays in the folder (it is the rep's).
    ApiClient.Reply given =
        api()
            .put(
                "/api/records/contacts/" + mine + "/owner",
                rep,
                "{\"userId\":\"" + s.org().admin().id() + "\"}");
    assertEquals(200, given.status(), given.body());
    assertEquals(s.org().admin().id(), given.json().getString("ownerId"));
    assertEquals(
        200,
        api()
            .put(
                "/api/records/contacts/" + handMade + "/owner",
                admin,
                "{\"userId\":\"" + s.org().admin().id() + "\"}")
            .status());
    assertEquals(204, api().delete("/api/records/contacts/" + followed + "/follow", rep).status());
    sync(s);
    assertNull(contactOf(s, mine));
    assertNull(contactOf(s, followed));
    assertEquals(1, folder(s).size(), "only the hand-made contact: " + folder(s));
    assertEquals("Made", folder(s).get(0).getString("surname"));
    assertNotNull(crm(s, mine));
    assertNotNull(crm(s, followed));

    // Only the owner or an admin gives a record away; the new owner must be a user of the org.
    ApiClient.Reply notOwner =
        api()
            .put(
                "/api/records/contacts/" + mine + "/owner",
                rep,
                "{\"userId\":\"" + s.org().rep().id() + "\"}");
    assertEquals(403, notOwner.status(), notOwner.body());
    ApiClient.Reply stranger =
        api().put("/api/records/contacts/" + mine + "/owner", admin, "{\"userId\":\"nobody\"}");
    assertEquals(400, stranger.status(), stranger.body());
    assertTrue(stranger.json().getString("message").startsWith("userId:"), stranger.body());
    for (String bad : List.of("null", "[]", "\"x\"", "7", "{\"userId\":7}", "{\"userId\":{}}")) {
      ApiClient.Reply refused = api().put("/api/records/contacts/" + mine + "/owner", admin, bad);
      assertEquals(400, refused.status(), bad + " " + refused.body());
    }
    assertEquals(s.org().admin().id(), crm(s, mine).getString("ownerId"), "unchanged");
    Org otherOrg = OAuthOrgs.create(testOrgs, api(), fake());
    assertEquals(
        404,
        api().put("/api/records/contacts/" + mine + "/follow", otherOrg.repToken(), "").status());
    assertEquals(
        404,
        api()
            .put(
                "/api/records/contacts/" + mine + "/owner",
                otherOrg.adminToken(),
                "{\"userId\":\"" + otherOrg.admin().id() + "\"}")
            .status());

    // The admin sends every record: the next round brings all of them back.
    ApiClient.Reply all =
        api()
            .put(
                "/api/admin/sync/settings",
                admin,
                "{\"contacts\":\"both\",\"events\":\"off\",\"records\":\"all\"}");
    assertEquals("all", all.json().getString("records"));
    sync(s);
    assertNotNull(contactOf(s, mine));
    assertNotNull(contactOf(s, followed));
    assertNotNull(contactOf(s, other));
  }

  @Test
  void crmContactsAreCreatedChangedAndDeletedInTheMailbox() throws Exception {
    Setup s = setup("both");
    String address = email("nora");
    String nora = testOrgs.contact(s.orgId(), "Nora", "Field", address);
    sync(s);
    assertNotNull(fake().graphContactFolder(s.account(), FOLDER));
    JsonObject created = contactOf(s, nora);
    assertNotNull(created, "the CRM contact is in the Mailbridge folder, marked with its id");
    assertEquals("Nora", created.getString("givenName"));
    assertEquals(
        address, created.getJsonArray("emailAddresses").getJsonObject(0).getString("address"));

    JsonObject changed = Json.createObjectBuilder(crm(s, nora)).add("title", "Chief Buyer").build();
    putCrm(s, nora, changed);
    sync(s);
    assertEquals("Chief Buyer", contactOf(s, nora).getString("jobTitle"));
    assertEquals(1, folder(s).size(), "one contact, updated in place");

    assertEquals(204, api().delete("/api/records/contacts/" + nora, s.org().adminToken()).status());
    sync(s);
    assertNull(contactOf(s, nora));
    assertEquals(0, folder(s).size());

    JsonObject status = status(s);
    assertNotNull(status.getString("lastSyncAt", null));
    assertTrue(status.getJsonNumber("itemsOut").longValue() >= 3, status.toString());
    // The folder is made once; the timer queues a user whose sync is due.
    assertEquals(
        1,
        fake().graphContactRequests().stream()
            .filter(r -> r.startsWith("POST") && r.endsWith("/contactFolders #" + s.account()))
            .count());
    // The timer queues a user as soon as a synced CRM record changed, long before the interval,
    // and leaves a freshly synced user with nothing to send alone.
    String nina = testOrgs.contact(s.orgId(), "Nina", "Stone", email("nina"));
    schedule.queueDue(Instant.now());
    assertTrue(syncQueued(s), "a new CRM contact queues the user's sync");
    drain("it-sync");
    assertNotNull(contactOf(s, nina));
    schedule.queueDue(Instant.now());
    assertFalse(syncQueued(s), "a fresh sync with nothing to send is not due");
    putCrm(s, nina, Json.createObjectBuilder(crm(s, nina)).add("title", "CFO").build());
    schedule.queueDue(Instant.now());
    assertTrue(syncQueued(s), "a CRM edit queues the user's sync");
    drain("it-sync");
    assertEquals("CFO", contactOf(s, nina).getString("jobTitle"));

    // An hour later the interval makes the user due, changes or not.
    raw.update(
        "UPDATE sync_user SET last_sync_at = ?, updated_at = ? WHERE id = ?",
        io.mailbridge.platform.base.SqlTime.utc(Instant.now().minus(Duration.ofHours(1))),
        io.mailbridge.platform.base.SqlTime.utc(Instant.now().minus(Duration.ofHours(1))),
        s.org().rep().id());
    assertTrue(schedule.queueDue(Instant.now()) >= 1);
    assertTrue(syncQueued(s));
    assertTrue(drain("it-sync") >= 1);

    // A run that failed a minute ago (its error written after the last success) waits the retry
    // pause, then is queued again.
    raw.update(
        "UPDATE sync_user SET last_sync_at = ?, updated_at = ? WHERE id = ?",
        io.mailbridge.platform.base.SqlTime.utc(Instant.now().minus(Duration.ofHours(2))),
        io.mailbridge.platform.base.SqlTime.utc(Instant.now().minus(Duration.ofMinutes(1))),
        s.org().rep().id());
    schedule.queueDue(Instant.now());
    assertFalse(syncQueued(s), "a failed run is not retried at every tick");
    schedule.queueDue(Instant.now().plus(Duration.ofMinutes(5)));
    assertTrue(syncQueued(s), "after the pause it is");
    drain("it-sync");
  }

  /** Whether a contact sync job of the setup's rep waits in the queue. */
  private boolean syncQueued(Setup s) throws Exception {
    return !raw.strings(
            "SELECT id FROM job WHERE kind = 'sync.contacts' AND payload = ? AND state = 'READY'",
            s.org().rep().id())
        .isEmpty();
  }

  @Test
  void contactsMadeInOutlookAreCreatedAndChangedInTheCrm() {
    Setup s = setup("both");
    sync(s); // makes the folder
    String address = email("omar");
    String omar = fake().addGraphContact(s.account(), FOLDER, "Omar", "Reed", address);
    sync(s);
    List<JsonObject> found = crmWithEmail(s, address);
    assertEquals(1, found.size());
    assertEquals("Reed", found.get(0).getString("lastName"));
    String crmId = found.get(0).getString("id");

    fake()
        .changeGraphContact(
            s.account(), omar, "jobTitle", Json.createValue("Head of IT"), Instant.now());
    sync(s);
    assertEquals("Head of IT", crm(s, crmId).getString("title"));

    // Deleted in Outlook: the CRM record stays.
    fake().deleteGraphContact(s.account(), omar);
    sync(s);
    assertNotNull(crm(s, crmId));
    assertTrue(status(s).getJsonNumber("itemsIn").longValue() >= 2);
  }

  @Test
  void theSameFieldChangedOnBothSidesKeepsTheLaterWriteAndAuditsTheLoser() {
    Setup s = setup("both");
    String pia = testOrgs.contact(s.orgId(), "Pia", "Lund", email("pia"));
    sync(s);
    String contactId = contactOf(s, pia).getString("id");

    // The title: the CRM first, Outlook an hour later: Outlook's wins.
    putCrm(s, pia, Json.createObjectBuilder(crm(s, pia)).add("title", "VP Sales").build());
    fake()
        .changeGraphContact(
            s.account(),
            contactId,
            "jobTitle",
            Json.createValue("Director"),
            Instant.now().plus(Duration.ofHours(1)));
    sync(s);
    assertEquals("Director", crm(s, pia).getString("title"));
    assertEquals("Director", contactOf(s, pia).getString("jobTitle"));

    // The phone: Outlook an hour ago, the CRM now: the CRM's wins and is written to Outlook.
    fake()
        .changeGraphContact(
            s.account(),
            contactId,
            "businessPhones",
            Json.createArrayBuilder().add("+1 555 0100").build(),
            Instant.now().minus(Duration.ofHours(1)));
    putCrm(s, pia, Json.createObjectBuilder(crm(s, pia)).add("phone", "+1 555 0199").build());
    sync(s);
    assertEquals("+1 555 0199", crm(s, pia).getString("phone"));
    assertEquals("+1 555 0199", contactOf(s, pia).getJsonArray("businessPhones").getString(0));

    ApiClient.Reply audit =
        api().get("/api/admin/audit?action=sync.contact.conflict", s.org().adminToken());
    assertEquals(200, audit.status(), audit.body());
    List<JsonObject> events = audit.json().getJsonArray("items").getValuesAs(JsonObject.class);
    assertEquals(2, events.size(), audit.body());
    JsonObject mailWon =
        events.stream().filter(e -> e.getString("outcome").equals("mail_won")).findFirst().get();
    assertEquals(pia, mailWon.getString("subjectId"));
    assertTrue(mailWon.getString("detail").contains("VP Sales"), mailWon.toString());
    JsonObject crmWon =
        events.stream().filter(e -> e.getString("outcome").equals("crm_won")).findFirst().get();
    assertTrue(crmWon.getString("detail").contains("+1 555 0100"), crmWon.toString());
    assertEquals(2, status(s).getJsonNumber("conflicts").longValue());
  }

  @Test
  void threeRoundsWithoutChangesWriteNothingEitherWay() throws Exception {
    Setup s = setup("both");
    String ada = testOrgs.contact(s.orgId(), "Ada", "Byrne", email("ada"));
    sync(s);
    String address = email("ben");
    fake().addGraphContact(s.account(), FOLDER, "Ben", "Okafor", address);
    putCrm(s, ada, Json.createObjectBuilder(crm(s, ada)).add("title", "CTO").build());
    sync(s); // both changes cross over and come back once
    String ben = crmWithEmail(s, address).get(0).getString("id");
    long writesBefore = writes(s);
    JsonObject statusBefore = status(s);
    long adaSeq = changeSeq(ada);
    long benSeq = changeSeq(ben);
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(writesBefore, writes(s), "no contact written in the mailbox");
    assertEquals(adaSeq, changeSeq(ada), "no CRM write");
    assertEquals(benSeq, changeSeq(ben), "no CRM write");
    JsonObject statusAfter = status(s);
    assertEquals(statusBefore.getJsonNumber("itemsIn"), statusAfter.getJsonNumber("itemsIn"));
    assertEquals(statusBefore.getJsonNumber("itemsOut"), statusAfter.getJsonNumber("itemsOut"));
    assertEquals(2, folder(s).size());
  }

  private long changeSeq(String recordId) throws Exception {
    return Long.parseLong(
        raw.strings("SELECT CAST(change_seq AS VARCHAR(20)) FROM crm_record WHERE id = ?", recordId)
            .get(0));
  }

  @Test
  void aCreateWhoseAnswerWasLostIsPairedByTheNextPullAndNotImported() {
    Setup s = setup("both");
    sync(s); // makes the folder
    String handAddress = email("hand-lost");
    fake().addGraphContact(s.account(), FOLDER, "Hugo", "Hand", handAddress);
    String address = email("lena");
    String lena = testOrgs.contact(s.orgId(), "Lena", "Lost", address);
    fake().graphContactAnswersLost.set(1);
    sync(s); // the push fails after Graph made the contact; its retry waits
    assertEquals(2, folder(s).size(), "Graph made the contact");
    assertEquals(1, crmWithEmail(s, handAddress).size(), "an unmarked contact is still imported");

    sync(s);
    sync(s);
    assertEquals(2, folder(s).size(), "no second contact for the record: " + folder(s));
    assertEquals(1, crmWithEmail(s, address).size(), "no record made from the marked contact");
    assertNotNull(contactOf(s, lena));
    putCrm(s, lena, Json.createObjectBuilder(crm(s, lena)).add("title", "Buyer").build());
    sync(s);
    assertEquals("Buyer", contactOf(s, lena).getString("jobTitle"), "the pair is in place");
    assertEquals(2, folder(s).size());
    assertEquals(1, crmWithEmail(s, address).size());
  }

  @Test
  void aPushRetriedAfterALostAnswerLeavesOneContactOnceThePullRan() throws Exception {
    Setup s = setup("both");
    sync(s); // makes the folder
    String address = email("lola");
    String lola = testOrgs.contact(s.orgId(), "Lola", "Twice", address);
    fake().graphContactAnswersLost.set(1);
    sync(s);
    // The retried push runs before any pull: Graph contacts have no idempotent create.
    raw.update(
        "UPDATE job SET run_at = ? WHERE kind = 'sync.contacts' AND payload = ? AND state = 'READY'",
        io.mailbridge.platform.base.SqlTime.utc(Instant.now().minusSeconds(1)),
        s.org().rep().id() + "|push");
    assertTrue(drain("it-sync") >= 1);
    assertEquals(2, folder(s).size(), "the retried push made a second contact");

    sync(s);
    assertEquals(1, folder(s).size(), "the pull deleted the unpaired copy: " + folder(s));
    assertEquals(1, crmWithEmail(s, address).size());
    putCrm(s, lola, Json.createObjectBuilder(crm(s, lola)).add("title", "Owner").build());
    sync(s);
    assertEquals("Owner", contactOf(s, lola).getString("jobTitle"));
    assertEquals(1, folder(s).size());
    assertEquals(1, crmWithEmail(s, address).size());
  }

  @Test
  void aContactMarkedWithARecordTheOrgDoesNotHaveIsLeftAlone() {
    Setup s = setup("both");
    sync(s);
    String address = email("stray");
    String stray = fake().addGraphContact(s.account(), FOLDER, "Stan", "Stray", address);
    fake().setGraphContactProperty(s.account(), stray, CRM_ID_PROPERTY, "no-such-record");
    sync(s);
    sync(s);
    assertTrue(crmWithEmail(s, address).isEmpty(), "not imported");
    assertNotNull(fake().graphContact(s.account(), stray), "not deleted");
  }

  @Test
  void aContactMadeByHandSurvivesTheDeletionOfItsCrmRecord() {
    Setup s = setup("both");
    sync(s);
    String address = email("hand");
    String hand = fake().addGraphContact(s.account(), FOLDER, "Hana", "Sato", address);
    sync(s);
    String crmId = crmWithEmail(s, address).get(0).getString("id");
    assertEquals(
        204, api().delete("/api/records/contacts/" + crmId, s.org().adminToken()).status());
    sync(s);
    assertNotNull(fake().graphContact(s.account(), hand), "the hand-made contact stays");
    assertTrue(
        fake().graphContactRequests().stream()
            .noneMatch(r -> r.startsWith("DELETE") && r.contains(hand)));
  }

  @Test
  void anExpiredDeltaReadsTheFolderAgainWithoutDuplicates() {
    Setup s = setup("both");
    testOrgs.contact(s.orgId(), "Eve", "Moss", email("eve"));
    testOrgs.contact(s.orgId(), "Finn", "Hale", email("finn"));
    sync(s);
    String address = email("gus");
    fake().addGraphContact(s.account(), FOLDER, "Gus", "Ward", address);
    sync(s);
    assertEquals(3, folder(s).size());
    long crmContacts = crmCount(s);

    fake().expireGraphContactTokens();
    long writesBefore = writes(s);
    sync(s);
    assertEquals(3, folder(s).size());
    assertEquals(crmContacts, crmCount(s));
    assertEquals(1, crmWithEmail(s, address).size());
    assertEquals(writesBefore, writes(s));
    assertEquals(0, status(s).getJsonArray("errors").size(), status(s).toString());
    assertTrue(
        fake().graphContactRequests().stream()
                .filter(r -> r.contains("/contacts/delta") && r.endsWith("#" + s.account()))
                .count()
            >= 4,
        "the expired link and a full round after it");
  }

  private long crmCount(Setup s) {
    return steps().crmCount(s.org().adminToken());
  }

  @Test
  void twoPumpsNeverSyncOneUserAtTheSameTime() throws Exception {
    Setup s = setup("both");
    testOrgs.contact(s.orgId(), "Ida", "Berg", email("ida"));
    ManagedExecutorService executor =
        (ManagedExecutorService)
            new InitialContext().lookup("java:comp/DefaultManagedExecutorService");
    CountDownLatch arrived = new CountDownLatch(1);
    fake().holdContactDelta(arrived);
    Future<Integer> first;
    try {
      syncJobs.requestContactSync(s.orgId(), s.org().rep().id());
      first = executor.submit(() -> drain("it-pump-a"));
      assertTrue(arrived.await(60, TimeUnit.SECONDS), "the first pump reads the mailbox");
      // A second job for the same user, as a request after the first one started queues it.
      String second = jobs.enqueue(NewJob.of(SyncJobs.CONTACTS, s.orgId(), s.org().rep().id()));
      // Pump B also runs whatever else the shared queue has due; this user's job it puts off.
      assertTrue(drain("it-pump-b") >= 1);
      JsonObject view = jobView(second);
      assertEquals("READY", view.getString("state"), view.toString());
      assertTrue(
          jobs.find(second).orElseThrow().runAt().isAfter(Instant.now()),
          "claimed by pump B and put off until the first pump lets go of the user");
      assertEquals(
          List.of(first(s)),
          raw.strings("SELECT waits_for FROM job WHERE id = ?", second),
          "it waits for the end of the run that holds the user, not for a fixed time");
      assertEquals(0, jobs.find(second).orElseThrow().attempts(), "no attempt used up");
    } finally {
      fake().releaseContactDelta();
    }
    first.get(60, TimeUnit.SECONDS);
    assertEquals(1, fake().mostConcurrentContactRequests(s.account()));
    assertEquals(1, folder(s).size());
    // The waiting job runs later and finds nothing new.
    raw.update(
        "UPDATE job SET run_at = ? WHERE kind = 'sync.contacts' AND org_id = ?",
        io.mailbridge.platform.base.SqlTime.utc(Instant.now().minusSeconds(1)),
        s.orgId());
    drain("it-pump-b");
    assertEquals(1, folder(s).size());
  }

  /** The id of the user's contact sync job the first pump runs. */
  private String first(Setup s) throws java.sql.SQLException {
    return raw.strings(
            "SELECT id FROM job WHERE kind = 'sync.contacts' AND org_id = ? AND state = 'RUNNING'",
            s.orgId())
        .get(0);
  }

  private JsonObject jobView(String id) {
    var job = jobs.find(id).orElseThrow();
    return Json.createObjectBuilder()
        .add("state", job.state().name())
        .add("attempts", job.attempts())
        .build();
  }
}
