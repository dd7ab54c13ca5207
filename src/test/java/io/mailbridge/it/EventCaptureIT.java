package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.FakeProviders.GraphEvent;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
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
 * Meeting capture of Microsoft 365 calendars through the capture engine, against the fake Graph's
 * calendarView delta in its wire format: a meeting with a CRM contact reaches the contact's
 * timeline as an event; a moved meeting and a new attendee update that one activity; the delta link
 * is followed on the next run, which reads only the changes; a cancelled meeting is marked, a
 * removed one released; private meetings and meetings without a CRM attendee stay out; another org
 * sees nothing; a calendar Graph refuses leaves mail capture running.
 */
@ExtendWith(ArquillianExtension.class)
class EventCaptureIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject io.mailbridge.capture.control.CaptureJobs captureJobs;

  private static final String NORA = "nora.field@fabrikam.example";
  private static final String OMAR = "omar.hale@northwind.example";

  private static FakeProviders fake() {
    return FakeProviders.get();
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  private record Setup(Org org, String account, String mailboxId, String nora, String omar) {}

  private Setup setup() {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String account = OAuthOrgs.account("meetings");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "microsoft", account);
    String nora = testOrgs.contact(org.admin().orgId(), "Nora", "Field", NORA);
    String omar = testOrgs.contact(org.admin().orgId(), "Omar", "Hale", OMAR);
    return new Setup(org, account, mailboxId, nora, omar);
  }

  private static GraphEvent meeting(
      String account, String subject, int inDays, List<String> attendees, String sensitivity) {
    Instant start = Instant.now().plus(inDays, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
    return fake()
        .putGraphEvent(
            new GraphEvent(
                0,
                account,
                "AAMkAGI2TG93AAA=" + UUID.randomUUID().toString().replace("-", ""),
                false,
                "040000008200E00074C5B7101A82E008" + UUID.randomUUID().toString().replace("-", ""),
                subject,
                start,
                start.plus(Duration.ofMinutes(45)),
                "Room 4",
                account,
                attendees,
                sensitivity,
                false,
                true,
                "Agenda: " + subject,
                List.of()));
  }

  private void switchOn(Setup s) {
    ApiClient.Reply on =
        api()
            .put(
                "/api/mailboxes/" + s.mailboxId() + "/capture",
                s.org().repToken(),
                "{\"enabled\":true}");
    assertEquals(200, on.status(), on.body());
  }

  /** Runs this mailbox's capture jobs (and whatever else is due before them) until none is due. */
  private void sync(String mailboxId) {
    for (int i = 0; i < 200; i++) {
      List<ClaimedJob> claimed = jobs.claim("it-event-step", 1, Duration.ofMinutes(5));
      if (claimed.isEmpty()) {
        return;
      }
      runner.run(claimed.get(0));
    }
  }

  private void requestSync(Setup s) {
    // What a notification or the poll does: queue "sync this mailbox", read from the cursor.
    captureJobs.requestSync(s.org().admin().orgId(), s.mailboxId());
    sync(s.mailboxId());
  }

  private List<JsonObject> events(Setup s, String contactId) {
    ApiClient.Reply reply =
        api()
            .get(
                "/api/records/contacts/" + contactId + "/timeline?limit=200", s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(i -> i.getString("type").equals("EVENT"))
        .toList();
  }

  private JsonObject health(Setup s) {
    ApiClient.Reply reply = api().get("/api/mailboxes/" + s.mailboxId(), s.org().repToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonObject("capture");
  }

  private long calendarRequests(String account, String kind) {
    return fake().graphRequests.stream()
        .filter(r -> r.endsWith(" #" + account) && r.contains("/calendarView/delta"))
        .filter(
            r ->
                switch (kind) {
                  case "first" -> !r.contains("skiptoken") && !r.contains("deltatoken");
                  case "next" -> r.contains("skiptoken");
                  default -> r.contains("deltatoken");
                })
        .count();
  }

  @Test
  void aMeetingWithAContactBecomesOneEventThatFollowsItsChangesAndNoOtherOrgSeesIt() {
    Setup s = setup();
    String a = s.account();
    GraphEvent review =
        meeting(a, "Quarterly review", 3, List.of(NORA, "bob@customer.example"), "normal");
    for (int i = 0; i < 4; i++) {
      meeting(a, "Check-in " + i, 5 + i, List.of(NORA), "normal");
    }
    sync(null);
    fake().graphDeltaMaxPage = 2;
    try {
      switchOn(s);
      sync(s.mailboxId());
    } finally {
      fake().graphDeltaMaxPage = 1000;
    }
    assertEquals("live", health(s).getString("state"), health(s).toString());
    assertEquals(1, calendarRequests(a, "first"), "the window is named once");
    assertTrue(calendarRequests(a, "next") >= 2, "the backfill pages through skip tokens");
    String window =
        fake().graphCalendarWindows.stream()
            .filter(w -> w.startsWith(a + " "))
            .findFirst()
            .orElseThrow();
    Instant windowEnd = Instant.parse(window.split(" ")[2]);
    assertTrue(
        windowEnd.isAfter(Instant.now().plus(Duration.ofDays(89)))
            && windowEnd.isBefore(Instant.now().plus(Duration.ofDays(91))),
        "the window ends the default horizon (P90D) ahead: " + window);
    assertTrue(
        fake().graphCalendarPreferHeaders.stream()
            .anyMatch(p -> p.contains("outlook.timezone=\"UTC\"")));

    List<JsonObject> onNora = events(s, s.nora());
    assertEquals(5, onNora.size(), onNora.toString());
    JsonObject stored =
        onNora.stream()
            .filter(e -> e.getString("subject").equals("Quarterly review"))
            .findFirst()
            .orElseThrow();
    assertEquals(review.start().toString(), stored.getString("start"));
    assertEquals(review.end().toString(), stored.getString("end"));
    assertEquals("Room 4", stored.getString("location"));
    assertEquals(a, stored.getJsonObject("organizer").getString("email"));
    assertEquals(2, stored.getJsonArray("attendees").size());
    assertTrue(stored.getBoolean("onlineMeeting"));
    assertFalse(stored.getBoolean("cancelled"));
    assertEquals("Agenda: Quarterly review", stored.getString("bodyText"));
    assertEquals(review.iCalUid(), stored.getString("iCalUid"));
    assertEquals(
        s.mailboxId(), stored.getJsonArray("owners").getJsonObject(0).getString("mailboxId"));
    String activityId = stored.getString("id");
    assertTrue(events(s, s.omar()).isEmpty());

    // moved by a day and Omar invited: the next run reads only that change from the delta link
    long firstsBefore = calendarRequests(a, "first");
    long deltasBefore = calendarRequests(a, "delta");
    GraphEvent moved =
        fake()
            .putGraphEvent(
                review.with(
                    review.start().plus(Duration.ofDays(1)),
                    review.end().plus(Duration.ofDays(1)),
                    List.of(NORA, "bob@customer.example", OMAR),
                    "normal",
                    false));
    long seenBefore = health(s).getJsonNumber("seen").longValue();
    requestSync(s);
    assertEquals(firstsBefore, calendarRequests(a, "first"), "no new full round");
    assertTrue(calendarRequests(a, "delta") > deltasBefore, "the delta link is followed");
    assertEquals(
        1, health(s).getJsonNumber("seen").longValue() - seenBefore, "only the change is read");
    onNora = events(s, s.nora());
    assertEquals(5, onNora.size(), "updated, not added");
    JsonObject updated =
        onNora.stream().filter(e -> e.getString("id").equals(activityId)).findFirst().orElseThrow();
    assertEquals(moved.start().toString(), updated.getString("start"));
    assertEquals(3, updated.getJsonArray("attendees").size());
    List<JsonObject> onOmar = events(s, s.omar());
    assertEquals(1, onOmar.size(), "the new attendee's record gets the meeting");
    assertEquals(activityId, onOmar.get(0).getString("id"));

    // delivered again unchanged: still one activity
    fake()
        .putGraphEvent(moved.with(moved.start(), moved.end(), moved.attendees(), "normal", false));
    requestSync(s);
    assertEquals(5, events(s, s.nora()).size());

    // cancelled by the organizer: kept, marked cancelled
    fake().putGraphEvent(moved.with(moved.start(), moved.end(), moved.attendees(), "normal", true));
    requestSync(s);
    JsonObject cancelled =
        events(s, s.nora()).stream()
            .filter(e -> e.getString("id").equals(activityId))
            .findFirst()
            .orElseThrow();
    assertTrue(cancelled.getBoolean("cancelled"));

    // removed from the calendar: released; no other mailbox holds it, so it leaves the timelines
    fake().removeGraphEvent(moved);
    requestSync(s);
    assertEquals(4, events(s, s.nora()).size());
    assertTrue(events(s, s.omar()).isEmpty());
    assertEquals(404, api().get("/api/activities/" + activityId, s.org().adminToken()).status());

    // another org sees none of it
    String another = events(s, s.nora()).get(0).getString("id");
    assertEquals(200, api().get("/api/activities/" + another, s.org().adminToken()).status());
    Org other = OAuthOrgs.create(testOrgs, api(), fake());
    assertEquals(404, api().get("/api/activities/" + another, other.adminToken()).status());
    assertEquals(
        404,
        api().get("/api/records/contacts/" + s.nora() + "/timeline", other.adminToken()).status());
  }

  @Test
  void orgWideTheSameMeetingInTwoCalendarsIsOneActivityWithTwoOwners() {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    OAuthOrgs.consentTenant(base(), org.adminToken(), fake());
    String nora = testOrgs.contact(org.admin().orgId(), "Nora", "Field", NORA);
    String ada = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.example";
    String ben = "ben-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.example";
    GraphEvent adas = meeting(ada, "Joint pitch", 6, List.of(NORA, ben), "normal");
    // Ben's copy of Ada's meeting: its own id in his calendar, the same iCalendar UID
    fake()
        .putGraphEvent(
            new GraphEvent(
                0,
                ben,
                "AAMkAGI2TG93AAA=" + UUID.randomUUID().toString().replace("-", ""),
                false,
                adas.iCalUid(),
                adas.subject(),
                adas.start(),
                adas.end(),
                adas.location(),
                ada,
                adas.attendees(),
                "normal",
                false,
                true,
                adas.body(),
                List.of()));
    sync(null);
    ApiClient.Reply put =
        api()
            .put(
                "/api/admin/capture/microsoft",
                org.adminToken(),
                "{\"users\":[\"" + ada + "\",\"" + ben + "\"]}");
    assertEquals(200, put.status(), put.body());
    sync(null);

    for (String user : List.of(ada, ben)) {
      assertTrue(
          fake().graphRequests.stream()
              .anyMatch(
                  r ->
                      r.endsWith(" #" + user)
                          && r.contains("/users/")
                          && r.contains("/calendarView/delta")),
          "read app-only at /users/{id}/calendarView/delta for " + user);
    }
    ApiClient.Reply timeline =
        api().get("/api/records/contacts/" + nora + "/timeline?limit=200", org.adminToken());
    assertEquals(200, timeline.status(), timeline.body());
    List<JsonObject> meetings =
        timeline.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
            .filter(i -> i.getString("type").equals("EVENT"))
            .toList();
    assertEquals(1, meetings.size(), meetings.toString());
    assertEquals("Joint pitch", meetings.get(0).getString("subject"));
    assertEquals(2, meetings.get(0).getJsonArray("owners").size(), meetings.toString());
  }

  @Test
  void privateMeetingsAndMeetingsWithoutACrmAttendeeAreNotCaptured() {
    Setup s = setup();
    String a = s.account();
    meeting(a, "Doctor", 2, List.of(NORA), "private");
    meeting(a, "Team lunch", 2, List.of("bob@customer.example"), "normal");
    meeting(a, "Stranger call", 2, List.of("someone@unknown.example"), "normal");
    GraphEvent demo = meeting(a, "Demo", 4, List.of(NORA), "normal");
    sync(null);
    switchOn(s);
    sync(s.mailboxId());
    List<JsonObject> onNora = events(s, s.nora());
    assertEquals(
        List.of("Demo"),
        onNora.stream().map(e -> e.getString("subject")).toList(),
        onNora.toString());
    JsonObject live = health(s);
    assertEquals("live", live.getString("state"), live.toString());
    assertEquals(1, live.getInt("captured"));
    assertEquals(3, live.getInt("skipped"));

    // the demo becomes private: taken back from the timeline
    fake().putGraphEvent(demo.with(demo.start(), demo.end(), demo.attendees(), "private", false));
    requestSync(s);
    assertTrue(events(s, s.nora()).isEmpty());
  }

  @Test
  void aCalendarGraphRefusesLeavesMailCaptureRunning() {
    Setup s = setup();
    String a = s.account();
    fake().graphCalendarForbidden.add(a);
    String mid = UUID.randomUUID() + "@fabrikam.example";
    fake()
        .putGraphItem(
            a,
            "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0" + UUID.randomUUID().toString().replace("-", ""),
            "inbox",
            mid,
            "Price list",
            NORA,
            List.of(a),
            Instant.now().minus(1, ChronoUnit.DAYS),
            List.of(),
            ("MIME-Version: 1.0\r\nFrom: "
                    + NORA
                    + "\r\nTo: "
                    + a
                    + "\r\nSubject: Price list\r\nMessage-ID: <"
                    + mid
                    + ">\r\nContent-Type: text/plain\r\n\r\nHi\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    meeting(a, "Unseen meeting", 2, List.of(NORA), "normal");
    sync(null);
    switchOn(s);
    sync(s.mailboxId());
    JsonObject live = health(s);
    assertEquals("live", live.getString("state"), live.toString());
    ApiClient.Reply timeline =
        api().get("/api/records/contacts/" + s.nora() + "/timeline", s.org().adminToken());
    List<String> subjects =
        timeline.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
            .map(i -> i.getString("subject"))
            .toList();
    assertEquals(List.of("Price list"), subjects);

    // granted later: the next round reads the calendar's window from its start
    fake().graphCalendarForbidden.remove(a);
    requestSync(s);
    assertEquals(
        List.of("Unseen meeting"),
        events(s, s.nora()).stream().map(e -> e.getString("subject")).toList());
    assertTrue(
        fake().graphCalendarPreferHeaders.stream().noneMatch(p -> p.isEmpty()),
        "every calendar request says its preferences");
  }
}
