package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeCalendar;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.mailbox.ews.stubs.DayOfWeekType;
import io.mailbridge.mailbox.ews.stubs.NumberedRecurrenceRangeType;
import io.mailbridge.mailbox.ews.stubs.RecurrenceType;
import io.mailbridge.mailbox.ews.stubs.WeeklyRecurrencePatternType;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.sync.control.SyncJobs;
import io.mailbridge.sync.control.SyncSchedule;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two-way event sync with the Calendar of a mailbox on the org's Exchange server, against the fake
 * Exchange in EWS's SOAP: the org's service account impersonates the rep (ExchangeImpersonation and
 * X-AnchorMailbox asserted on every request); CRM events are created, changed and deleted in the
 * Calendar with their CRM id in a named property and the attendees told as Graph tells them;
 * meetings with CRM people made in Outlook reach the CRM (bodies read as text), and their changes
 * and deletion too; three rounds without changes write nothing either way; a stale ChangeKey writes
 * nothing and the next round keeps the later write and audits the loser; a forgotten sync state
 * reads the Calendar again without duplicates; a weekly series goes as EWS's Recurrence and an
 * interval changed in Outlook comes back as the rule; a series with one occurrence moved and one
 * cancelled syncs both ways (OccurrenceItemId writes, ModifiedOccurrences and DeletedOccurrences
 * read) without writing an exception twice; a weekly series across a change of daylight saving time
 * keeps its local time (StartTimeZone); an all-day event stays IsAllDayEvent both ways; the timer
 * queues an Exchange user.
 */
@ExtendWith(ArquillianExtension.class)
class ExchangeEventSyncIT {

  private static final String CRM_ID_KEY = ExchangeSyncOrgs.CRM_ID_KEY;
  private static final String OWNER = "it-ews-events";

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

  private static FakeCalendar calendar() {
    return fake().calendar;
  }

  private ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + request.getLocalPort());
  }

  private ContactSyncSteps steps() {
    return new ContactSyncSteps(this::api, jobs, runner, syncJobs);
  }

  /** An org whose Exchange connection covers the rep, with event sync both ways. */
  private ExchangeSyncOrgs.Setup setup() {
    return ExchangeSyncOrgs.setup(
        testOrgs, api(), "exchange-events", "{\"contacts\":\"off\",\"events\":\"both\"}");
  }

  /** Runs the rep's event sync to its end, as the pumps would. */
  private void sync(ExchangeSyncOrgs.Setup s) {
    syncJobs.requestEventSync(s.orgId(), s.repId());
    steps().drain(OWNER);
  }

  private String createCrmEvent(ExchangeSyncOrgs.Setup s, JsonObject body) {
    return steps().createEvent(s.org().repToken(), body);
  }

  private JsonObject crmEvent(ExchangeSyncOrgs.Setup s, String id) {
    return steps().event(s.adminToken(), id);
  }

  private FakeCalendar.Item itemOf(ExchangeSyncOrgs.Setup s, String crmId) {
    return calendar().withProperty(s.rep(), CRM_ID_KEY, crmId);
  }

  private long writes(ExchangeSyncOrgs.Setup s) {
    return ExchangeSyncOrgs.requests(s, "CreateItem", "UpdateItem", "DeleteItem");
  }

  private List<FakeCalendar.Notice> notices(String itemId) {
    return calendar().notices.stream().filter(n -> n.itemId().equals(itemId)).toList();
  }

  @AfterEach
  void everyRequestImpersonatesTheRep() {
    ExchangeSyncOrgs.assertEveryRequestImpersonates(
        "SyncFolderItems", "GetItem", "CreateItem", "UpdateItem", "DeleteItem");
  }

  @Test
  void aCreateWhoseAnswerWasLostLeavesOneItemAndOneCrmEvent() {
    ExchangeSyncOrgs.Setup s = setup();
    String lena = ContactSyncSteps.email("x-lena-event");
    String contact = testOrgs.contact(s.orgId(), "Lena", "Lost", lena);
    String id = createCrmEvent(s, EventSyncIT.kickoff(contact, lena));
    calendar().createAnswersLost.set(1);
    sync(s); // the push fails after Exchange made the item; its retry waits
    assertEquals(1, calendar().in(s.rep()).size(), "Exchange made the item");

    sync(s);
    sync(s);
    assertEquals(1, calendar().in(s.rep()).size(), "no second item");
    assertEquals(
        1,
        steps().timelineEvents(s.adminToken(), contact).size(),
        "no CRM event made from the marked item");
    assertEquals(itemOf(s, id).uid, crmEvent(s, id).getString("iCalUid"));
    steps()
        .patchEvent(
            s.org().repToken(), id, Json.createObjectBuilder().add("subject", "Found").build());
    sync(s);
    assertEquals("Found", itemOf(s, id).subject, "the pair is in place");
    assertEquals(1, calendar().in(s.rep()).size());
    assertEquals(1, steps().timelineEvents(s.adminToken(), contact).size());
  }

  @Test
  void crmEventsAreCreatedChangedAndDeletedInTheExchangeCalendar() {
    ExchangeSyncOrgs.Setup s = setup();
    String nora = ContactSyncSteps.email("nora");
    String contact = testOrgs.contact(s.orgId(), "Nora", "Field", nora);
    JsonObject body = EventSyncIT.kickoff(contact, nora);
    String id = createCrmEvent(s, body);
    sync(s);

    FakeCalendar.Item created = itemOf(s, id);
    assertNotNull(created, "the CRM event is in the rep's Calendar, marked with its id");
    assertEquals("Kickoff", created.subject);
    assertEquals(Instant.parse(body.getString("start")), created.start);
    assertEquals(Instant.parse(body.getString("end")), created.end);
    assertEquals("Fabrikam HQ", created.location);
    assertEquals("Scope and plan", created.body);
    assertEquals(List.of(nora), created.attendees);
    assertEquals(
        "Europe/Paris",
        created.properties.get(FakeExchange.LOGGED_PROPERTY_SET + "|MailbridgeTimeZone"));
    assertEquals("Romance Standard Time", created.startTimeZone, "in its own zone");
    assertEquals(
        List.of(new FakeCalendar.Notice("CreateItem", created.id, "SendToAllAndSaveCopy")),
        notices(created.id),
        "the attendees are invited, as Graph invites them");
    // Capture meets the same activity: it carries the calendar's iCalendar UID.
    assertEquals(created.uid, crmEvent(s, id).getString("iCalUid"));
    assertEquals(1, steps().timelineEvents(s.adminToken(), contact).size());

    steps()
        .patchEvent(
            s.org().repToken(),
            id,
            Json.createObjectBuilder()
                .add("subject", "Kickoff (moved)")
                .add("start", EventSyncIT.inDays(2, 10).toString())
                .add("end", EventSyncIT.inDays(2, 11).toString())
                .addNull("location")
                .build());
    sync(s);
    FakeCalendar.Item changed = itemOf(s, id);
    assertEquals(created.id, changed.id, "changed in place");
    assertEquals("Kickoff (moved)", changed.subject);
    assertEquals(EventSyncIT.inDays(2, 10), changed.start);
    assertEquals(EventSyncIT.inDays(2, 11), changed.end);
    assertNull(changed.location, "a cleared field is deleted");
    assertTrue(
        notices(created.id)
            .contains(
                new FakeCalendar.Notice("UpdateItem", created.id, "SendToChangedAndSaveCopy")));
    assertEquals(1, calendar().in(s.rep()).size());

    assertEquals(204, api().delete("/api/events/" + id, s.org().repToken()).status());
    sync(s);
    assertNull(itemOf(s, id));
    assertEquals(0, calendar().in(s.rep()).size());
    assertTrue(
        notices(created.id)
            .contains(new FakeCalendar.Notice("DeleteItem", created.id, "SendToAllAndSaveCopy")));
    JsonObject status = steps().status(s.org().repToken());
    assertTrue(status.getJsonNumber("itemsOut").longValue() >= 3, status.toString());
    assertEquals(0, status.getJsonArray("errors").size(), status.toString());
  }

  @Test
  void meetingsWithCrmPeopleMadeInOutlookAreCreatedChangedAndDeletedInTheCrm() {
    ExchangeSyncOrgs.Setup s = setup();
    String omar = ContactSyncSteps.email("omar");
    String contact = testOrgs.contact(s.orgId(), "Omar", "Haddad", omar);
    Instant start = EventSyncIT.inDays(3, 14);
    FakeCalendar.Item review =
        calendar()
            .addByHand(
                s.rep(),
                "Quarterly review",
                start,
                start.plus(Duration.ofMinutes(30)),
                List.of(omar));
    FakeCalendar.Item lunch =
        calendar()
            .addByHand(
                s.rep(),
                "Lunch",
                start.plus(Duration.ofDays(1)),
                start.plus(Duration.ofDays(1)).plus(Duration.ofHours(1)),
                List.of("friend@elsewhere.example"));
    sync(s);

    List<JsonObject> onOmar = steps().timelineEvents(s.adminToken(), contact);
    assertEquals(1, onOmar.size(), "the meeting with a CRM contact, not the lunch");
    String id = onOmar.get(0).getString("id");
    JsonObject stored = crmEvent(s, id);
    assertEquals("Quarterly review", stored.getString("subject"));
    assertEquals("Agenda: Quarterly review", stored.getString("bodyText"), "read as text");
    assertEquals("Room 7", stored.getString("location"));
    assertEquals(start, Instant.parse(stored.getString("start")));
    assertEquals(review.uid, stored.getString("iCalUid"));

    calendar()
        .editByHand(
            review.id,
            i -> {
              i.subject = "Quarterly review (Q4)";
              i.body = "New agenda";
            });
    sync(s);
    JsonObject changed = crmEvent(s, id);
    assertEquals("Quarterly review (Q4)", changed.getString("subject"));
    assertEquals("New agenda", changed.getString("bodyText"));
    assertEquals(0, writes(s), "nothing written back to Outlook");

    calendar().deleteByHand(review.id);
    sync(s);
    assertNull(crmEvent(s, id), "deleted in Outlook: the paired CRM event goes");
    assertEquals(0, steps().timelineEvents(s.adminToken(), contact).size());
    assertTrue(
        calendar().in(s.rep()).stream().anyMatch(i -> i.id.equals(lunch.id)),
        "the lunch stays in Outlook, out of the CRM");
  }

  @Test
  void allDayEventsStayIsAllDayEventBothWays() {
    ExchangeSyncOrgs.Setup s = setup();
    String ines = ContactSyncSteps.email("ines");
    String contact = testOrgs.contact(s.orgId(), "Ines", "Alves", ines);
    LocalDate first = EventSyncSteps.dayIn(5);
    // Made in Outlook in Paris' Windows zone: two days, midnight to midnight there.
    FakeCalendar.Item fair =
        calendar()
            .addByHand(
                s.rep(),
                "Trade fair",
                EventSyncSteps.parisMidnight(first),
                EventSyncSteps.parisMidnight(first.plusDays(2)),
                List.of(ines));
    calendar()
        .editByHand(
            fair.id,
            i -> {
              i.startTimeZone = "Romance Standard Time";
              i.allDay = true;
            });
    sync(s);

    List<JsonObject> onInes = steps().timelineEvents(s.adminToken(), contact);
    assertEquals(1, onInes.size());
    String fairId = onInes.get(0).getString("id");
    EventSyncSteps.assertAllDay(crmEvent(s, fairId), first, first.plusDays(2));

    steps()
        .patchEvent(
            s.org().repToken(),
            fairId,
            Json.createObjectBuilder().add("subject", "Trade fair (B12)").build());
    sync(s);
    assertEquals("Trade fair (B12)", fair.subject);
    assertTrue(fair.allDay, "still IsAllDayEvent in Outlook");
    // Exchange moves an all-day item's times out to midnights: these were midnights already.
    assertEquals(EventSyncSteps.parisMidnight(first), fair.start);
    assertEquals(EventSyncSteps.parisMidnight(first.plusDays(2)), fair.end);
    assertEquals("Romance Standard Time", fair.startTimeZone);
    EventSyncSteps.assertAllDay(crmEvent(s, fairId), first, first.plusDays(2));

    LocalDate offsiteDay = first.plusDays(7);
    String offsite = createCrmEvent(s, EventSyncSteps.offsite(contact, ines, offsiteDay));
    sync(s);
    FakeCalendar.Item made = itemOf(s, offsite);
    assertNotNull(made, "the CRM's all-day event is in the Exchange calendar");
    assertTrue(made.allDay, "made with IsAllDayEvent");
    assertEquals("Romance Standard Time", made.startTimeZone);
    assertEquals(EventSyncSteps.parisMidnight(offsiteDay), made.start);
    assertEquals(EventSyncSteps.parisMidnight(offsiteDay.plusDays(1)), made.end);
    sync(s);
    EventSyncSteps.assertAllDay(crmEvent(s, offsite), offsiteDay, offsiteDay.plusDays(1));
    assertEquals(2, calendar().in(s.rep()).size(), "nothing doubled");
  }

  @Test
  void threeRoundsWithoutChangesWriteNothingEitherWay() {
    ExchangeSyncOrgs.Setup s = setup();
    String ada = ContactSyncSteps.email("ada");
    String adaId = testOrgs.contact(s.orgId(), "Ada", "Byrne", ada);
    String fromCrm = createCrmEvent(s, EventSyncIT.kickoff(adaId, ada));
    Instant start = EventSyncIT.inDays(4, 9);
    calendar().addByHand(s.rep(), "Demo", start, start.plus(Duration.ofHours(1)), List.of(ada));
    sync(s); // both cross over
    steps()
        .patchEvent(
            s.org().repToken(),
            fromCrm,
            Json.createObjectBuilder().add("subject", "Kickoff (v2)").build());
    sync(s);
    assertEquals("Kickoff (v2)", itemOf(s, fromCrm).subject);
    List<JsonObject> events = steps().timelineEvents(s.adminToken(), adaId);
    assertEquals(2, events.size());
    long writesBefore = writes(s);
    List<String> versions =
        events.stream().map(e -> crmEvent(s, e.getString("id")).toString()).toList();
    JsonObject before = steps().status(s.org().repToken());
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(writesBefore, writes(s), "nothing written in the Calendar");
    assertEquals(
        versions,
        events.stream().map(e -> crmEvent(s, e.getString("id")).toString()).toList(),
        "no CRM write");
    JsonObject after = steps().status(s.org().repToken());
    assertEquals(before.getJsonNumber("itemsIn"), after.getJsonNumber("itemsIn"));
    assertEquals(before.getJsonNumber("itemsOut"), after.getJsonNumber("itemsOut"));
    assertEquals(2, calendar().in(s.rep()).size());
  }

  @Test
  void aStaleChangeKeyWritesNothingAndTheNextRoundKeepsTheLaterWriteAndAuditsTheLoser()
      throws Exception {
    ExchangeSyncOrgs.Setup s = setup();
    String cai = ContactSyncSteps.email("cai");
    String contact = testOrgs.contact(s.orgId(), "Cai", "Lo", cai);
    String id = createCrmEvent(s, EventSyncIT.kickoff(contact, cai));
    sync(s);
    FakeCalendar.Item item = itemOf(s, id);
    steps()
        .patchEvent(
            s.org().repToken(),
            id,
            Json.createObjectBuilder().add("subject", "Kickoff (CRM)").build());
    // The pull finds nothing new; a person changes the subject before the push writes.
    syncJobs.requestEventSync(s.orgId(), s.repId());
    steps().runUntil(OWNER, s.repId());
    Thread.sleep(20);
    calendar().editByHand(item.id, i -> i.subject = "Kickoff (Outlook)");
    int conflictsBefore = calendar().irresolvableConflicts.get();
    steps().drain(OWNER);
    assertEquals(conflictsBefore + 1, calendar().irresolvableConflicts.get());
    assertEquals("Kickoff (Outlook)", itemOf(s, id).subject, "nothing written over it");

    sync(s);
    assertEquals("Kickoff (Outlook)", crmEvent(s, id).getString("subject"), "the later write");
    assertEquals("Kickoff (Outlook)", itemOf(s, id).subject);
    ApiClient.Reply audit =
        api().get("/api/admin/audit?action=sync.event.conflict", s.adminToken());
    assertEquals(200, audit.status(), audit.body());
    List<JsonObject> entries = audit.json().getJsonArray("items").getValuesAs(JsonObject.class);
    assertEquals(1, entries.size(), audit.body());
    assertEquals("mail_won", entries.get(0).getString("outcome"));
    assertEquals(id, entries.get(0).getString("subjectId"));
    assertTrue(entries.get(0).getString("detail").contains("Kickoff (CRM)"), audit.body());
    assertEquals(1, steps().status(s.org().repToken()).getJsonNumber("conflicts").longValue());
  }

  @Test
  void aForgottenSyncStateReadsTheCalendarAgainWithoutDuplicates() {
    ExchangeSyncOrgs.Setup s = setup();
    String eve = ContactSyncSteps.email("eve");
    String contact = testOrgs.contact(s.orgId(), "Eve", "Moss", eve);
    createCrmEvent(s, EventSyncIT.kickoff(contact, eve));
    Instant start = EventSyncIT.inDays(5, 9);
    calendar().addByHand(s.rep(), "Review", start, start.plus(Duration.ofHours(1)), List.of(eve));
    sync(s);
    assertEquals(2, calendar().in(s.rep()).size());
    assertEquals(2, steps().timelineEvents(s.adminToken(), contact).size());

    fake().forgetSyncStates(s.rep());
    long writesBefore = writes(s);
    long syncsBefore = ExchangeSyncOrgs.requests(s, "SyncFolderItems");
    sync(s);
    assertEquals(2, calendar().in(s.rep()).size());
    assertEquals(2, steps().timelineEvents(s.adminToken(), contact).size());
    assertEquals(writesBefore, writes(s));
    JsonObject status = steps().status(s.org().repToken());
    assertEquals(0, status.getJsonArray("errors").size(), status.toString());
    assertTrue(
        ExchangeSyncOrgs.requests(s, "SyncFolderItems") >= syncsBefore + 2,
        "the refused sync state and a full round after it");
  }

  @Test
  void aWeeklySeriesGoesAsEwsRecurrenceAndAnIntervalChangedInOutlookComesBack() {
    ExchangeSyncOrgs.Setup s = setup();
    String sia = ContactSyncSteps.email("series");
    String contact = testOrgs.contact(s.orgId(), "Sia", "Ray", sia);
    JsonObject body =
        Json.createObjectBuilder(EventSyncIT.kickoff(contact, sia))
            .add("subject", "Weekly sync")
            .add("recurrence", "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10")
            .build();
    String id = createCrmEvent(s, body);
    sync(s);
    FakeCalendar.Item series = itemOf(s, id);
    assertNotNull(series);
    RecurrenceType recurrence = series.recurrence;
    assertNotNull(recurrence, "written as EWS's Recurrence");
    assertNotNull(recurrence.getWeeklyRecurrence());
    assertEquals(1, recurrence.getWeeklyRecurrence().getInterval());
    assertEquals(
        List.of(DayOfWeekType.TUESDAY, DayOfWeekType.THURSDAY),
        recurrence.getWeeklyRecurrence().getDaysOfWeek());
    assertNotNull(recurrence.getNumberedRecurrence());
    assertEquals(10, recurrence.getNumberedRecurrence().getNumberOfOccurrences());
    Instant start = Instant.parse(body.getString("start"));
    assertEquals(
        start.atOffset(java.time.ZoneOffset.UTC).toLocalDate().toString(),
        recurrence.getNumberedRecurrence().getStartDate().toXMLFormat().substring(0, 10));

    long writesBefore = writes(s);
    calendar().editByHand(series.id, i -> i.recurrence.getWeeklyRecurrence().setInterval(2));
    sync(s);
    assertEquals(
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=10",
        crmEvent(s, id).getString("recurrence"));
    assertEquals(1, steps().timelineEvents(s.adminToken(), contact).size(), "one CRM event");
    assertEquals(writesBefore, writes(s), "the change from Outlook is not written back");
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(writesBefore, writes(s));
  }

  /** A weekly series on Tuesdays and Thursdays at 09:00 in Paris, from {@code tuesday}. */
  private static JsonObject standup(
      String contact, String address, LocalDate tuesday, JsonArrayBuilder exceptions) {
    Instant first = tuesday.atTime(9, 0).atZone(PARIS).toInstant();
    return Json.createObjectBuilder(EventSyncIT.kickoff(contact, address))
        .add("subject", "Standup")
        .add("start", first.toString())
        .add("end", first.plus(Duration.ofMinutes(30)).toString())
        .add("recurrence", "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10")
        .add("exceptions", exceptions)
        .build();
  }

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static javax.xml.datatype.XMLGregorianCalendar date(LocalDate day) {
    try {
      return javax.xml.datatype.DatatypeFactory.newInstance()
          .newXMLGregorianCalendar(day.toString());
    } catch (javax.xml.datatype.DatatypeConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first Tuesday at least two days ahead, in Paris. */
  private static LocalDate aTuesdaySoon() {
    return LocalDate.now(PARIS).plusDays(2).with(TemporalAdjusters.nextOrSame(DayOfWeek.TUESDAY));
  }

  private static Instant at9(LocalDate day) {
    return day.atTime(9, 0).atZone(PARIS).toInstant();
  }

  private List<FakeCalendar.Notice> occurrenceNotices(String masterId) {
    return calendar().notices.stream().filter(n -> n.itemId().startsWith(masterId + "#")).toList();
  }

  @Test
  void aSeriesWithOneOccurrenceMovedAndOneCancelledGoesToExchange() {
    ExchangeSyncOrgs.Setup s = setup();
    String address = ContactSyncSteps.email("standup");
    String contact = testOrgs.contact(s.orgId(), "Sam", "Oh", address);
    LocalDate tuesday = aTuesdaySoon();
    Instant cancelled = at9(tuesday.plusDays(2)); // occurrence 2, the first Thursday
    Instant moved = at9(tuesday.plusDays(7)); // occurrence 3, the next Tuesday
    String id =
        createCrmEvent(
            s,
            standup(
                contact,
                address,
                tuesday,
                Json.createArrayBuilder()
                    .add(EventSyncSteps.cancelledOccurrence(cancelled))
                    .add(
                        EventSyncSteps.movedOccurrence(
                            moved,
                            moved.plus(Duration.ofHours(2)),
                            moved.plus(Duration.ofMinutes(150))))));
    sync(s);

    FakeCalendar.Item series = itemOf(s, id);
    assertNotNull(series);
    assertEquals("Romance Standard Time", series.startTimeZone);
    assertEquals(java.util.Set.of(2), series.deleted, "the Thursday, by its InstanceIndex");
    assertEquals(
        moved.plus(Duration.ofHours(2)), series.moved.get(3).start(), "the next Tuesday, moved");
    assertEquals(moved.plus(Duration.ofMinutes(150)), series.moved.get(3).end());
    assertEquals(
        List.of(
            new FakeCalendar.Notice("DeleteItem", series.id + "#2", "SendToAllAndSaveCopy"),
            new FakeCalendar.Notice("UpdateItem", series.id + "#3", "SendToChangedAndSaveCopy")),
        occurrenceNotices(series.id),
        "one DeleteItem and one UpdateItem by OccurrenceItemId, the attendees told");
    assertEquals(2, crmEvent(s, id).getJsonArray("exceptions").size());

    long writesBefore = writes(s);
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(writesBefore, writes(s), "Mailbridge's own exception writes do not come back");
    assertEquals(2, occurrenceNotices(series.id).size(), "no exception written twice");

    // A change of the subject in the CRM leaves the exceptions alone (the pattern is not
    // written again, which would drop them in Exchange).
    steps()
        .patchEvent(
            s.org().repToken(),
            id,
            Json.createObjectBuilder().add("subject", "Standup (team)").build());
    sync(s);
    assertEquals("Standup (team)", itemOf(s, id).subject);
    assertEquals(2, occurrenceNotices(series.id).size(), "no exception written again");
    assertEquals(2, crmEvent(s, id).getJsonArray("exceptions").size());

    // Outlook cancels the Thursday after: the CRM's series gains it, nothing goes back.
    long writesAfter = writes(s);
    Instant alsoCancelled = at9(tuesday.plusDays(9));
    calendar().deleteOccurrenceByHand(series.id, 4);
    sync(s);
    List<JsonObject> exceptions =
        crmEvent(s, id).getJsonArray("exceptions").getValuesAs(JsonObject.class);
    assertEquals(3, exceptions.size(), exceptions.toString());
    assertTrue(
        exceptions.stream()
            .anyMatch(
                e ->
                    e.getString("originalStart").equals(alsoCancelled.toString())
                        && e.getBoolean("cancelled", false)),
        exceptions.toString());
    assertEquals(writesAfter, writes(s), "nothing written back");
    assertEquals(1, steps().timelineEvents(s.adminToken(), contact).size(), "one CRM event");
  }

  @Test
  void aSeriesChangedInOutlookBringsItsMovedAndDeletedOccurrencesToTheCrm() {
    ExchangeSyncOrgs.Setup s = setup();
    String address = ContactSyncSteps.email("review");
    String contact = testOrgs.contact(s.orgId(), "Rae", "Lund", address);
    LocalDate tuesday = aTuesdaySoon();
    Instant first = at9(tuesday);
    RecurrenceType weekly = new RecurrenceType();
    WeeklyRecurrencePatternType pattern = new WeeklyRecurrencePatternType();
    pattern.setInterval(1);
    pattern.getDaysOfWeek().add(DayOfWeekType.TUESDAY);
    pattern.setFirstDayOfWeek(DayOfWeekType.MONDAY);
    weekly.setWeeklyRecurrence(pattern);
    NumberedRecurrenceRangeType range = new NumberedRecurrenceRangeType();
    range.setStartDate(date(tuesday));
    range.setNumberOfOccurrences(6);
    weekly.setNumberedRecurrence(range);
    FakeCalendar.Item series =
        calendar()
            .addSeriesByHand(
                s.rep(),
                "Weekly review",
                first,
                first.plus(Duration.ofHours(1)),
                "Romance Standard Time",
                weekly,
                List.of(address));
    Instant movedFrom = at9(tuesday.plusWeeks(1));
    Instant movedTo = movedFrom.plus(Duration.ofDays(1)).plus(Duration.ofHours(5));
    calendar().moveOccurrenceByHand(series.id, 2, movedTo, movedTo.plus(Duration.ofHours(1)));
    calendar().deleteOccurrenceByHand(series.id, 3);
    sync(s);

    List<JsonObject> onRae = steps().timelineEvents(s.adminToken(), contact);
    assertEquals(1, onRae.size(), "the series is one CRM event");
    JsonObject stored = crmEvent(s, onRae.get(0).getString("id"));
    assertEquals("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=6", stored.getString("recurrence"));
    assertEquals("Europe/Paris", stored.getString("timeZone"), "Romance Standard Time");
    List<JsonObject> exceptions = stored.getJsonArray("exceptions").getValuesAs(JsonObject.class);
    assertEquals(2, exceptions.size(), exceptions.toString());
    JsonObject moved =
        exceptions.stream()
            .filter(e -> e.getString("originalStart").equals(movedFrom.toString()))
            .findFirst()
            .orElseThrow(() -> new AssertionError(exceptions.toString()));
    assertEquals(movedTo.toString(), moved.getString("start"));
    assertEquals(movedTo.plus(Duration.ofHours(1)).toString(), moved.getString("end"));
    assertTrue(
        exceptions.stream()
            .anyMatch(
                e ->
                    e.getString("originalStart").equals(at9(tuesday.plusWeeks(2)).toString())
                        && e.getBoolean("cancelled", false)),
        exceptions.toString());
    assertEquals(0, writes(s), "nothing written back to Outlook");
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(0, writes(s), "nor in three more rounds");
  }

  @Test
  void aWeeklySeriesAcrossADaylightSavingChangeKeepsItsLocalTime() {
    ExchangeSyncOrgs.Setup s = setup();
    String address = ContactSyncSteps.email("dst");
    String contact = testOrgs.contact(s.orgId(), "Dag", "Sol", address);
    // Two Tuesdays before Paris' next change of offset (on a Sunday), and two after it.
    Instant change =
        PARIS.getRules().nextTransition(Instant.now().plus(Duration.ofDays(14))).getInstant();
    LocalDate tuesday = change.atZone(PARIS).toLocalDate().minusWeeks(1).with(DayOfWeek.TUESDAY);
    Instant first = at9(tuesday);
    Instant afterChange = at9(tuesday.plusWeeks(2)); // occurrence 3, 09:00 in the other offset
    JsonObject body =
        Json.createObjectBuilder(EventSyncIT.kickoff(contact, address))
            .add("subject", "Weekly planning")
            .add("start", first.toString())
            .add("end", first.plus(Duration.ofHours(1)).toString())
            .add("recurrence", "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4")
            .add(
                "exceptions",
                Json.createArrayBuilder()
                    .add(
                        EventSyncSteps.movedOccurrence(
                            afterChange,
                            afterChange.plus(Duration.ofHours(2)),
                            afterChange.plus(Duration.ofHours(3)))))
            .build();
    String id = createCrmEvent(s, body);
    sync(s);

    FakeCalendar.Item series = itemOf(s, id);
    assertEquals("Romance Standard Time", series.startTimeZone);
    assertEquals(
        tuesday.toString(),
        series.recurrence.getNumberedRecurrence().getStartDate().toXMLFormat().substring(0, 10));
    for (int index = 1; index <= 4; index++) {
      assertEquals(
          LocalTime.of(9, 0),
          series.occurrenceStart(index).atZone(PARIS).toLocalTime(),
          "occurrence " + index + " at 09:00 in Paris, as Outlook shows it");
    }
    assertTrue(
        !first.atZone(PARIS).getOffset().equals(afterChange.atZone(PARIS).getOffset()),
        "the series crosses the change");
    assertEquals(
        afterChange.plus(Duration.ofHours(2)),
        series.moved.get(3).start(),
        "the occurrence after the change is found where the CRM has it");

    long writesBefore = writes(s);
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(writesBefore, writes(s));
    JsonObject stored = crmEvent(s, id);
    assertEquals("Europe/Paris", stored.getString("timeZone"));
    assertEquals(first.toString(), Instant.parse(stored.getString("start")).toString());
    assertEquals(1, stored.getJsonArray("exceptions").size());
  }

  @Test
  void theTimerQueuesEventSyncOfAUserTheExchangeConnectionCovers() throws Exception {
    ExchangeSyncOrgs.Setup s = setup();
    schedule.queueDue(Instant.now());
    assertTrue(
        !raw.strings(
                "SELECT id FROM job WHERE kind = 'sync.events' AND payload = ? AND state = 'READY'",
                s.repId())
            .isEmpty(),
        "a user who connected nothing is found through the org's Exchange connection");
    steps().drain(OWNER);
  }
}
