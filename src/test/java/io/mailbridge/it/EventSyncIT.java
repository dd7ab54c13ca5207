package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.EventSyncSteps.Setup;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.FakeProviders.GraphEvent;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import io.mailbridge.sync.control.SyncJobs;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
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
 * Two-way event sync with the fake Graph in its wire format: CRM events ({@code /api/events})
 * created, changed and deleted in the rep's calendar with their zone, attendees and recurrence;
 * meetings with CRM people made in Outlook created, changed and deleted in the CRM; the same field
 * changed on both sides resolved by the later write and audited; three rounds without changes write
 * nothing; an expired delta reads the calendar again without duplicates; two pumps never sync one
 * user at the same time; an all-day event stays {@code isAllDay} with midnights both ways. The
 * suite's timer pump is off: tests run jobs themselves.
 */
@ExtendWith(ArquillianExtension.class)
class EventSyncIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject SyncJobs syncJobs;
  @Inject io.mailbridge.it.support.RawDatabase raw;

  private static FakeProviders fake() {
    return FakeProviders.get();
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  private Setup setup(String direction) {
    return EventSyncSteps.setup(testOrgs, api(), base(), fake(), "microsoft", "events", direction);
  }

  private ContactSyncSteps steps() {
    return new ContactSyncSteps(this::api, jobs, runner, syncJobs);
  }

  /** Runs the rep's event sync to its end, as the pumps would. */
  private void sync(Setup s) {
    syncJobs.requestEventSync(s.orgId(), s.org().rep().id());
    steps().drain("it-events");
  }

  private EventSyncSteps events() {
    return new EventSyncSteps(this::api, steps());
  }

  static Instant inDays(int days, int hour) {
    return EventSyncSteps.inDays(days, hour);
  }

  private String createCrmEvent(Setup s, JsonObject body) {
    return events().createCrmEvent(s, body);
  }

  private JsonObject crmEvent(Setup s, String id) {
    return events().crmEvent(s, id);
  }

  private void patchCrmEvent(Setup s, String id, JsonObject patch) {
    events().patchCrmEvent(s, id, patch);
  }

  /** The calendar event Mailbridge made for this CRM event, or null. */
  private GraphEvent calendarEventOf(Setup s, String crmId) {
    return fake().graphCalendar(s.account()).stream()
        .filter(
            e -> {
              FakeProviders.GraphEventExtra extra = fake().graphEventExtras.get(e.id());
              return extra != null && crmId.equals(extra.crmId());
            })
        .findFirst()
        .orElse(null);
  }

  private long writes(Setup s) {
    return fake().graphEventRequests.stream()
        .filter(r -> r.endsWith("#" + s.account()))
        .filter(r -> r.startsWith("POST") || r.startsWith("PATCH") || r.startsWith("DELETE"))
        .count();
  }

  private List<JsonObject> timelineEvents(Setup s, String contactId) {
    return events().timelineEvents(s, contactId);
  }

  private GraphEvent meetingInOutlook(Setup s, String subject, List<String> attendees) {
    Instant start = inDays(3, 14);
    return fake()
        .putGraphEvent(
            new GraphEvent(
                0,
                s.account(),
                "AAMkAGOutlook" + UUID.randomUUID().toString().replace("-", ""),
                false,
                "040000008200E00074C5B7101A82E008" + UUID.randomUUID().toString().replace("-", ""),
                subject,
                start,
                start.plus(Duration.ofMinutes(30)),
                "Room 7",
                s.account(),
                attendees,
                "normal",
                false,
                false,
                "Agenda: " + subject,
                List.of()));
  }

  static JsonObject kickoff(String contactId, String attendee) {
    return EventSyncSteps.kickoff(contactId, attendee);
  }

  @Test
  void crmEventsAreCreatedChangedAndDeletedInTheCalendar() {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("nora");
    String contact = testOrgs.contact(s.orgId(), "Nora", "Field", nora);
    JsonObject body = kickoff(contact, nora);
    String id = createCrmEvent(s, body);
    sync(s);

    GraphEvent created = calendarEventOf(s, id);
    assertNotNull(created, "the CRM event is in the rep's calendar, marked with its id");
    assertEquals("Kickoff", created.subject());
    assertEquals(Instant.parse(body.getString("start")), created.start());
    assertEquals(Instant.parse(body.getString("end")), created.end());
    assertEquals("Europe/Paris", fake().graphEventExtras.get(created.id()).timeZone());
    assertEquals("Fabrikam HQ", created.location());
    assertEquals("Scope and plan", created.body());
    assertEquals(List.of(nora), created.attendees());
    assertTrue(
        fake().graphEventRequests.stream()
            .anyMatch(r -> r.startsWith("POST") && r.contains("/me/events")),
        "created with POST /me/events");
    // Capture meets the same activity: it now carries the calendar's iCalendar UID.
    assertEquals(created.iCalUid(), crmEvent(s, id).getString("iCalUid"));
    assertEquals(1, timelineEvents(s, contact).size());

    patchCrmEvent(
        s,
        id,
        Json.createObjectBuilder()
            .add("subject", "Kickoff (moved)")
            .add("start", inDays(2, 10).toString())
            .add("end", inDays(2, 11).toString())
            .build());
    sync(s);
    GraphEvent changed = calendarEventOf(s, id);
    assertEquals(created.id(), changed.id(), "changed in place");
    assertEquals("Kickoff (moved)", changed.subject());
    assertEquals(inDays(2, 10), changed.start());
    assertTrue(
        fake().graphEventRequests.stream()
            .anyMatch(r -> r.startsWith("PATCH") && r.contains(created.id())));
    assertEquals(1, fake().graphCalendar(s.account()).size());

    assertEquals(204, api().delete("/api/events/" + id, s.org().repToken()).status());
    sync(s);
    assertNull(calendarEventOf(s, id));
    assertEquals(0, fake().graphCalendar(s.account()).size());
    JsonObject status = steps().status(s.org().repToken());
    assertTrue(status.getJsonNumber("itemsOut").longValue() >= 3, status.toString());
  }

  @Test
  void aCreateWhoseAnswerWasLostIsPairedByTheNextPullAndNotImported() {
    Setup s = setup("both");
    String lena = ContactSyncSteps.email("lena-event");
    String contact = testOrgs.contact(s.orgId(), "Lena", "Lost", lena);
    String id = createCrmEvent(s, kickoff(contact, lena));
    fake().graphEventAnswersLost.set(1);
    sync(s); // the push fails after Graph made the event; its retry waits
    assertEquals(1, fake().graphCalendar(s.account()).size(), "Graph made the event");

    sync(s);
    sync(s);
    assertEquals(1, fake().graphCalendar(s.account()).size(), "no second event");
    assertEquals(1, timelineEvents(s, contact).size(), "no CRM event made from the marked one");
    GraphEvent made = calendarEventOf(s, id);
    assertEquals(made.iCalUid(), crmEvent(s, id).getString("iCalUid"), "paired as by the create");
    patchCrmEvent(s, id, Json.createObjectBuilder().add("subject", "Kickoff (found)").build());
    sync(s);
    assertEquals("Kickoff (found)", calendarEventOf(s, id).subject(), "the pair is in place");
    assertEquals(made.id(), calendarEventOf(s, id).id());
    assertEquals(1, fake().graphCalendar(s.account()).size());
    assertEquals(1, timelineEvents(s, contact).size());
  }

  @Test
  void aPushRetriedAfterALostAnswerGetsTheFirstEventThroughItsTransactionId() throws Exception {
    Setup s = setup("both");
    String lola = ContactSyncSteps.email("lola-event");
    String contact = testOrgs.contact(s.orgId(), "Lola", "Twice", lola);
    String id = createCrmEvent(s, kickoff(contact, lola));
    fake().graphEventAnswersLost.set(1);
    sync(s);
    raw.update(
        "UPDATE job SET run_at = ? WHERE kind = 'sync.events' AND payload = ? AND state = 'READY'",
        io.mailbridge.platform.base.SqlTime.utc(Instant.now().minusSeconds(1)),
        s.org().rep().id() + "|push");
    assertTrue(steps().drain("it-events") >= 1, "the retried push ran");
    assertEquals(
        2,
        fake().graphEventRequests.stream()
            .filter(r -> r.startsWith("POST") && r.endsWith("#" + s.account()))
            .count(),
        "the create was sent again");
    assertEquals(1, fake().graphCalendar(s.account()).size(), "Graph made no second event");

    sync(s);
    assertEquals(1, fake().graphCalendar(s.account()).size());
    assertEquals(1, timelineEvents(s, contact).size());
    patchCrmEvent(s, id, Json.createObjectBuilder().add("location", "Room 9").build());
    sync(s);
    assertEquals("Room 9", calendarEventOf(s, id).location());
    assertEquals(1, fake().graphCalendar(s.account()).size());
  }

  @Test
  void meetingsWithCrmPeopleMadeInOutlookAreCreatedChangedAndDeletedInTheCrm() {
    Setup s = setup("both");
    String omar = ContactSyncSteps.email("omar");
    String contact = testOrgs.contact(s.orgId(), "Omar", "Haddad", omar);
    GraphEvent review = meetingInOutlook(s, "Quarterly review", List.of(omar));
    GraphEvent lunch = meetingInOutlook(s, "Lunch", List.of("friend@elsewhere.example"));
    sync(s);

    List<JsonObject> onOmar = timelineEvents(s, contact);
    assertEquals(1, onOmar.size(), "the meeting with a CRM contact, not the lunch");
    String id = onOmar.get(0).getString("id");
    assertEquals("Quarterly review", onOmar.get(0).getString("subject"));
    assertEquals(review.iCalUid(), onOmar.get(0).getString("iCalUid"));
    // The meeting with a CRM contact had its mark read; the lunch cost no request of its own.
    assertTrue(
        fake().graphEventRequests.stream()
            .anyMatch(r -> r.startsWith("GET") && r.contains(review.id())),
        fake().graphEventRequests.toString());
    assertTrue(
        fake().graphEventRequests.stream()
            .noneMatch(r -> r.startsWith("GET") && r.contains(lunch.id())),
        fake().graphEventRequests.toString());

    // A change and a new meeting in one delta page: both in the same run.
    fake().putGraphEvent(review.retitled("Quarterly review (Q4)", "New agenda"));
    meetingInOutlook(s, "Follow-up", List.of(omar));
    sync(s);
    JsonObject changed = crmEvent(s, id);
    assertEquals("Quarterly review (Q4)", changed.getString("subject"));
    assertEquals("New agenda", changed.getString("bodyText"));
    assertEquals(2, timelineEvents(s, contact).size(), "updated, and the follow-up added");
    assertEquals(0, writes(s), "nothing written back to Outlook");
    assertNull(calendarEventOf(s, id));

    fake().removeGraphEvent(review);
    sync(s);
    assertNull(crmEvent(s, id), "deleted in Outlook: the paired CRM event goes");
    assertEquals(1, timelineEvents(s, contact).size());
    assertEquals("Follow-up", timelineEvents(s, contact).get(0).getString("subject"));
    assertNotNull(fake().graphEvent(s.account(), lunch.id()));
  }

  @Test
  void allDayEventsStayAllDayBothWays() {
    Setup s = setup("both");
    String ines = ContactSyncSteps.email("ines");
    String contact = testOrgs.contact(s.orgId(), "Ines", "Alves", ines);
    LocalDate first = EventSyncSteps.dayIn(5);
    // Made in Outlook: two days in Paris, which Graph shows as floating midnights.
    String outlookId = "AAMkAGOutlook" + UUID.randomUUID().toString().replace("-", "");
    fake()
        .graphEventExtras
        .put(
            outlookId,
            new FakeProviders.GraphEventExtra(null, "Europe/Paris", null).withAllDay(true));
    fake()
        .putGraphEvent(
            new GraphEvent(
                0,
                s.account(),
                outlookId,
                false,
                "040000008200E00074C5B7101A82E008" + UUID.randomUUID().toString().replace("-", ""),
                "Trade fair",
                EventSyncSteps.parisMidnight(first),
                EventSyncSteps.parisMidnight(first.plusDays(2)),
                "Hall 4",
                s.account(),
                List.of(ines),
                "normal",
                false,
                false,
                "Stand B12",
                List.of()));
    sync(s);

    List<JsonObject> onInes = timelineEvents(s, contact);
    assertEquals(1, onInes.size());
    String fairId = onInes.get(0).getString("id");
    EventSyncSteps.assertAllDay(crmEvent(s, fairId), first, first.plusDays(2));

    patchCrmEvent(s, fairId, Json.createObjectBuilder().add("subject", "Trade fair (B12)").build());
    sync(s);
    GraphEvent fair = fake().graphEvent(s.account(), outlookId);
    assertEquals("Trade fair (B12)", fair.subject());
    assertTrue(fake().graphEventExtras.get(outlookId).allDay(), "still isAllDay in Outlook");
    // The fake refuses an all-day write whose times are not midnights: these came as midnights.
    assertEquals(EventSyncSteps.parisMidnight(first), fair.start());
    assertEquals(EventSyncSteps.parisMidnight(first.plusDays(2)), fair.end());
    assertEquals("Europe/Paris", fake().graphEventExtras.get(outlookId).timeZone());
    EventSyncSteps.assertAllDay(crmEvent(s, fairId), first, first.plusDays(2));

    LocalDate offsiteDay = first.plusDays(7);
    String offsite = createCrmEvent(s, EventSyncSteps.offsite(contact, ines, offsiteDay));
    EventSyncSteps.assertAllDay(crmEvent(s, offsite), offsiteDay, offsiteDay.plusDays(1));
    sync(s);
    GraphEvent made = calendarEventOf(s, offsite);
    assertNotNull(made, "the CRM's all-day event is in the calendar");
    assertTrue(fake().graphEventExtras.get(made.id()).allDay(), "as isAllDay");
    assertEquals(EventSyncSteps.parisMidnight(offsiteDay), made.start());
    assertEquals(EventSyncSteps.parisMidnight(offsiteDay.plusDays(1)), made.end());
    sync(s);
    EventSyncSteps.assertAllDay(crmEvent(s, offsite), offsiteDay, offsiteDay.plusDays(1));
    assertEquals(2, fake().graphCalendar(s.account()).size(), "nothing doubled");

    events().assertMalformedAllDayRefused(s);
  }

  @Test
  void aSeriesGoesToTheCalendarAsGraphsPatternedRecurrenceAndComesBackAsOne() {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("series");
    String contact = testOrgs.contact(s.orgId(), "Sia", "Ray", nora);
    JsonObject body =
        Json.createObjectBuilder(kickoff(contact, nora))
            .add("subject", "Weekly sync")
            .add("recurrence", "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10")
            .build();
    String id = createCrmEvent(s, body);
    sync(s);
    GraphEvent series = calendarEventOf(s, id);
    assertNotNull(series);
    JsonObject recurrence = fake().graphEventExtras.get(series.id()).recurrence();
    JsonObject pattern = recurrence.getJsonObject("pattern");
    assertEquals("weekly", pattern.getString("type"));
    assertEquals(1, pattern.getInt("interval"));
    assertEquals(
        List.of("tuesday", "thursday"),
        pattern.getJsonArray("daysOfWeek").getValuesAs(jakarta.json.JsonString.class).stream()
            .map(jakarta.json.JsonString::getString)
            .toList());
    JsonObject range = recurrence.getJsonObject("range");
    assertEquals("numbered", range.getString("type"));
    assertEquals(10, range.getInt("numberOfOccurrences"));
    assertEquals(
        Instant.parse(body.getString("start"))
            .atZone(java.time.ZoneId.of("Europe/Paris"))
            .toLocalDate()
            .toString(),
        range.getString("startDate"));
    assertEquals("Europe/Paris", range.getString("recurrenceTimeZone"));

    // Outlook makes the series two-weekly: calendarView shows an occurrence; its master is read.
    long writesBefore = writes(s);
    GraphEvent current = fake().graphEvent(s.account(), series.id());
    JsonObject twoWeekly =
        Json.createObjectBuilder(recurrence)
            .add("pattern", Json.createObjectBuilder(pattern).add("interval", 2))
            .build();
    fake()
        .graphEventExtras
        .put(series.id(), fake().graphEventExtras.get(series.id()).with("Europe/Paris", twoWeekly));
    fake().putGraphEvent(current.retitled(current.subject(), current.body()));
    sync(s);
    assertEquals(
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=10",
        crmEvent(s, id).getString("recurrence"));
    assertEquals(1, timelineEvents(s, contact).size(), "the series is one CRM event");
    assertEquals(writesBefore, writes(s));
    assertTrue(
        fake().graphEventRequests.stream()
            .anyMatch(r -> r.startsWith("GET") && r.contains("/me/events/" + series.id())),
        "the series master is read");
  }

  @Test
  void aSeriesWithOneOccurrenceMovedAndOneCancelledSyncsBothWays() {
    Setup s = setup("both");
    String address = ContactSyncSteps.email("standup");
    String contact = testOrgs.contact(s.orgId(), "Sam", "Oh", address);
    java.time.ZoneId paris = java.time.ZoneId.of("Europe/Paris");
    java.time.LocalDate tuesday =
        java.time.LocalDate.now(paris)
            .plusDays(2)
            .with(java.time.temporal.TemporalAdjusters.nextOrSame(java.time.DayOfWeek.TUESDAY));
    Instant first = tuesday.atTime(9, 0).atZone(paris).toInstant();
    java.time.LocalDate thursday = tuesday.plusDays(2);
    java.time.LocalDate nextTuesday = tuesday.plusDays(7);
    java.time.LocalDate nextThursday = tuesday.plusDays(9);
    Instant cancelled = thursday.atTime(9, 0).atZone(paris).toInstant();
    Instant moved = nextTuesday.atTime(9, 0).atZone(paris).toInstant();
    JsonObject body =
        Json.createObjectBuilder(kickoff(contact, address))
            .add("subject", "Standup")
            .add("start", first.toString())
            .add("end", first.plus(Duration.ofMinutes(30)).toString())
            .add("recurrence", "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10")
            .add(
                "exceptions",
                Json.createArrayBuilder()
                    .add(
                        Json.createObjectBuilder()
                            .add("originalStart", cancelled.toString())
                            .add("cancelled", true))
                    .add(
                        Json.createObjectBuilder()
                            .add("originalStart", moved.toString())
                            .add("start", moved.plus(Duration.ofHours(2)).toString())
                            .add("end", moved.plus(Duration.ofMinutes(150)).toString())))
            .build();
    String id = createCrmEvent(s, body);
    sync(s);

    GraphEvent series = calendarEventOf(s, id);
    assertNotNull(series);
    FakeProviders.GraphEventExtra extra = fake().graphEventExtras.get(series.id());
    assertEquals(java.util.Set.of(thursday.toString()), extra.cancelled());
    assertEquals(
        List.of(moved.plus(Duration.ofHours(2)), moved.plus(Duration.ofMinutes(150))),
        extra.moved().get(nextTuesday.toString()));
    assertTrue(
        fake().graphEventRequests.stream()
            .anyMatch(r -> r.startsWith("DELETE") && r.contains("_occurrence_" + thursday)),
        "the cancelled occurrence is deleted");
    assertTrue(
        fake().graphEventRequests.stream()
            .anyMatch(r -> r.startsWith("PATCH") && r.contains("_occurrence_" + nextTuesday)),
        "the moved occurrence is patched");
    assertEquals(2, crmEvent(s, id).getJsonArray("exceptions").size());

    long writesBefore = writes(s);
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(writesBefore, writes(s), "Mailbridge's own exception writes do not come back");

    // Outlook cancels the occurrence of the Thursday after: the CRM's series gains it.
    extra.cancelled().add(nextThursday.toString());
    GraphEvent current = fake().graphEvent(s.account(), series.id());
    fake().putGraphEvent(current.retitled(current.subject(), current.body()));
    sync(s);
    List<JsonObject> exceptions =
        crmEvent(s, id).getJsonArray("exceptions").getValuesAs(JsonObject.class);
    assertEquals(3, exceptions.size(), exceptions.toString());
    Instant alsoCancelled = nextThursday.atTime(9, 0).atZone(paris).toInstant();
    assertTrue(
        exceptions.stream()
            .anyMatch(
                e ->
                    e.getString("originalStart").equals(alsoCancelled.toString())
                        && e.getBoolean("cancelled", false)),
        exceptions.toString());
    assertEquals(writesBefore, writes(s), "nothing written back");
    assertEquals(1, timelineEvents(s, contact).size(), "one CRM event for the series");
  }

  @Test
  void theSameFieldChangedOnBothSidesKeepsTheLaterWriteAndAuditsTheLoser() throws Exception {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("conflict");
    String contact = testOrgs.contact(s.orgId(), "Cai", "Lo", nora);
    String id = createCrmEvent(s, kickoff(contact, nora));
    sync(s);
    GraphEvent inOutlook = calendarEventOf(s, id);

    // The subject: Outlook first, the CRM later: the CRM's wins and is written to Outlook.
    inOutlook = fake().putGraphEvent(inOutlook.retitled("Kickoff (Outlook)", inOutlook.body()));
    Thread.sleep(20);
    patchCrmEvent(s, id, Json.createObjectBuilder().add("subject", "Kickoff (CRM)").build());
    sync(s);
    assertEquals("Kickoff (CRM)", crmEvent(s, id).getString("subject"));
    assertEquals("Kickoff (CRM)", calendarEventOf(s, id).subject());

    // The location: the CRM first, Outlook later: Outlook's wins and is written to the CRM.
    patchCrmEvent(s, id, Json.createObjectBuilder().add("location", "Room CRM").build());
    Thread.sleep(20);
    GraphEvent now = calendarEventOf(s, id);
    fake()
        .putGraphEvent(
            new GraphEvent(
                0,
                now.account(),
                now.id(),
                false,
                now.iCalUid(),
                now.subject(),
                now.start(),
                now.end(),
                "Room Outlook",
                now.organizer(),
                now.attendees(),
                now.sensitivity(),
                now.cancelled(),
                now.online(),
                now.body(),
                now.categories()));
    sync(s);
    assertEquals("Room Outlook", crmEvent(s, id).getString("location"));
    assertEquals("Room Outlook", calendarEventOf(s, id).location());

    ApiClient.Reply audit =
        api().get("/api/admin/audit?action=sync.event.conflict", s.org().adminToken());
    assertEquals(200, audit.status(), audit.body());
    List<JsonObject> entries = audit.json().getJsonArray("items").getValuesAs(JsonObject.class);
    assertEquals(2, entries.size(), audit.body());
    JsonObject crmWon =
        entries.stream().filter(e -> e.getString("outcome").equals("crm_won")).findFirst().get();
    assertEquals(id, crmWon.getString("subjectId"));
    assertTrue(crmWon.getString("detail").contains("Kickoff (Outlook)"), crmWon.toString());
    JsonObject mailWon =
        entries.stream().filter(e -> e.getString("outcome").equals("mail_won")).findFirst().get();
    assertTrue(mailWon.getString("detail").contains("Room CRM"), mailWon.toString());
    assertEquals(2, steps().status(s.org().repToken()).getJsonNumber("conflicts").longValue());
  }

  @Test
  void threeRoundsWithoutChangesWriteNothingEitherWay() {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("loop");
    String contact = testOrgs.contact(s.orgId(), "Lia", "Moe", nora);
    String fromCrm = createCrmEvent(s, kickoff(contact, nora));
    GraphEvent fromOutlook = meetingInOutlook(s, "Demo", List.of(nora));
    sync(s);
    patchCrmEvent(s, fromCrm, Json.createObjectBuilder().add("subject", "Kickoff v2").build());
    fake().putGraphEvent(fromOutlook.retitled("Demo v2", "Slides"));
    sync(s); // both changes cross over and come back once
    assertEquals(2, timelineEvents(s, contact).size());
    long writesBefore = writes(s);
    JsonObject statusBefore = steps().status(s.org().repToken());
    String fromCrmBefore = crmEvent(s, fromCrm).getString("modifiedAt");
    String fromOutlookId =
        timelineEvents(s, contact).stream()
            .filter(e -> e.getString("subject").equals("Demo v2"))
            .findFirst()
            .orElseThrow()
            .getString("id");
    String fromOutlookBefore = crmEvent(s, fromOutlookId).getString("modifiedAt");
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(writesBefore, writes(s), "no event written in the calendar");
    assertEquals(fromCrmBefore, crmEvent(s, fromCrm).getString("modifiedAt"), "no CRM write");
    assertEquals(fromOutlookBefore, crmEvent(s, fromOutlookId).getString("modifiedAt"));
    JsonObject statusAfter = steps().status(s.org().repToken());
    assertEquals(statusBefore.getJsonNumber("itemsIn"), statusAfter.getJsonNumber("itemsIn"));
    assertEquals(statusBefore.getJsonNumber("itemsOut"), statusAfter.getJsonNumber("itemsOut"));
    assertEquals(2, fake().graphCalendar(s.account()).size());
  }

  @Test
  void anExpiredDeltaReadsTheCalendarAgainWithoutDuplicates() {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("expired");
    String contact = testOrgs.contact(s.orgId(), "Eda", "Kim", nora);
    createCrmEvent(s, kickoff(contact, nora));
    meetingInOutlook(s, "Planning", List.of(nora));
    sync(s);
    assertEquals(2, timelineEvents(s, contact).size());
    assertEquals(2, fake().graphCalendar(s.account()).size());

    fake().expireGraphCalendarTokens();
    long writesBefore = writes(s);
    sync(s);
    assertEquals(2, timelineEvents(s, contact).size());
    assertEquals(2, fake().graphCalendar(s.account()).size());
    assertEquals(writesBefore, writes(s));
    assertEquals(
        0,
        steps().status(s.org().repToken()).getJsonArray("errors").size(),
        steps().status(s.org().repToken()).toString());
  }

  @Test
  void twoPumpsNeverSyncOneUserAtTheSameTime() throws Exception {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("pumps");
    String contact = testOrgs.contact(s.orgId(), "Pam", "Ng", nora);
    createCrmEvent(s, kickoff(contact, nora));
    ManagedExecutorService executor =
        (ManagedExecutorService)
            new InitialContext().lookup("java:comp/DefaultManagedExecutorService");
    CountDownLatch arrived = new CountDownLatch(1);
    fake().holdCalendarDelta(arrived);
    Future<Integer> first;
    String second;
    try {
      syncJobs.requestEventSync(s.orgId(), s.org().rep().id());
      first = executor.submit(() -> steps().drain("it-events-a"));
      assertTrue(arrived.await(60, TimeUnit.SECONDS), "the first pump reads the calendar");
      second = jobs.enqueue(NewJob.of(SyncJobs.EVENTS, s.orgId(), s.org().rep().id()));
      assertEquals(1, steps().drain("it-events-b"));
      assertEquals("READY", jobs.find(second).orElseThrow().state().name(), "put off");
    } finally {
      fake().releaseCalendarDelta();
    }
    first.get(60, TimeUnit.SECONDS);
    assertEquals(1, fake().graphCalendar(s.account()).size(), "created once");
  }

  @Test
  void theEventsApiRefusesBadBodiesAndOtherOrgsEvents() {
    Setup s = setup("off");
    String token = s.org().repToken();
    for (String bad :
        List.of(
            "null",
            "[]",
            "\"x\"",
            "42",
            "{\"subject\":\"x\"}",
            "{\"subject\":\"x\",\"start\":\"2026-12-01T09:00:00Z\",\"end\":\"2026-12-01T08:00:00Z\"}",
            "{\"subject\":\"x\",\"start\":\"tomorrow\",\"end\":\"2026-12-01T08:00:00Z\"}",
            "{\"subject\":\"x\",\"start\":\"2026-12-01T09:00:00Z\",\"end\":\"2026-12-01T10:00:00Z\","
                + "\"recurrence\":\"RRULE:FREQ=HOURLY\"}",
            "{\"subject\":\"x\",\"start\":\"2026-12-01T09:00:00Z\",\"end\":\"2026-12-01T10:00:00Z\","
                + "\"timeZone\":\"Mars/Olympus\"}",
            "{\"subject\":\"x\",\"start\":\"2026-12-01T09:00:00Z\",\"end\":\"2026-12-01T10:00:00Z\","
                + "\"attendees\":[\"a@b.example\"]}",
            "{\"subject\":\"x\",\"colour\":\"red\"}",
            "{\"subject\":{\"a\":{\"b\":[[[[1]]]]}}}",
            "{\"subject\":\"x\"} trailing")) {
      ApiClient.Reply reply = api().post("/api/events", token, bad);
      assertEquals(400, reply.status(), bad + " -> " + reply.body());
      assertNotNull(reply.json().getString("error", null), reply.body());
    }
    String id =
        createCrmEvent(
            s,
            Json.createObjectBuilder()
                .add("subject", "Solo")
                .add("start", "2026-12-01T09:00:00Z")
                .add("end", "2026-12-01T10:00:00Z")
                .build());
    TestOrgs.SignedInOrg other = testOrgs.signedIn("events-other", api());
    assertEquals(404, api().get("/api/events/" + id, other.adminToken()).status());
    assertEquals(
        404, api().patch("/api/events/" + id, other.adminToken(), "{\"subject\":\"y\"}").status());
    assertEquals(404, api().delete("/api/events/" + id, other.adminToken()).status());
    assertFalse(crmEvent(s, id).isNull("subject"));
  }
}
