package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.FakeProviders.GoogleEvent;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Meeting capture of Google calendars through the capture engine, beside the Gmail mailbox's mail,
 * against the fake Google's {@code events.list} in its wire format: the backfill pages through the
 * window, later rounds send only the sync token; a moved meeting updates its activity, a cancelled
 * one is marked, a deleted one released; private meetings stay out and one made private is taken
 * back; the same meeting in two connected mailboxes of the org is one activity with two owners; an
 * expired sync token reads the window again without duplicates and is audited; a calendar Google
 * refuses leaves mail capture running. The set-up and the steps are those of {@link
 * EventCaptureIT}.
 */
@ExtendWith(ArquillianExtension.class)
class GoogleEventCaptureIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject io.mailbridge.capture.control.CaptureJobs captureJobs;
  @Inject io.mailbridge.it.support.RawDatabase raw;

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
    String account = OAuthOrgs.account("gmeetings");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "google", account);
    String nora = testOrgs.contact(org.admin().orgId(), "Nora", "Field", NORA);
    String omar = testOrgs.contact(org.admin().orgId(), "Omar", "Hale", OMAR);
    return new Setup(org, account, mailboxId, nora, omar);
  }

  private static GoogleEvent meeting(
      String account, String summary, int inDays, List<String> attendees, String visibility) {
    Instant start = Instant.now().plus(inDays, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
    return fake().putGoogleMeeting(account, summary, start, attendees, visibility);
  }

  private void switchOn(String mailboxId, String ownerToken) {
    ApiClient.Reply on =
        api().put("/api/mailboxes/" + mailboxId + "/capture", ownerToken, "{\"enabled\":true}");
    assertEquals(200, on.status(), on.body());
  }

  /** Runs due jobs (this test's and whatever else is due before them) until none is due. */
  private void sync() {
    for (int i = 0; i < 200; i++) {
      List<ClaimedJob> claimed = jobs.claim("it-gevent-step", 1, Duration.ofMinutes(5));
      if (claimed.isEmpty()) {
        return;
      }
      runner.run(claimed.get(0));
    }
  }

  private void requestSync(Setup s) {
    // What a notification or the poll does: queue "sync this mailbox", read from the cursor.
    captureJobs.requestSync(s.org().admin().orgId(), s.mailboxId());
    sync();
  }

  private List<JsonObject> timeline(Setup s, String contactId, String type) {
    ApiClient.Reply reply =
        api()
            .get(
                "/api/records/contacts/" + contactId + "/timeline?limit=200", s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(i -> type == null || i.getString("type").equals(type))
        .toList();
  }

  private List<JsonObject> events(Setup s, String contactId) {
    return timeline(s, contactId, "EVENT");
  }

  private JsonObject health(Setup s) {
    ApiClient.Reply reply = api().get("/api/mailboxes/" + s.mailboxId(), s.org().repToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonObject("capture");
  }

  /** This account's events.list queries, parsed. */
  private static List<Map<String, String>> listed(String account) {
    return fake().googleCalendarQueriesOf(account);
  }

  private static long count(List<Map<String, String>> queries, String kind) {
    return queries.stream()
        .filter(
            q ->
                switch (kind) {
                  case "full" -> !q.containsKey("syncToken") && !q.containsKey("pageToken");
                  case "page" -> q.containsKey("pageToken");
                  default -> q.containsKey("syncToken") && !q.containsKey("pageToken");
                })
        .count();
  }

  @Test
  void meetingsAreBackfilledAcrossPagesThenFollowedBySyncTokenThroughMovesAndCancellation() {
    Setup s = setup();
    String a = s.account();
    GoogleEvent review =
        meeting(a, "Quarterly review", 3, List.of(NORA, "bob@customer.example"), "default");
    for (int i = 0; i < 4; i++) {
      meeting(a, "Check-in " + i, 5 + i, List.of(NORA), "default");
    }
    meeting(a, "Long ago", -400, List.of(NORA), "default"); // before the backfill window
    sync();
    fake().googleCalendarMaxPage = 2;
    try {
      switchOn(s.mailboxId(), s.org().repToken());
      sync();
    } finally {
      fake().googleCalendarMaxPage = 2500;
    }
    assertEquals("live", health(s).getString("state"), health(s).toString());
    List<Map<String, String>> queries = listed(a);
    assertEquals(1, count(queries, "full"), queries.toString());
    assertTrue(count(queries, "page") >= 2, "the backfill pages through page tokens: " + queries);
    Map<String, String> first = queries.get(0);
    assertEquals("true", first.get("singleEvents"));
    Instant timeMin = OffsetDateTime.parse(first.get("timeMin")).toInstant();
    Instant timeMax = OffsetDateTime.parse(first.get("timeMax")).toInstant();
    assertTrue(
        timeMin.isAfter(Instant.now().minus(Duration.ofDays(181)))
            && timeMin.isBefore(Instant.now().minus(Duration.ofDays(179))),
        "the window starts at the backfill's start (180 days): " + first);
    assertTrue(
        timeMax.isAfter(Instant.now().plus(Duration.ofDays(89)))
            && timeMax.isBefore(Instant.now().plus(Duration.ofDays(91))),
        "the window ends the default horizon (P90D) ahead: " + first);

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
    assertEquals(3, stored.getJsonArray("attendees").size(), "organizer and two invitees");
    assertTrue(stored.getBoolean("onlineMeeting"));
    assertTrue(stored.getString("onlineMeetingUrl").startsWith("https://meet.google.com/"));
    assertFalse(stored.getBoolean("cancelled"));
    assertEquals("Agenda: Quarterly review", stored.getString("bodyText"));
    assertEquals(review.iCalUid(), stored.getString("iCalUid"));
    assertEquals(
        s.mailboxId(), stored.getJsonArray("owners").getJsonObject(0).getString("mailboxId"));
    String activityId = stored.getString("id");
    assertTrue(events(s, s.omar()).isEmpty());

    // moved by a day and Omar invited: the next round sends only the sync token
    long fullsBefore = count(listed(a), "full");
    GoogleEvent moved =
        fake()
            .putGoogleEvent(
                review.with(
                    review.start().plus(Duration.ofDays(1)),
                    review.end().plus(Duration.ofDays(1)),
                    List.of(NORA, "bob@customer.example", OMAR),
                    "default",
                    false));
    long seenBefore = health(s).getJsonNumber("seen").longValue();
    requestSync(s);
    queries = listed(a);
    assertEquals(fullsBefore, count(queries, "full"), "no new full round");
    Map<String, String> incremental = queries.get(queries.size() - 1);
    assertTrue(incremental.containsKey("syncToken"), incremental.toString());
    assertFalse(
        incremental.containsKey("timeMin") || incremental.containsKey("timeMax"),
        "a sync token goes without timeMin and timeMax: " + incremental);
    assertEquals("true", incremental.get("singleEvents"), "the other parameters stay the same");
    assertEquals(
        1, health(s).getJsonNumber("seen").longValue() - seenBefore, "only the change is read");
    onNora = events(s, s.nora());
    assertEquals(5, onNora.size(), "updated, not added");
    JsonObject updated =
        onNora.stream().filter(e -> e.getString("id").equals(activityId)).findFirst().orElseThrow();
    assertEquals(moved.start().toString(), updated.getString("start"));
    assertEquals(4, updated.getJsonArray("attendees").size());
    List<JsonObject> onOmar = events(s, s.omar());
    assertEquals(1, onOmar.size(), "the new attendee's record gets the meeting");
    assertEquals(activityId, onOmar.get(0).getString("id"));

    // called off, Google still describing it: kept, marked cancelled
    GoogleEvent cancelled =
        fake()
            .putGoogleEvent(
                moved.with(moved.start(), moved.end(), moved.attendees(), "default", true));
    requestSync(s);
    JsonObject marked =
        events(s, s.nora()).stream()
            .filter(e -> e.getString("id").equals(activityId))
            .findFirst()
            .orElseThrow();
    assertTrue(marked.getBoolean("cancelled"), marked.toString());

    // deleted (Google tells only the id): released; no other mailbox holds it, so it goes
    fake().putGoogleEvent(cancelled.deletedNow());
    requestSync(s);
    assertEquals(4, events(s, s.nora()).size());
    assertTrue(events(s, s.omar()).isEmpty());
    assertEquals(404, api().get("/api/activities/" + activityId, s.org().adminToken()).status());

    // another org sees none of it
    String another = events(s, s.nora()).get(0).getString("id");
    Org other = OAuthOrgs.create(testOrgs, api(), fake());
    assertEquals(404, api().get("/api/activities/" + another, other.adminToken()).status());
  }

  @Test
  void privateMeetingsAreNotCapturedAndOneMadePrivateIsTakenBack() {
    Setup s = setup();
    String a = s.account();
    meeting(a, "Doctor", 2, List.of(NORA), "private");
    meeting(a, "Board", 2, List.of(NORA), "confidential");
    meeting(a, "Stranger call", 2, List.of("someone@unknown.example"), "default");
    GoogleEvent demo = meeting(a, "Demo", 4, List.of(NORA), "public");
    sync();
    switchOn(s.mailboxId(), s.org().repToken());
    sync();
    assertEquals(
        List.of("Demo"), events(s, s.nora()).stream().map(e -> e.getString("subject")).toList());
    JsonObject live = health(s);
    assertEquals("live", live.getString("state"), live.toString());
    assertEquals(1, live.getInt("captured"));
    assertEquals(3, live.getInt("skipped"));

    fake().putGoogleEvent(demo.with(demo.start(), demo.end(), demo.attendees(), "private", false));
    requestSync(s);
    assertTrue(events(s, s.nora()).isEmpty(), "taken back once private");
  }

  @Test
  void theSameMeetingInTwoConnectedGoogleMailboxesIsOneActivityWithTwoOwners() {
    Setup s = setup();
    String ada = s.account();
    String ben = OAuthOrgs.account("gmeetings-ben");
    String bensMailbox = OAuthOrgs.connect(base(), s.org().adminToken(), "google", ben);
    GoogleEvent adas = meeting(ada, "Joint pitch", 6, List.of(NORA, ben), "default");
    // Ben's copy of Ada's meeting: its own id in his calendar, the same iCalendar UID
    fake()
        .putGoogleEvent(
            new GoogleEvent(
                0,
                ben,
                UUID.randomUUID().toString().replace("-", ""),
                false,
                false,
                adas.iCalUid(),
                adas.summary(),
                adas.start(),
                adas.end(),
                adas.location(),
                ada,
                adas.attendees(),
                "default",
                true,
                adas.description()));
    sync();
    switchOn(s.mailboxId(), s.org().repToken());
    switchOn(bensMailbox, s.org().adminToken());
    sync();
    List<JsonObject> meetings = events(s, s.nora());
    assertEquals(1, meetings.size(), meetings.toString());
    assertEquals("Joint pitch", meetings.get(0).getString("subject"));
    List<String> owners =
        meetings.get(0).getJsonArray("owners").getValuesAs(JsonObject.class).stream()
            .map(o -> o.getString("mailboxId"))
            .sorted()
            .toList();
    assertEquals(List.of(s.mailboxId(), bensMailbox).stream().sorted().toList(), owners);
  }

  @Test
  void anExpiredSyncTokenReadsTheWindowAgainWithoutDuplicatesAndIsAudited() {
    Setup s = setup();
    String a = s.account();
    meeting(a, "Kick-off", 2, List.of(NORA), "default");
    meeting(a, "Follow-up", 9, List.of(NORA), "default");
    sync();
    switchOn(s.mailboxId(), s.org().repToken());
    sync();
    assertEquals(2, events(s, s.nora()).size());
    assertTrue(health(s).isNull("lastResync"), "no resync yet");
    long fullsBefore = count(listed(a), "full");

    fake().expireGoogleSyncTokens(a);
    GoogleEvent added = meeting(a, "Added meanwhile", 3, List.of(NORA), "default");
    requestSync(s);
    assertEquals(fullsBefore + 1, count(listed(a), "full"), "one new full round after the 410");
    List<JsonObject> onNora = events(s, s.nora());
    assertEquals(
        List.of("Added meanwhile", "Follow-up", "Kick-off"),
        onNora.stream().map(e -> e.getString("subject")).sorted().toList(),
        "read again, nothing twice");
    assertEquals(
        added.iCalUid(),
        onNora.stream()
            .filter(e -> e.getString("subject").equals("Added meanwhile"))
            .findFirst()
            .orElseThrow()
            .getString("iCalUid"));
    JsonObject live = health(s);
    assertEquals("live", live.getString("state"), live.toString());
    assertTrue(live.getString("lastResync").contains("calendar"), live.toString());
    assertFalse(live.isNull("lastResyncAt"), live.toString());

    ApiClient.Reply audit =
        api().get("/api/admin/audit?action=capture.resync", s.org().adminToken());
    assertEquals(200, audit.status(), audit.body());
    List<JsonObject> resyncs =
        audit.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
            .filter(e -> s.mailboxId().equals(e.getString("subjectId", null)))
            .toList();
    assertEquals(1, resyncs.size(), audit.body());
    assertTrue(resyncs.get(0).getString("detail").contains("calendar"), resyncs.toString());

    // the new token works: a later change is read incrementally again
    long fullsAfter = count(listed(a), "full");
    fake()
        .putGoogleEvent(
            added.with(
                added.start().plus(Duration.ofHours(2)),
                added.end().plus(Duration.ofHours(2)),
                added.attendees(),
                "default",
                false));
    requestSync(s);
    assertEquals(fullsAfter, count(listed(a), "full"));
    assertEquals(3, events(s, s.nora()).size());
  }

  @Test
  void aCalendarGoogleRefusesLeavesMailCaptureRunning() {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String a = OAuthOrgs.account("gnocal");
    // The person left the calendar scopes out on Google's consent screen.
    fake().grantedScopes.put(a, "openid email https://www.googleapis.com/auth/gmail.modify");
    String mailboxId;
    try {
      mailboxId = OAuthOrgs.connect(base(), org.repToken(), "google", a);
    } finally {
      fake().grantedScopes.remove(a);
    }
    String nora = testOrgs.contact(org.admin().orgId(), "Nora", "Field", NORA);
    Setup s = new Setup(org, a, mailboxId, nora, null);
    String mid = UUID.randomUUID() + "@fabrikam.example";
    fake()
        .addGmailMessageAt(
            a,
            Long.toHexString(UUID.randomUUID().getMostSignificantBits()),
            ("MIME-Version: 1.0\r\nFrom: "
                    + NORA
                    + "\r\nTo: "
                    + a
                    + "\r\nSubject: Price list\r\nMessage-ID: <"
                    + mid
                    + ">\r\nContent-Type: text/plain\r\n\r\nHi\r\n")
                .getBytes(StandardCharsets.UTF_8),
            Instant.now().minus(1, ChronoUnit.DAYS),
            "INBOX");
    meeting(a, "Unseen meeting", 2, List.of(NORA), "default");
    sync();
    switchOn(mailboxId, org.repToken());
    sync();
    JsonObject live = health(s);
    assertEquals("live", live.getString("state"), live.toString());
    assertEquals(
        List.of("Price list"),
        timeline(s, nora, null).stream().map(i -> i.getString("subject")).toList());
    assertFalse(listed(a).isEmpty(), "the calendar was asked for");

    // the next round asks again, and is refused again without stopping the mail
    requestSync(s);
    assertEquals("live", health(s).getString("state"));
    assertTrue(events(s, nora).isEmpty());
  }

  @Test
  void eachOccurrenceOfARecurringMeetingIsItsOwnActivityAndOneInTwoCalendarsStaysOne() {
    Setup s = setup();
    String ada = s.account();
    String ben = OAuthOrgs.account("gmeetings-ben");
    String bensMailbox = OAuthOrgs.connect(base(), s.org().adminToken(), "google", ben);
    String series = UUID.randomUUID().toString().replace("-", "");
    Instant first = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
    for (String account : List.of(ada, ben)) {
      String seriesId = account.equals(ada) ? series : "b" + series;
      for (int week = 0; week < 3; week++) {
        Instant start = first.plus(Duration.ofDays(7L * week));
        // Google lists each occurrence (singleEvents=true) with the series' iCalUID
        fake()
            .putGoogleEvent(
                new GoogleEvent(
                    0,
                    account,
                    seriesId + "_" + start.toString().replaceAll("[-:]", ""),
                    false,
                    false,
                    series + "@google.com",
                    "Weekly sync",
                    start,
                    start.plus(Duration.ofMinutes(30)),
                    "",
                    ada,
                    List.of(NORA, ben),
                    "default",
                    true,
                    "Weekly",
                    seriesId,
                    start));
      }
    }
    sync();
    switchOn(s.mailboxId(), s.org().repToken());
    switchOn(bensMailbox, s.org().adminToken());
    sync();
    List<JsonObject> weekly = events(s, s.nora());
    assertEquals(3, weekly.size(), "one activity per occurrence: " + weekly);
    assertEquals(
        List.of(first, first.plus(Duration.ofDays(7)), first.plus(Duration.ofDays(14))),
        weekly.stream().map(e -> Instant.parse(e.getString("start"))).sorted().toList());
    for (JsonObject occurrence : weekly) {
      assertEquals(2, occurrence.getJsonArray("owners").size(), occurrence.toString());
      assertTrue(occurrence.getString("iCalUid").startsWith(series + "@google.com/"));
    }
  }

  // ------------------------------------------------------------------ calendar push channel

  private static final String HTTPS_URL = "https://mailbridge.it.example";

  /** Posts what Google posts on a calendar channel: an empty body, everything in the headers. */
  private int calendarPush(String channelId, String token, String state, String resourceId)
      throws Exception {
    java.net.http.HttpRequest.Builder post =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base() + "/api/notify/google-calendar"))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
            .header("X-Goog-Resource-State", state)
            .header("X-Goog-Resource-ID", resourceId)
            .header(
                "X-Goog-Resource-URI",
                "https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json")
            .header("X-Goog-Message-Number", String.valueOf(System.nanoTime()));
    if (channelId != null) {
      post.header("X-Goog-Channel-ID", channelId);
    }
    if (token != null) {
      post.header("X-Goog-Channel-Token", token);
    }
    return java.net.http.HttpClient.newHttpClient()
        .send(post.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private List<String> queuedSyncs(String mailboxId) throws Exception {
    return raw.queuedSyncs(mailboxId);
  }

  @Test
  void aLiveCalendarGetsAPushChannelWhoseMessagesQueueASyncAndForgedOnesAreRefused()
      throws Exception {
    Setup s = setup(); // connected through the suite's own URL, where the fake's redirect lands
    String before = System.getProperty("mailbridge.public-url");
    System.setProperty("mailbridge.public-url", HTTPS_URL);
    try {
      meeting(s.account(), "Kick-off", 2, List.of(NORA), "default");
      switchOn(s.mailboxId(), s.org().repToken());
      sync();
      assertEquals("live", health(s).getString("state"), health(s).toString());

      // once live: one web_hook channel on the primary calendar, to the HTTPS receiver
      List<FakeProviders.GoogleChannel> channels = fake().googleCalendarChannelsOf(s.account());
      assertEquals(1, channels.size(), fake().googleCalendarChannels.toString());
      JsonObject watch = channels.get(0).request();
      String channelId = watch.getString("id");
      String token = watch.getString("token");
      String resourceId = channels.get(0).resourceId();
      assertEquals("web_hook", watch.getString("type"));
      assertEquals(HTTPS_URL + "/api/notify/google-calendar", watch.getString("address"));
      assertTrue(token.length() >= 40, "an unguessable token");
      // an int64, which Google's JSON carries as a string
      Instant ends = Instant.ofEpochMilli(Long.parseLong(watch.getString("expiration")));
      assertTrue(
          ends.isAfter(Instant.now().plus(Duration.ofDays(6)))
              && ends.isBefore(Instant.now().plus(Duration.ofDays(8))),
          "asked for a week: " + ends);
      sync();
      assertEquals(1, fake().googleCalendarChannelsOf(s.account()).size(), "not opened twice");

      // Google's first message on the channel queues nothing
      assertEquals(200, calendarPush(channelId, token, "sync", resourceId));
      assertTrue(queuedSyncs(s.mailboxId()).isEmpty());

      // forged or unknown channels are refused and queue nothing
      meeting(s.account(), "Pricing review", 3, List.of(OMAR), "default");
      assertEquals(403, calendarPush(channelId, "not-the-token", "exists", resourceId));
      assertEquals(403, calendarPush(channelId, null, "exists", resourceId));
      assertEquals(403, calendarPush("mbcal-unknown", token, "exists", resourceId));
      assertEquals(403, calendarPush(null, null, "exists", resourceId));
      assertTrue(queuedSyncs(s.mailboxId()).isEmpty());

      // a change: one sync queued, twice the same message still one, and the meeting arrives
      assertEquals(202, calendarPush(channelId, token, "exists", resourceId));
      assertEquals(202, calendarPush(channelId, token, "exists", resourceId));
      assertEquals(1, queuedSyncs(s.mailboxId()).size());
      sync();
      assertEquals(
          List.of("Pricing review"),
          events(s, s.omar()).stream().map(e -> e.getString("subject")).toList());

      // a day before its end the channel is replaced: a new one opened, the old one stopped
      raw.update(
          "UPDATE capture_cursor SET calendar_channel_expires_at = ? WHERE id = ?",
          java.time.LocalDateTime.ofInstant(
              Instant.now().plus(Duration.ofHours(12)), java.time.ZoneOffset.UTC),
          s.mailboxId());
      requestSync(s);
      String replaced = channelId;
      String replacedResource = resourceId;
      channels = fake().googleCalendarChannelsOf(s.account());
      assertEquals(1, channels.size(), fake().googleCalendarChannels.toString());
      channelId = channels.get(0).request().getString("id");
      resourceId = channels.get(0).resourceId();
      assertFalse(channelId.equals(replaced), "a new channel");
      assertTrue(
          fake().googleCalendarStops.stream()
              .anyMatch(
                  b ->
                      b.getString("id").equals(replaced)
                          && b.getString("resourceId").equals(replacedResource)));
      assertEquals(403, calendarPush(replaced, token, "exists", replacedResource));
      assertEquals(202, calendarPush(channelId, token, "exists", resourceId));
      sync();

      // switched off: the channel is stopped at Google with its id and resource id
      ApiClient.Reply off =
          api()
              .put(
                  "/api/mailboxes/" + s.mailboxId() + "/capture",
                  s.org().repToken(),
                  "{\"enabled\":false}");
      assertEquals(200, off.status(), off.body());
      assertTrue(fake().googleCalendarChannelsOf(s.account()).isEmpty());
      String lastId = channelId;
      String lastResource = resourceId;
      assertTrue(
          fake().googleCalendarStops.stream()
              .anyMatch(
                  b ->
                      b.getString("id").equals(lastId)
                          && b.getString("resourceId").equals(lastResource)));
      // a late message of the stopped channel finds no mailbox
      assertEquals(403, calendarPush(channelId, token, "exists", resourceId));
      assertTrue(queuedSyncs(s.mailboxId()).isEmpty());
    } finally {
      if (before == null) {
        System.clearProperty("mailbridge.public-url");
      } else {
        System.setProperty("mailbridge.public-url", before);
      }
    }
  }

  @Test
  void withoutAnHttpsPublicUrlTheCalendarIsReadBySyncsAndNoChannelIsAskedFor() {
    Setup s = setup(); // the suite's public URL is http://, which Google does not call
    meeting(s.account(), "Plain start", 2, List.of(NORA), "default");
    switchOn(s.mailboxId(), s.org().repToken());
    sync();
    assertEquals("live", health(s).getString("state"));
    assertTrue(fake().googleCalendarChannelsOf(s.account()).isEmpty());
    assertEquals(1, events(s, s.nora()).size());
  }
}
