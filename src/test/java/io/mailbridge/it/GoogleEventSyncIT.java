package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.EventSyncSteps.Setup;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.FakeProviders.GoogleEvent;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.sync.control.SyncJobs;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two-way event sync with a Google account's primary calendar, against the fake Calendar API in
 * Google's wire format: CRM events inserted with the CRM id in a private extended property, patched
 * with {@code If-Match} and deleted after the mark is read back; meetings with CRM people made in
 * Google created, changed and deleted in the CRM; a weekly series written as an RRULE with one
 * occurrence cancelled and one moved on its instances, and an occurrence cancelled in Google
 * reaching the CRM; the same field changed on both sides resolved by the later write and audited;
 * three rounds without changes write nothing; an expired sync token (410) reads the window again
 * without duplicates; an all-day event stays date-only both ways. The suite's timer pump is off:
 * tests run jobs themselves.
 */
@ExtendWith(ArquillianExtension.class)
class GoogleEventSyncIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  private static final String CRM_ID_KEY = "MailbridgeCrmId";

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

  private ContactSyncSteps steps() {
    return new ContactSyncSteps(this::api, jobs, runner, syncJobs);
  }

  private EventSyncSteps events() {
    return new EventSyncSteps(this::api, steps());
  }

  private Setup setup(String direction) {
    return EventSyncSteps.setup(testOrgs, api(), base(), fake(), "google", "gevents", direction);
  }

  /** Runs the rep's event sync to its end, as the pumps would. */
  private void sync(Setup s) {
    syncJobs.requestEventSync(s.orgId(), s.org().rep().id());
    steps().drain("it-gevents");
  }

  /** The Google event Mailbridge made for this CRM event (its private mark), or null. */
  private GoogleEvent googleEventOf(Setup s, String crmId) {
    return fake().googleCalendar(s.account()).stream()
        .filter(
            e -> {
              FakeProviders.GoogleEventExtra extra = fake().googleEventExtras.get(e.id());
              return extra != null && crmId.equals(extra.privateProperties().get(CRM_ID_KEY));
            })
        .findFirst()
        .orElse(null);
  }

  private List<String> requests(Setup s) {
    String account = "#" + s.account().toLowerCase(java.util.Locale.ROOT);
    return fake().googleEventRequests.stream().filter(r -> r.contains(account)).toList();
  }

  private long writes(Setup s) {
    return requests(s).stream()
        .filter(r -> r.startsWith("POST") || r.startsWith("PATCH") || r.startsWith("DELETE"))
        .count();
  }

  private GoogleEvent meetingInGoogle(Setup s, String subject, List<String> attendees) {
    return fake()
        .putGoogleMeeting(s.account(), subject, EventSyncSteps.inDays(3, 14), attendees, "default");
  }

  @Test
  void crmEventsAreInsertedPatchedAndDeletedInGoogle() {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("nora");
    String contact = testOrgs.contact(s.orgId(), "Nora", "Field", nora);
    JsonObject body = EventSyncSteps.kickoff(contact, nora);
    String id = events().createCrmEvent(s, body);
    sync(s);

    GoogleEvent created = googleEventOf(s, id);
    assertNotNull(created, "the CRM event is in the rep's calendar, marked with its id");
    assertEquals("Kickoff", created.summary());
    assertEquals(Instant.parse(body.getString("start")), created.start());
    assertEquals(Instant.parse(body.getString("end")), created.end());
    assertEquals("Europe/Paris", fake().googleEventExtras.get(created.id()).timeZone());
    assertEquals("Fabrikam HQ", created.location());
    assertEquals("Scope and plan", created.description());
    assertEquals(List.of(nora), created.attendees());
    assertTrue(
        requests(s).stream()
            .anyMatch(r -> r.startsWith("POST /google/calendar/v3/calendars/primary/events")),
        requests(s).toString());
    assertEquals(created.iCalUid(), events().crmEvent(s, id).getString("iCalUid"));
    assertEquals(1, events().timelineEvents(s, contact).size());

    events()
        .patchCrmEvent(
            s,
            id,
            Json.createObjectBuilder()
                .add("subject", "Kickoff (moved)")
                .add("start", EventSyncSteps.inDays(2, 10).toString())
                .add("end", EventSyncSteps.inDays(2, 11).toString())
                .build());
    sync(s);
    GoogleEvent changed = googleEventOf(s, id);
    assertEquals(created.id(), changed.id(), "changed in place");
    assertEquals("Kickoff (moved)", changed.summary());
    assertEquals(EventSyncSteps.inDays(2, 10), changed.start());
    assertTrue(
        requests(s).stream()
            .anyMatch(
                r -> r.startsWith("PATCH") && r.contains(created.id()) && r.contains("If-Match: ")),
        "patched with the etag Mailbridge saw: " + requests(s));
    assertEquals(1, fake().googleCalendar(s.account()).size());

    assertEquals(204, api().delete("/api/events/" + id, s.org().repToken()).status());
    sync(s);
    assertNull(googleEventOf(s, id));
    assertEquals(0, fake().googleCalendar(s.account()).size());
    assertTrue(
        requests(s).stream().anyMatch(r -> r.startsWith("DELETE") && r.contains(created.id())));
    assertTrue(events().status(s).getJsonNumber("itemsOut").longValue() >= 3);
  }

  @Test
  void allDayEventsStayDateOnlyBothWays() {
    Setup s = setup("both");
    String ines = ContactSyncSteps.email("ines");
    String contact = testOrgs.contact(s.orgId(), "Ines", "Alves", ines);
    LocalDate first = EventSyncSteps.dayIn(5);
    // Made in Google: two days, date-only with no zone of its own (the calendar's is UTC).
    String googleId = java.util.UUID.randomUUID().toString().replace("-", "");
    fake()
        .googleEventExtras
        .put(googleId, new FakeProviders.GoogleEventExtra(Map.of(), null, List.of(), true));
    fake()
        .putGoogleEvent(
            new GoogleEvent(
                0,
                s.account(),
                googleId,
                false,
                false,
                googleId + "@google.com",
                "Trade fair",
                first.atStartOfDay(ZoneOffset.UTC).toInstant(),
                first.plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant(),
                "Hall 4",
                s.account(),
                List.of(ines),
                "default",
                false,
                "Stand B12"));
    sync(s);

    List<JsonObject> onInes = events().timelineEvents(s, contact);
    assertEquals(1, onInes.size());
    String fairId = onInes.get(0).getString("id");
    EventSyncSteps.assertAllDay(
        events().crmEvent(s, fairId), first, first.plusDays(2), ZoneOffset.UTC);

    events()
        .patchCrmEvent(
            s, fairId, Json.createObjectBuilder().add("subject", "Trade fair (B12)").build());
    sync(s);
    GoogleEvent fair = fake().googleEvent(s.account(), googleId);
    assertEquals("Trade fair (B12)", fair.summary());
    assertTrue(
        fake().googleEventExtras.get(googleId).allDay(),
        "patched with start.date and end.date: still date-only");
    assertEquals(first.atStartOfDay(ZoneOffset.UTC).toInstant(), fair.start());
    assertEquals(first.plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant(), fair.end());
    EventSyncSteps.assertAllDay(
        events().crmEvent(s, fairId), first, first.plusDays(2), ZoneOffset.UTC);

    LocalDate offsiteDay = first.plusDays(7);
    String offsite = events().createCrmEvent(s, EventSyncSteps.offsite(contact, ines, offsiteDay));
    sync(s);
    GoogleEvent made = googleEventOf(s, offsite);
    assertNotNull(made, "the CRM's all-day event is in Google");
    FakeProviders.GoogleEventExtra madeExtra = fake().googleEventExtras.get(made.id());
    assertTrue(madeExtra.allDay(), "inserted date-only");
    assertEquals("Europe/Paris", madeExtra.timeZone());
    assertEquals(EventSyncSteps.parisMidnight(offsiteDay), made.start());
    assertEquals(EventSyncSteps.parisMidnight(offsiteDay.plusDays(1)), made.end());
    sync(s);
    EventSyncSteps.assertAllDay(events().crmEvent(s, offsite), offsiteDay, offsiteDay.plusDays(1));
    assertEquals(2, fake().googleCalendar(s.account()).size(), "nothing doubled");
  }

  @Test
  void anInsertWhoseAnswerWasLostIsPairedByTheNextPullAndNotImported() {
    Setup s = setup("both");
    String lena = ContactSyncSteps.email("g-lena-event");
    String contact = testOrgs.contact(s.orgId(), "Lena", "Lost", lena);
    String id = events().createCrmEvent(s, EventSyncSteps.kickoff(contact, lena));
    fake().googleEventAnswersLost.set(1);
    sync(s); // the push fails after Google made the event; its retry waits
    assertEquals(1, fake().googleCalendar(s.account()).size(), "Google made the event");

    sync(s);
    sync(s);
    assertEquals(1, fake().googleCalendar(s.account()).size(), "no second event");
    assertEquals(1, events().timelineEvents(s, contact).size(), "no CRM event from the marked one");
    events().patchCrmEvent(s, id, Json.createObjectBuilder().add("subject", "Found").build());
    sync(s);
    assertEquals("Found", googleEventOf(s, id).summary(), "the pair is in place");
    assertEquals(1, fake().googleCalendar(s.account()).size());
    assertEquals(1, events().timelineEvents(s, contact).size());
  }

  @Test
  void aRetriedInsertIsRefusedAsADuplicateAndTheFirstEventIsRead() throws Exception {
    Setup s = setup("both");
    String lola = ContactSyncSteps.email("g-lola-event");
    String contact = testOrgs.contact(s.orgId(), "Lola", "Twice", lola);
    String id = events().createCrmEvent(s, EventSyncSteps.kickoff(contact, lola));
    fake().googleEventAnswersLost.set(1);
    sync(s);
    raw.update(
        "UPDATE job SET run_at = ? WHERE kind = 'sync.events' AND payload = ? AND state = 'READY'",
        io.mailbridge.platform.base.SqlTime.utc(Instant.now().minusSeconds(1)),
        s.org().rep().id() + "|push");
    assertTrue(steps().drain("it-gevents") >= 1, "the retried push ran");
    assertEquals(
        2,
        requests(s).stream()
            .filter(r -> r.startsWith("POST /google/calendar/v3/calendars/primary/events"))
            .count(),
        "the insert was sent again: " + requests(s));
    assertEquals(1, fake().googleCalendar(s.account()).size(), "Google made no second event");

    sync(s);
    events().patchCrmEvent(s, id, Json.createObjectBuilder().add("location", "Room 9").build());
    sync(s);
    assertEquals("Room 9", googleEventOf(s, id).location());
    assertEquals(1, fake().googleCalendar(s.account()).size());
    assertEquals(1, events().timelineEvents(s, contact).size());
  }

  @Test
  void meetingsWithCrmPeopleMadeInGoogleAreCreatedChangedAndDeletedInTheCrm() {
    Setup s = setup("both");
    String omar = ContactSyncSteps.email("omar");
    String contact = testOrgs.contact(s.orgId(), "Omar", "Haddad", omar);
    GoogleEvent review = meetingInGoogle(s, "Quarterly review", List.of(omar));
    GoogleEvent lunch = meetingInGoogle(s, "Lunch", List.of("friend@elsewhere.example"));
    sync(s);

    List<JsonObject> onOmar = events().timelineEvents(s, contact);
    assertEquals(1, onOmar.size(), "the meeting with a CRM contact, not the lunch");
    String id = onOmar.get(0).getString("id");
    assertEquals("Quarterly review", onOmar.get(0).getString("subject"));
    assertEquals(review.iCalUid(), onOmar.get(0).getString("iCalUid"));

    fake().putGoogleEvent(review.edited("Quarterly review (Q4)", "Room 9", "New agenda"));
    meetingInGoogle(s, "Follow-up", List.of(omar));
    sync(s);
    JsonObject changed = events().crmEvent(s, id);
    assertEquals("Quarterly review (Q4)", changed.getString("subject"));
    assertEquals("New agenda", changed.getString("bodyText"));
    assertEquals("Room 9", changed.getString("location"));
    assertEquals(2, events().timelineEvents(s, contact).size());
    assertEquals(0, writes(s), "nothing written back to Google");

    fake().putGoogleEvent(fake().googleEvent(s.account(), review.id()).deletedNow());
    sync(s);
    assertNull(events().crmEvent(s, id), "deleted in Google: the paired CRM event goes");
    assertEquals(1, events().timelineEvents(s, contact).size());
    assertNotNull(fake().googleEvent(s.account(), lunch.id()));
  }

  @Test
  void aSeriesWithOneOccurrenceMovedAndOneCancelledSyncsBothWays() {
    Setup s = setup("both");
    String address = ContactSyncSteps.email("standup");
    String contact = testOrgs.contact(s.orgId(), "Sam", "Oh", address);
    ZoneId paris = ZoneId.of("Europe/Paris");
    LocalDate tuesday =
        LocalDate.now(paris).plusDays(2).with(TemporalAdjusters.nextOrSame(DayOfWeek.TUESDAY));
    Instant first = tuesday.atTime(9, 0).atZone(paris).toInstant();
    Instant cancelled = tuesday.plusDays(2).atTime(9, 0).atZone(paris).toInstant();
    Instant moved = tuesday.plusDays(7).atTime(9, 0).atZone(paris).toInstant();
    Instant alsoCancelled = tuesday.plusDays(9).atTime(9, 0).atZone(paris).toInstant();
    JsonObject body =
        Json.createObjectBuilder(EventSyncSteps.kickoff(contact, address))
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
    String id = events().createCrmEvent(s, body);
    sync(s);

    GoogleEvent series = googleEventOf(s, id);
    assertNotNull(series);
    FakeProviders.GoogleEventExtra extra = fake().googleEventExtras.get(series.id());
    assertEquals(List.of("RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10"), extra.recurrence());
    assertEquals("Europe/Paris", extra.timeZone());
    Map<Instant, GoogleEvent> exceptions =
        fake().googleExceptions(s.account(), series.id()).stream()
            .collect(java.util.stream.Collectors.toMap(GoogleEvent::originalStart, e -> e));
    assertEquals(2, exceptions.size(), exceptions.toString());
    assertTrue(exceptions.get(cancelled).cancelled(), "the occurrence is cancelled");
    assertEquals(moved.plus(Duration.ofHours(2)), exceptions.get(moved).start());
    assertEquals(moved.plus(Duration.ofMinutes(150)), exceptions.get(moved).end());
    assertFalse(exceptions.get(moved).cancelled());
    assertTrue(
        requests(s).stream()
            .anyMatch(r -> r.startsWith("GET") && r.contains("/instances?originalStart=")),
        "instances found by their original start: " + requests(s));
    assertEquals(2, events().crmEvent(s, id).getJsonArray("exceptions").size());

    long writesBefore = writes(s);
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(writesBefore, writes(s), "Mailbridge's own exception writes do not come back");

    // Google cancels the occurrence of the Thursday after: the CRM's series gains it.
    fake().cancelGoogleOccurrence(s.account(), series.id(), alsoCancelled);
    sync(s);
    List<JsonObject> crmExceptions =
        events().crmEvent(s, id).getJsonArray("exceptions").getValuesAs(JsonObject.class);
    assertEquals(3, crmExceptions.size(), crmExceptions.toString());
    assertTrue(
        crmExceptions.stream()
            .anyMatch(
                e ->
                    e.getString("originalStart").equals(alsoCancelled.toString())
                        && e.getBoolean("cancelled", false)),
        crmExceptions.toString());
    assertEquals(writesBefore, writes(s), "nothing written back");
    assertEquals(1, events().timelineEvents(s, contact).size(), "one CRM event for the series");
  }

  @Test
  void theSameFieldChangedOnBothSidesKeepsTheLaterWriteAndAuditsTheLoser() throws Exception {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("conflict");
    String contact = testOrgs.contact(s.orgId(), "Cai", "Lo", nora);
    String id = events().createCrmEvent(s, EventSyncSteps.kickoff(contact, nora));
    sync(s);
    GoogleEvent inGoogle = googleEventOf(s, id);

    // The subject: Google first, the CRM later: the CRM's wins and is written to Google.
    fake()
        .putGoogleEvent(
            inGoogle.edited("Kickoff (Google)", inGoogle.location(), inGoogle.description()));
    Thread.sleep(20);
    events()
        .patchCrmEvent(s, id, Json.createObjectBuilder().add("subject", "Kickoff (CRM)").build());
    sync(s);
    assertEquals("Kickoff (CRM)", events().crmEvent(s, id).getString("subject"));
    assertEquals("Kickoff (CRM)", googleEventOf(s, id).summary());

    // The location: the CRM first, Google later: Google's wins and is written to the CRM.
    events().patchCrmEvent(s, id, Json.createObjectBuilder().add("location", "Room CRM").build());
    Thread.sleep(20);
    GoogleEvent now = googleEventOf(s, id);
    fake().putGoogleEvent(now.edited(now.summary(), "Room Google", now.description()));
    sync(s);
    assertEquals("Room Google", events().crmEvent(s, id).getString("location"));
    assertEquals("Room Google", googleEventOf(s, id).location());

    List<JsonObject> entries = events().conflicts(s);
    assertEquals(2, entries.size(), entries.toString());
    JsonObject crmWon =
        entries.stream().filter(e -> e.getString("outcome").equals("crm_won")).findFirst().get();
    assertEquals(id, crmWon.getString("subjectId"));
    assertTrue(crmWon.getString("detail").contains("Kickoff (Google)"), crmWon.toString());
    JsonObject mailWon =
        entries.stream().filter(e -> e.getString("outcome").equals("mail_won")).findFirst().get();
    assertTrue(mailWon.getString("detail").contains("Room CRM"), mailWon.toString());
    assertEquals(2, events().status(s).getJsonNumber("conflicts").longValue());
  }

  @Test
  void aPatchRefusedForAStaleEtagIsMergedInTheNextRound() {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("stale");
    String contact = testOrgs.contact(s.orgId(), "Ida", "Sol", nora);
    String id = events().createCrmEvent(s, EventSyncSteps.kickoff(contact, nora));
    sync(s);
    GoogleEvent created = googleEventOf(s, id);
    events()
        .patchCrmEvent(s, id, Json.createObjectBuilder().add("subject", "Kickoff (CRM)").build());
    // Between Mailbridge's read and its write, a person moves the meeting to another room.
    fake()
        .beforeNextGoogleEventPatch(
            s.account(),
            () -> {
              GoogleEvent now = fake().googleEvent(s.account(), created.id());
              fake().putGoogleEvent(now.edited(now.summary(), "Room 12", now.description()));
            });
    sync(s);
    assertEquals("Kickoff", googleEventOf(s, id).summary(), "412: nothing written");
    assertEquals("Room 12", googleEventOf(s, id).location());
    sync(s);
    assertEquals("Kickoff (CRM)", googleEventOf(s, id).summary(), "merged in the next round");
    assertEquals("Room 12", googleEventOf(s, id).location());
    JsonObject crm = events().crmEvent(s, id);
    assertEquals("Kickoff (CRM)", crm.getString("subject"));
    assertEquals("Room 12", crm.getString("location"));
    assertTrue(events().conflicts(s).isEmpty(), "different fields: no conflict");
  }

  @Test
  void threeRoundsWithoutChangesWriteNothingEitherWay() {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("loop");
    String contact = testOrgs.contact(s.orgId(), "Lia", "Moe", nora);
    String fromCrm = events().createCrmEvent(s, EventSyncSteps.kickoff(contact, nora));
    GoogleEvent fromGoogle = meetingInGoogle(s, "Demo", List.of(nora));
    sync(s);
    events()
        .patchCrmEvent(s, fromCrm, Json.createObjectBuilder().add("subject", "Kickoff v2").build());
    fake().putGoogleEvent(fromGoogle.edited("Demo v2", fromGoogle.location(), "Slides"));
    sync(s); // both changes cross over and come back once
    assertEquals(2, events().timelineEvents(s, contact).size());
    long writesBefore = writes(s);
    JsonObject statusBefore = events().status(s);
    String fromCrmBefore = events().crmEvent(s, fromCrm).getString("modifiedAt");
    String fromGoogleId =
        events().timelineEvents(s, contact).stream()
            .filter(e -> e.getString("subject").equals("Demo v2"))
            .findFirst()
            .orElseThrow()
            .getString("id");
    String fromGoogleBefore = events().crmEvent(s, fromGoogleId).getString("modifiedAt");
    for (int round = 0; round < 3; round++) {
      sync(s);
    }
    assertEquals(writesBefore, writes(s), "no event written in the calendar");
    assertEquals(fromCrmBefore, events().crmEvent(s, fromCrm).getString("modifiedAt"));
    assertEquals(fromGoogleBefore, events().crmEvent(s, fromGoogleId).getString("modifiedAt"));
    JsonObject statusAfter = events().status(s);
    assertEquals(statusBefore.getJsonNumber("itemsIn"), statusAfter.getJsonNumber("itemsIn"));
    assertEquals(statusBefore.getJsonNumber("itemsOut"), statusAfter.getJsonNumber("itemsOut"));
    assertEquals(2, fake().googleCalendar(s.account()).size());
  }

  @Test
  void anExpiredSyncTokenReadsTheWindowAgainWithoutDuplicates() {
    Setup s = setup("both");
    String nora = ContactSyncSteps.email("expired");
    String contact = testOrgs.contact(s.orgId(), "Eda", "Kim", nora);
    events().createCrmEvent(s, EventSyncSteps.kickoff(contact, nora));
    meetingInGoogle(s, "Planning", List.of(nora));
    sync(s);
    sync(s);
    assertEquals(2, events().timelineEvents(s, contact).size());
    assertEquals(2, fake().googleCalendar(s.account()).size());

    long fullLists = fullLists(s);
    fake().expireGoogleSyncTokens(s.account());
    long writesBefore = writes(s);
    sync(s);
    assertEquals(fullLists + 1, fullLists(s), "the window is listed again after the 410");
    assertEquals(2, events().timelineEvents(s, contact).size());
    assertEquals(2, fake().googleCalendar(s.account()).size());
    assertEquals(writesBefore, writes(s));
    assertEquals(
        0, events().status(s).getJsonArray("errors").size(), events().status(s).toString());
    // Google's rules for events.list: a series unexpanded, a sync token never beside a window.
    for (Map<String, String> q : fake().googleCalendarQueriesOf(s.account())) {
      assertFalse("true".equals(q.get("singleEvents")), q.toString());
      assertTrue(
          q.containsKey("syncToken") != (q.containsKey("timeMin") && q.containsKey("timeMax")),
          q.toString());
    }
  }

  private long fullLists(Setup s) {
    return fake().googleCalendarWindows.stream()
        .filter(w -> w.startsWith(s.account().toLowerCase(java.util.Locale.ROOT) + " "))
        .count();
  }
}
