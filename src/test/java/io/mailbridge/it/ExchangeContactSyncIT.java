package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeContacts;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.sync.control.SyncJobs;
import io.mailbridge.sync.control.SyncSchedule;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two-way contact sync with a mailbox on the org's Exchange server, against the fake Exchange in
 * EWS's SOAP: the org's service account impersonates the rep (ExchangeImpersonation and
 * X-AnchorMailbox asserted on every request); the "Mailbridge" folder is made once under Contacts;
 * CRM contacts are created, changed and deleted in it with their CRM id in a named property; a
 * contact made in Outlook reaches the CRM; three rounds without changes write nothing either way; a
 * stale ChangeKey writes nothing and the next round merges both sides; a forgotten sync state reads
 * the folder again without duplicates; a hand-made contact survives the deletion of its CRM record;
 * ErrorServerBusy puts the job off by Exchange's BackOffMilliseconds; the timer queues a user the
 * connection covers.
 */
@ExtendWith(ArquillianExtension.class)
class ExchangeContactSyncIT {

  private static final String FOLDER = "Mailbridge";
  private static final String CRM_ID_KEY = ExchangeSyncOrgs.CRM_ID_KEY;

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject SyncJobs syncJobs;
  @Inject RawDatabase raw;
  @Inject SyncSchedule schedule;

  private static FakeExchange fake() {
    return ExchangeSyncOrgs.fake();
  }

  private static FakeContacts contacts() {
    return fake().contacts;
  }

  private ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + request.getLocalPort());
  }

  private ContactSyncSteps steps() {
    return new ContactSyncSteps(this::api, jobs, runner, syncJobs);
  }

  private record Setup(TestOrgs.SignedInOrg org, String rep) {
    Setup(ExchangeSyncOrgs.Setup shared) {
      this(shared.org(), shared.rep());
    }

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

  /** An org whose Exchange connection covers the rep, with contact sync both ways. */
  private Setup setup() {
    return new Setup(
        ExchangeSyncOrgs.setup(
            testOrgs,
            api(),
            "exchange-sync",
            "{\"contacts\":\"both\",\"events\":\"off\",\"includeLeads\":false,\"records\":\"all\"}"));
  }

  private void sync(Setup s) {
    steps().sync(s.orgId(), s.repId(), "it-ews-sync");
  }

  private List<FakeContacts.Contact> folder(Setup s) {
    return contacts().in(s.rep(), FOLDER);
  }

  private FakeContacts.Contact contactOf(Setup s, String crmId) {
    return contacts().withProperty(s.rep(), FOLDER, CRM_ID_KEY, crmId);
  }

  /** The rep's requests of these EWS operations (by SOAPAction). */
  private long requests(Setup s, String... operations) {
    return ExchangeSyncOrgs.requests(new ExchangeSyncOrgs.Setup(s.org(), s.rep()), operations);
  }

  private long writes(Setup s) {
    return requests(s, "CreateItem", "UpdateItem", "DeleteItem", "CreateFolder");
  }

  /**
   * Every request this class made went as the service account impersonating a rep: the SOAP header
   * names the mailbox X-AnchorMailbox names.
   */
  @AfterEach
  void everyRequestImpersonatesTheRep() {
    ExchangeSyncOrgs.assertEveryRequestImpersonates(
        "FindFolder",
        "CreateFolder",
        "SyncFolderItems",
        "GetItem",
        "CreateItem",
        "UpdateItem",
        "DeleteItem");
  }

  @Test
  void aCreateWhoseAnswerWasLostIsPairedByTheNextPullAndNotImported() {
    Setup s = setup();
    sync(s); // makes the folder
    String handAddress = ContactSyncSteps.email("x-hand-lost");
    contacts().addByHand(s.rep(), FOLDER, "Hugo", "Hand", handAddress);
    String address = ContactSyncSteps.email("x-lena");
    String lena = testOrgs.contact(s.orgId(), "Lena", "Lost", address);
    contacts().createAnswersLost.set(1);
    sync(s); // the push fails after Exchange made the contact; its retry waits
    assertEquals(2, folder(s).size(), "Exchange made the contact");
    assertEquals(
        1,
        steps().crmWithEmail(s.adminToken(), handAddress).size(),
        "an unmarked contact is still imported");

    sync(s);
    sync(s);
    assertEquals(2, folder(s).size(), "no second contact for the record");
    assertEquals(
        1,
        steps().crmWithEmail(s.adminToken(), address).size(),
        "no record made from the marked contact");
    steps()
        .putCrm(
            s.adminToken(),
            lena,
            Json.createObjectBuilder(steps().crm(s.adminToken(), lena))
                .add("title", "Buyer")
                .build());
    sync(s);
    assertEquals("Buyer", contactOf(s, lena).field("JobTitle"), "the pair is in place");
    assertEquals(2, folder(s).size());
    assertEquals(1, steps().crmWithEmail(s.adminToken(), address).size());
  }

  @Test
  void crmContactsAreCreatedChangedAndDeletedInTheExchangeFolder() {
    Setup s = setup();
    String address = ContactSyncSteps.email("nora");
    String nora = testOrgs.contact(s.orgId(), "Nora", "Field", address);
    String ivo = testOrgs.contact(s.orgId(), "Ivo", "Brandt", ContactSyncSteps.email("ivo"));
    sync(s);
    FakeContacts.Contact created = contactOf(s, nora);
    assertNotNull(created, "the CRM contact is in the Mailbridge folder, marked with its id");
    assertEquals("Nora", created.field("GivenName"));
    assertEquals("Field", created.field("Surname"));
    assertEquals(List.of(address), created.emails());
    assertEquals("Brandt", contactOf(s, ivo).field("Surname"));
    assertEquals(1, requests(s, "CreateItem"), "both contacts made by one CreateItem");
    assertEquals(204, api().delete("/api/records/contacts/" + ivo, s.adminToken()).status());
    sync(s);
    assertNull(contactOf(s, ivo));

    JsonObject changed =
        Json.createObjectBuilder(steps().crm(s.adminToken(), nora))
            .add("title", "Chief Buyer")
            .build();
    steps().putCrm(s.adminToken(), nora, changed);
    sync(s);
    assertEquals("Chief Buyer", contactOf(s, nora).field("JobTitle"));
    assertEquals(1, folder(s).size(), "one contact, updated in place");
    assertEquals(created.id, contactOf(s, nora).id);

    assertEquals(204, api().delete("/api/records/contacts/" + nora, s.adminToken()).status());
    sync(s);
    assertNull(contactOf(s, nora));
    assertEquals(0, folder(s).size());

    JsonObject status = steps().status(s.org().repToken());
    assertNotNull(status.getString("lastSyncAt", null));
    assertTrue(status.getJsonNumber("itemsOut").longValue() >= 3, status.toString());
    assertEquals(1, contacts().foldersNamed(s.rep(), FOLDER), "the folder is made once");
    assertEquals(1, requests(s, "CreateFolder"));
  }

  @Test
  void aContactMadeInOutlookAndChangedThereReachesTheCrm() {
    Setup s = setup();
    sync(s); // makes the folder
    String address = ContactSyncSteps.email("omar");
    FakeContacts.Contact omar = contacts().addByHand(s.rep(), FOLDER, "Omar", "Reed", address);
    sync(s);
    List<JsonObject> found = steps().crmWithEmail(s.adminToken(), address);
    assertEquals(1, found.size());
    assertEquals("Reed", found.get(0).getString("lastName"));
    String crmId = found.get(0).getString("id");

    contacts().editByHand(omar.id, Map.of("JobTitle", "Head of IT"));
    sync(s);
    assertEquals("Head of IT", steps().crm(s.adminToken(), crmId).getString("title"));
    assertEquals(1, steps().crmWithEmail(s.adminToken(), address).size());
  }

  @Test
  void aChangeMailbridgeWroteDoesNotComeBackOverThreeRounds() throws Exception {
    Setup s = setup();
    String ada = testOrgs.contact(s.orgId(), "Ada", "Byrne", ContactSyncSteps.email("ada"));
    sync(s);
    String address = ContactSyncSteps.email("ben");
    contacts().addByHand(s.rep(), FOLDER, "Ben", "Okafor", address);
    steps()
        .putCrm(
            s.adminToken(),
            ada,
            Json.createObjectBuilder(steps().crm(s.adminToken(), ada)).add("title", "CTO").build());
    sync(s); // both changes cross over
    assertEquals("CTO", contactOf(s, ada).field("JobTitle"));
    String ben = steps().crmWithEmail(s.adminToken(), address).get(0).getString("id");
    long writesBefore = writes(s);
    JsonObject before = steps().status(s.org().repToken());
    String adaVersion = steps().crm(s.adminToken(), ada).toString();
    String benVersion = steps().crm(s.adminToken(), ben).toString();
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(writesBefore, writes(s), "nothing written in the mailbox");
    assertEquals(adaVersion, steps().crm(s.adminToken(), ada).toString(), "no CRM write");
    assertEquals(benVersion, steps().crm(s.adminToken(), ben).toString(), "no CRM write");
    JsonObject after = steps().status(s.org().repToken());
    assertEquals(before.getJsonNumber("itemsIn"), after.getJsonNumber("itemsIn"));
    assertEquals(before.getJsonNumber("itemsOut"), after.getJsonNumber("itemsOut"));
    assertEquals(2, folder(s).size());
  }

  @Test
  void aStaleChangeKeyWritesNothingAndTheNextRoundMergesBothSides() {
    Setup s = setup();
    String pia = testOrgs.contact(s.orgId(), "Pia", "Lund", ContactSyncSteps.email("pia"));
    sync(s);
    FakeContacts.Contact contact = contactOf(s, pia);
    steps()
        .putCrm(
            s.adminToken(),
            pia,
            Json.createObjectBuilder(steps().crm(s.adminToken(), pia)).add("title", "CEO").build());
    // The pull finds nothing new; a person changes the contact before the push writes.
    syncJobs.requestContactSync(s.orgId(), s.repId());
    steps().runUntil("it-ews-sync", s.repId());
    contacts().editByHand(contact.id, Map.of("BusinessPhone", "+1 555 0100"));
    int conflictsBefore = contacts().irresolvableConflicts.get();
    steps().drain("it-ews-sync");
    assertEquals(conflictsBefore + 1, contacts().irresolvableConflicts.get());
    assertNull(contactOf(s, pia).field("JobTitle"), "nothing written over the person's change");

    sync(s);
    assertEquals("CEO", contactOf(s, pia).field("JobTitle"));
    assertEquals("+1 555 0100", contactOf(s, pia).field("BusinessPhone"));
    JsonObject record = steps().crm(s.adminToken(), pia);
    assertEquals("CEO", record.getString("title"));
    assertTrue(record.toString().contains("+1 555 0100"), record.toString());
  }

  @Test
  void aForgottenSyncStateReadsTheFolderAgainWithoutDuplicates() {
    Setup s = setup();
    testOrgs.contact(s.orgId(), "Eve", "Moss", ContactSyncSteps.email("eve"));
    testOrgs.contact(s.orgId(), "Finn", "Hale", ContactSyncSteps.email("finn"));
    sync(s);
    String address = ContactSyncSteps.email("gus");
    contacts().addByHand(s.rep(), FOLDER, "Gus", "Ward", address);
    sync(s);
    assertEquals(3, folder(s).size());
    long crmContacts = steps().crmCount(s.adminToken());

    fake().forgetSyncStates(s.rep());
    long writesBefore = writes(s);
    long syncsBefore = requests(s, "SyncFolderItems");
    sync(s);
    assertEquals(3, folder(s).size());
    assertEquals(crmContacts, steps().crmCount(s.adminToken()));
    assertEquals(1, steps().crmWithEmail(s.adminToken(), address).size());
    assertEquals(writesBefore, writes(s));
    JsonObject status = steps().status(s.org().repToken());
    assertEquals(0, status.getJsonArray("errors").size(), status.toString());
    assertTrue(
        requests(s, "SyncFolderItems") >= syncsBefore + 2,
        "the refused sync state and a full round after it");
  }

  @Test
  void aContactMadeByHandSurvivesTheDeletionOfItsCrmRecord() {
    Setup s = setup();
    sync(s);
    String address = ContactSyncSteps.email("hand");
    FakeContacts.Contact hand = contacts().addByHand(s.rep(), FOLDER, "Hana", "Sato", address);
    sync(s);
    String crmId = steps().crmWithEmail(s.adminToken(), address).get(0).getString("id");
    assertEquals(204, api().delete("/api/records/contacts/" + crmId, s.adminToken()).status());
    sync(s);
    assertTrue(
        folder(s).stream().anyMatch(c -> c.id.equals(hand.id)), "the hand-made contact stays");
    assertEquals(0, requests(s, "DeleteItem"));
  }

  @Test
  void aBusyExchangePutsTheJobOffByItsBackOff() throws Exception {
    Setup s = setup();
    String ada = testOrgs.contact(s.orgId(), "Ada", "Byrne", ContactSyncSteps.email("ada"));
    sync(s);
    steps()
        .putCrm(
            s.adminToken(),
            ada,
            Json.createObjectBuilder(steps().crm(s.adminToken(), ada)).add("title", "CTO").build());
    fake()
        .answerNextFor(
            s.rep(), 200, FakeExchange.fixture("syncfolderitems-serverbusy-in-response.xml"));
    Instant asked = Instant.now();
    sync(s);
    String waiting =
        "SELECT run_at FROM job WHERE kind = 'sync.contacts' AND payload = ? AND state = 'READY'";
    Instant runAt = raw.instant(waiting, s.repId());
    assertNotNull(runAt, "the job waits to be tried again");
    assertTrue(
        !runAt.isBefore(asked.plusSeconds(29)), "BackOffMilliseconds 30000 is kept: " + runAt);
    assertNull(contactOf(s, ada).field("JobTitle"), "nothing written meanwhile");

    raw.update(
        "UPDATE job SET run_at = ? WHERE kind = 'sync.contacts' AND payload = ? AND state = 'READY'",
        io.mailbridge.platform.base.SqlTime.utc(Instant.now().minusSeconds(1)),
        s.repId());
    steps().drain("it-ews-sync");
    assertEquals("CTO", contactOf(s, ada).field("JobTitle"));
  }

  @Test
  void theTimerQueuesAUserTheExchangeConnectionCovers() throws Exception {
    Setup s = setup();
    String ida = testOrgs.contact(s.orgId(), "Ida", "Berg", ContactSyncSteps.email("ida"));
    schedule.queueDue(Instant.now());
    assertTrue(
        !raw.strings(
                "SELECT id FROM job WHERE kind = 'sync.contacts' AND payload = ? AND state = 'READY'",
                s.repId())
            .isEmpty(),
        "a user who connected nothing is found through the org's Exchange connection");
    steps().drain("it-ews-sync");
    assertNotNull(contactOf(s, ida));
  }
}
