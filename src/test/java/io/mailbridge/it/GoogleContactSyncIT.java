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
import io.mailbridge.sync.control.SyncJobs;
import io.mailbridge.sync.control.SyncSchedule;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two-way contact sync with a Google account, against the fake People API in its wire format: the
 * "Mailbridge" contact group made once; CRM contacts created in it with their CRM id in {@code
 * clientData}; contacts a person puts in the group created in the CRM, per the org's direction;
 * later rounds read only changes with the sync token; an expired token lists everything again
 * without duplicates; a contact deleted in Google ends its pair and keeps the CRM record; an update
 * refused for a stale etag is merged in the next round by the documented rule; a 429 puts the job
 * off by Google's wait while another org's user syncs on. The suite's timer pump is off: tests run
 * jobs themselves. The fake pages two contacts at a time (failsafe's configuration).
 */
@ExtendWith(ArquillianExtension.class)
class GoogleContactSyncIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  private static final String GROUP = "Mailbridge";
  private static final String CRM_ID_KEY = "MailbridgeCrmId";

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

  private Setup setup(String direction) {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String account = OAuthOrgs.account("gsync");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "google", account);
    ApiClient.Reply put =
        api()
            .put(
                "/api/admin/sync/settings",
                org.adminToken(),
                "{\"contacts\":\""
                    + direction
                    + "\",\"events\":\"off\",\"includeLeads\":false,\"records\":\"all\"}");
    assertEquals(200, put.status(), put.body());
    return new Setup(org, account, mailboxId);
  }

  private ContactSyncSteps steps() {
    return new ContactSyncSteps(this::api, jobs, runner, syncJobs);
  }

  /** Runs the rep's contact sync to its end, as the pumps would. */
  private void sync(Setup s) {
    steps().sync(s.orgId(), s.org().rep().id(), "it-gsync");
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

  private long crmCount(Setup s) {
    return steps().crmCount(s.org().adminToken());
  }

  private void putCrm(Setup s, String id, JsonObject body) {
    steps().putCrm(s.org().adminToken(), id, body);
  }

  private List<JsonObject> group(Setup s) {
    return fake().googleContactsIn(s.account(), GROUP);
  }

  /** The contact of the group that carries this CRM id in Mailbridge's client data. */
  private JsonObject contactOf(Setup s, String crmId) {
    return group(s).stream()
        .filter(
            c ->
                c.getJsonArray("clientData") != null
                    && c.getJsonArray("clientData").getValuesAs(JsonObject.class).stream()
                        .anyMatch(
                            d ->
                                d.getString("key").equals(CRM_ID_KEY)
                                    && d.getString("value").equals(crmId)))
        .findFirst()
        .orElse(null);
  }

  private static String given(JsonObject person) {
    return person.getJsonArray("names").getJsonObject(0).getString("givenName");
  }

  private static String title(JsonObject person) {
    JsonArray orgs = person.getJsonArray("organizations");
    return orgs == null || orgs.isEmpty() ? null : orgs.getJsonObject(0).getString("title", null);
  }

  private static JsonArray organization(String title) {
    return Json.createArrayBuilder()
        .add(Json.createObjectBuilder().add("title", title).add("type", "work"))
        .build();
  }

  private JsonObject status(Setup s) {
    return steps().status(s.org().repToken());
  }

  private List<String> requestsOf(Setup s) {
    return fake().googlePeopleRequests().stream()
        .filter(r -> r.endsWith("#" + s.account()))
        .toList();
  }

  private long writes(Setup s) {
    return requestsOf(s).stream().filter(r -> !r.startsWith("GET")).count();
  }

  private long listings(Setup s, String parameter) {
    return requestsOf(s).stream()
        .filter(r -> r.contains("/people/me/connections") && r.contains(parameter))
        .count();
  }

  /** Full lists started: their first page has requestSyncToken and no page token. */
  private long fullListings(Setup s) {
    return requestsOf(s).stream()
        .filter(r -> r.contains("/people/me/connections") && r.contains("requestSyncToken=true"))
        .filter(r -> !r.contains("pageToken="))
        .count();
  }

  private boolean syncQueued(Setup s) throws Exception {
    return !raw.strings(
            "SELECT id FROM job WHERE kind = 'sync.contacts' AND payload = ? AND state = 'READY'",
            s.org().rep().id())
        .isEmpty();
  }

  private static String email(String label) {
    return ContactSyncSteps.email(label);
  }

  @Test
  void theFirstSyncCarriesContactsBothWaysIntoTheMailbridgeGroup() throws Exception {
    Setup s = setup("both");
    String address = email("nora");
    String nora = testOrgs.contact(s.orgId(), "Nora", "Field", address);
    String ivo = testOrgs.contact(s.orgId(), "Ivo", "Brandt", email("ivo"));
    String mia = testOrgs.contact(s.orgId(), "Mia", "Lenz", email("mia"));
    // The timer queues a Google-connected user as it does a Microsoft 365 one.
    schedule.queueDue(Instant.now());
    assertTrue(syncQueued(s), "the timer queues the Google user's contact sync");
    drain("it-gsync");

    String groupName = fake().googleContactGroup(s.account(), GROUP);
    assertNotNull(groupName, "the Mailbridge contact group is made");
    JsonObject created = contactOf(s, nora);
    assertNotNull(created, "the CRM contact is in the group, marked with its id");
    assertEquals("Nora", given(created));
    assertEquals("Field", created.getJsonArray("names").getJsonObject(0).getString("familyName"));
    assertEquals(
        address, created.getJsonArray("emailAddresses").getJsonObject(0).getString("value"));
    assertNotNull(contactOf(s, ivo));
    assertNotNull(contactOf(s, mia));
    assertEquals(3, group(s).size());
    // Made in one people:batchCreateContacts, not one call each.
    assertEquals(
        1,
        requestsOf(s).stream()
            .filter(r -> r.startsWith("POST /google/v1/people:batchCreateContacts"))
            .count());
    assertEquals(
        0,
        requestsOf(s).stream()
            .filter(r -> r.startsWith("POST /google/v1/people:createContact"))
            .count());

    // A contact a person puts in the group comes into the CRM; one outside it does not.
    String omarAddress = email("omar");
    fake().addGoogleContact(s.account(), GROUP, "Omar", "Reed", omarAddress);
    String loneAddress = email("lone");
    fake().addUngroupedGoogleContact(s.account(), "Lone", "Wolf", loneAddress);
    sync(s);
    List<JsonObject> omar = crmWithEmail(s, omarAddress);
    assertEquals(1, omar.size());
    assertEquals("Reed", omar.get(0).getString("lastName"));
    assertEquals(0, crmWithEmail(s, loneAddress).size(), "only the Mailbridge group syncs");
    assertEquals(4, group(s).size(), "nothing made twice");

    // The group is made once; mutations for the user went one at a time.
    assertEquals(
        1,
        requestsOf(s).stream().filter(r -> r.startsWith("POST /google/v1/contactGroups")).count());
    assertEquals(1, fake().mostConcurrentGooglePeopleWrites(s.account()));
    JsonObject status = status(s);
    assertTrue(status.getJsonNumber("itemsOut").longValue() >= 3, status.toString());
    assertTrue(status.getJsonNumber("itemsIn").longValue() >= 1, status.toString());
    assertEquals(0, status.getJsonArray("errors").size(), status.toString());
  }

  @Test
  void aCreateWhoseAnswerWasLostIsPairedByTheNextPullAndNotImported() {
    Setup s = setup("both");
    sync(s); // makes the group
    String handAddress = ContactSyncSteps.email("g-hand-lost");
    fake().addGoogleContact(s.account(), GROUP, "Hugo", "Hand", handAddress);
    String address = ContactSyncSteps.email("g-lena");
    String lena = testOrgs.contact(s.orgId(), "Lena", "Lost", address);
    fake().googleContactAnswersLost.set(1);
    sync(s); // the push fails after Google made the contact; its retry waits
    assertEquals(2, group(s).size(), "Google made the contact");
    assertEquals(1, crmWithEmail(s, handAddress).size(), "an unmarked contact is still imported");

    sync(s);
    sync(s);
    assertEquals(2, group(s).size(), "no second contact for the record: " + group(s));
    assertEquals(1, crmWithEmail(s, address).size(), "no record made from the marked contact");
    putCrm(s, lena, Json.createObjectBuilder(crm(s, lena)).add("title", "Buyer").build());
    sync(s);
    assertEquals("Buyer", title(contactOf(s, lena)), "the pair is in place");
    assertEquals(2, group(s).size());
    assertEquals(1, crmWithEmail(s, address).size());
  }

  @Test
  void theDirectionSettingDecidesWhichWayContactsCross() {
    Setup toMail = setup("crm_to_mail");
    String kim = testOrgs.contact(toMail.orgId(), "Kim", "Ono", email("kim"));
    sync(toMail);
    assertNotNull(contactOf(toMail, kim));
    String handAddress = email("hand");
    fake().addGoogleContact(toMail.account(), GROUP, "Hand", "Made", handAddress);
    sync(toMail);
    assertEquals(0, crmWithEmail(toMail, handAddress).size(), "crm_to_mail brings nothing in");

    Setup toCrm = setup("mail_to_crm");
    String lea = testOrgs.contact(toCrm.orgId(), "Lea", "Haas", email("lea"));
    sync(toCrm); // makes the group, sends nothing
    assertNull(contactOf(toCrm, lea), "mail_to_crm sends no CRM contact to Google");
    assertEquals(0, group(toCrm).size());
    String inAddress = email("incoming");
    fake().addGoogleContact(toCrm.account(), GROUP, "In", "Coming", inAddress);
    sync(toCrm);
    assertEquals(1, crmWithEmail(toCrm, inAddress).size());
    assertEquals(0, group(toCrm).stream().filter(c -> c.containsKey("clientData")).count());
  }

  @Test
  void laterRoundsReadOnlyTheChangesWithTheSyncTokenAndWriteNothingBack() throws Exception {
    Setup s = setup("both");
    String pia = testOrgs.contact(s.orgId(), "Pia", "Lund", email("pia"));
    testOrgs.contact(s.orgId(), "Ben", "Okafor", email("ben"));
    testOrgs.contact(s.orgId(), "Cem", "Aydin", email("cem"));
    // The account's own contacts outside the group: listed by the first round (which reads before
    // Mailbridge writes anything), never imported.
    for (String name : List.of("Xan", "Yve", "Zoe")) {
      fake().addUngroupedGoogleContact(s.account(), name, "Private", email(name.toLowerCase()));
    }
    long crmBefore = crmCount(s);
    sync(s);
    assertEquals(1, fullListings(s), "one full list");
    long fullPages = listings(s, "requestSyncToken=true");
    assertTrue(fullPages >= 2, "three contacts at two a page: " + fullPages);
    assertEquals(crmBefore, crmCount(s), "contacts outside the group stay out of the CRM");

    String contactId = contactOf(s, pia).getString("resourceName");
    fake()
        .changeGoogleContact(
            s.account(), contactId, "organizations", organization("Head of IT"), Instant.now());
    long writesBefore = writes(s);
    sync(s);
    assertEquals("Head of IT", crm(s, pia).getString("title"));
    assertEquals(fullPages, listings(s, "requestSyncToken=true"), "no full list again");
    assertTrue(listings(s, "syncToken=EPDS") >= 1, "the round read with the sync token");
    assertTrue(
        requestsOf(s).stream()
            .anyMatch(r -> r.contains("syncToken=EPDS") && r.contains("pageToken=")),
        "a page after the first of a sync token round repeats the token");
    assertEquals(writesBefore, writes(s), "the change from Google is not written back to it");

    // Rounds without changes write nothing either way: Mailbridge's own writes are recognised.
    testOrgs.contact(s.orgId(), "Dan", "Roth", email("dan"));
    sync(s);
    long settled = writes(s);
    JsonObject before = status(s);
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(settled, writes(s));
    assertEquals(before.getJsonNumber("itemsIn"), status(s).getJsonNumber("itemsIn"));
    assertEquals(before.getJsonNumber("itemsOut"), status(s).getJsonNumber("itemsOut"));
    assertEquals(4, group(s).size());
  }

  @Test
  void anExpiredSyncTokenListsEverythingAgainWithoutDuplicates() {
    Setup s = setup("both");
    testOrgs.contact(s.orgId(), "Eve", "Moss", email("eve"));
    testOrgs.contact(s.orgId(), "Finn", "Hale", email("finn"));
    sync(s);
    String address = email("gus");
    fake().addGoogleContact(s.account(), GROUP, "Gus", "Ward", address);
    sync(s);
    assertEquals(3, group(s).size());
    long crmContacts = crmCount(s);
    long fullPages = listings(s, "requestSyncToken=true");

    fake().expireGoogleSyncTokens();
    long writesBefore = writes(s);
    sync(s);
    assertEquals(2, fullListings(s), "a full list after the refusal");
    assertTrue(listings(s, "requestSyncToken=true") > fullPages);
    assertEquals(3, group(s).size());
    assertEquals(crmContacts, crmCount(s));
    assertEquals(1, crmWithEmail(s, address).size());
    assertEquals(writesBefore, writes(s));
    assertEquals(0, status(s).getJsonArray("errors").size(), status(s).toString());

    // The new token works: a change after the full list arrives with it.
    String gus =
        group(s).stream()
            .filter(c -> given(c).equals("Gus"))
            .findFirst()
            .orElseThrow()
            .getString("resourceName");
    fake()
        .changeGoogleContact(
            s.account(), gus, "organizations", organization("Buyer"), Instant.now());
    sync(s);
    assertEquals("Buyer", crmWithEmail(s, address).get(0).getString("title"));
  }

  @Test
  void deletesEndPairsAndOnlyContactsMailbridgeMadeAreDeletedInGoogle() {
    Setup s = setup("both");
    String ola = testOrgs.contact(s.orgId(), "Ola", "Berg", email("ola"));
    String tom = testOrgs.contact(s.orgId(), "Tom", "Falk", email("tom"));
    sync(s);
    String handAddress = email("hana");
    String hand = fake().addGoogleContact(s.account(), GROUP, "Hana", "Sato", handAddress);
    sync(s);
    String handCrm = crmWithEmail(s, handAddress).get(0).getString("id");

    // Deleted in Google: the pair ends, the CRM record stays.
    String olaContact = contactOf(s, ola).getString("resourceName");
    fake().deleteGoogleContact(s.account(), olaContact);
    sync(s);
    assertNotNull(crm(s, ola), "the CRM record stays");
    assertEquals(
        0L,
        requestsOf(s).stream().filter(r -> r.contains(olaContact + ":")).count(),
        "nothing written to the deleted contact");

    // Deleted in the CRM: Mailbridge's own contact goes (after its client data is read back),
    // the one a person made stays.
    String tomContact = contactOf(s, tom).getString("resourceName");
    assertEquals(204, api().delete("/api/records/contacts/" + tom, s.org().adminToken()).status());
    assertEquals(
        204, api().delete("/api/records/contacts/" + handCrm, s.org().adminToken()).status());
    sync(s);
    assertNull(fake().googleContact(s.account(), tomContact));
    assertTrue(
        requestsOf(s).stream()
            .anyMatch(
                r ->
                    r.startsWith("GET /google/v1/" + tomContact + "?")
                        && r.contains("clientData")));
    assertNotNull(fake().googleContact(s.account(), hand), "the hand-made contact stays");
    assertTrue(requestsOf(s).stream().noneMatch(r -> r.startsWith("DELETE") && r.contains(hand)));
    assertEquals(1, group(s).size());
  }

  @Test
  void anUpdateRefusedForAStaleEtagIsMergedInTheNextRoundByTheLaterWrite() {
    Setup s = setup("both");
    String pia = testOrgs.contact(s.orgId(), "Pia", "Lund", email("pia"));
    sync(s);
    String contactId = contactOf(s, pia).getString("resourceName");

    // The CRM changes the title; while the sync writes it, a person changes it in Google.
    putCrm(s, pia, Json.createObjectBuilder(crm(s, pia)).add("title", "VP Sales").build());
    fake()
        .beforeNextGoogleContactUpdate(
            s.account(),
            () ->
                fake()
                    .changeGoogleContact(
                        s.account(),
                        contactId,
                        "organizations",
                        organization("Director"),
                        Instant.now().plus(Duration.ofMinutes(1))));
    sync(s);
    assertEquals(
        "Director", title(fake().googleContact(s.account(), contactId)), "not overwritten");
    assertEquals("VP Sales", crm(s, pia).getString("title"));
    assertEquals(
        1L,
        requestsOf(s).stream().filter(r -> r.startsWith("PATCH") && r.contains(contactId)).count());
    assertEquals(0, status(s).getJsonArray("errors").size(), status(s).toString());

    // The next round reads the change and merges: Google's write is the later one and wins.
    sync(s);
    assertEquals("Director", crm(s, pia).getString("title"));
    assertEquals("Director", title(fake().googleContact(s.account(), contactId)));
    ApiClient.Reply audit =
        api().get("/api/admin/audit?action=sync.contact.conflict", s.org().adminToken());
    assertEquals(200, audit.status(), audit.body());
    List<JsonObject> events = audit.json().getJsonArray("items").getValuesAs(JsonObject.class);
    assertEquals(1, events.size(), audit.body());
    assertEquals("mail_won", events.get(0).getString("outcome"));
    assertEquals(pia, events.get(0).getString("subjectId"));
    assertTrue(events.get(0).getString("detail").contains("VP Sales"), events.get(0).toString());
  }

  @Test
  void aQuotaRefusalPutsTheUserOffByGooglesWaitWhileAnotherOrgSyncsOn() throws Exception {
    Setup busy = setup("both");
    Setup other = setup("both");
    String ada = testOrgs.contact(busy.orgId(), "Ada", "Byrne", email("ada"));
    String ulf = testOrgs.contact(other.orgId(), "Ulf", "Lind", email("ulf"));
    fake().refuseGooglePeopleQuota(busy.account(), 1, 120);

    Instant asked = Instant.now();
    sync(busy);
    assertTrue(syncQueued(busy), "the job waits to be tried again");
    Instant runAt =
        raw.instant(
            "SELECT run_at FROM job WHERE kind = 'sync.contacts' AND payload = ? AND state = 'READY'",
            busy.org().rep().id());
    assertTrue(
        !runAt.isBefore(asked.plusSeconds(110)), "Google's Retry-After of 120 s is kept: " + runAt);
    assertNull(fake().googleContactGroup(busy.account(), GROUP), "nothing written meanwhile");

    // Another org's user syncs while the first one waits.
    sync(other);
    assertNotNull(contactOf(other, ulf));
    assertTrue(syncQueued(busy), "still waiting");
    assertTrue(
        fake().googlePeopleRequests().stream()
            .filter(r -> r.endsWith("#" + other.account()))
            .noneMatch(r -> r.contains(busy.account())));

    // When the wait is over the sync runs through.
    raw.update(
        "UPDATE job SET run_at = ? WHERE kind = 'sync.contacts' AND payload = ?",
        io.mailbridge.platform.base.SqlTime.utc(Instant.now().minusSeconds(1)),
        busy.org().rep().id());
    drain("it-gsync");
    assertNotNull(contactOf(busy, ada));
    assertFalse(syncQueued(busy));
    assertEquals(0, status(busy).getJsonArray("errors").size(), status(busy).toString());
    assertEquals(1, group(other).size(), "the other org's contacts are its own");
  }
}
