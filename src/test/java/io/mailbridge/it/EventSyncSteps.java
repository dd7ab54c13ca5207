package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Supplier;

/**
 * The steps the event sync tests share, whatever the calendar: an org with a rep's connected
 * mailbox and event sync on, CRM events through {@code /api/events}, a contact's timeline, and a
 * rep's event sync run to its end as the pumps would (the suite's timer pump is off).
 */
final class EventSyncSteps {

  /** A test's org, the rep's account at the fake provider and the connected mailbox. */
  record Setup(Org org, String account, String mailboxId) {
    String orgId() {
      return org.admin().orgId();
    }
  }

  private final Supplier<ApiClient> api;
  private final ContactSyncSteps jobs;

  EventSyncSteps(Supplier<ApiClient> api, ContactSyncSteps jobs) {
    this.api = api;
    this.jobs = jobs;
  }

  /**
   * A new org whose rep connected a mailbox of {@code provider} ({@code microsoft}, {@code
   * google}), with event sync set to {@code direction} and contact sync off.
   */
  static Setup setup(
      TestOrgs testOrgs,
      ApiClient api,
      String base,
      io.mailbridge.it.providers.FakeProviders fake,
      String provider,
      String label,
      String direction) {
    Org org = OAuthOrgs.create(testOrgs, api, fake);
    String account = OAuthOrgs.account(label);
    String mailboxId = OAuthOrgs.connect(base, org.repToken(), provider, account);
    ApiClient.Reply put =
        api.put(
            "/api/admin/sync/settings",
            org.adminToken(),
            "{\"contacts\":\"off\",\"events\":\"" + direction + "\"}");
    assertEquals(200, put.status(), put.body());
    assertEquals(direction, put.json().getString("events"));
    return new Setup(org, account, mailboxId);
  }

  static Instant inDays(int days, int hour) {
    return Instant.now()
        .truncatedTo(ChronoUnit.DAYS)
        .plus(days, ChronoUnit.DAYS)
        .plus(hour, ChronoUnit.HOURS);
  }

  /** A one-hour meeting in two days, in Paris' zone, with one attendee linked to a contact. */
  static JsonObject kickoff(String contactId, String attendee) {
    return Json.createObjectBuilder()
        .add("subject", "Kickoff")
        .add("start", inDays(2, 8).toString())
        .add("end", inDays(2, 9).toString())
        .add("timeZone", "Europe/Paris")
        .add("location", "Fabrikam HQ")
        .add("bodyText", "Scope and plan")
        .add(
            "attendees",
            Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("email", attendee).add("name", "Nora Field")))
        .add("recordIds", Json.createArrayBuilder().add(contactId))
        .build();
  }

  static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  /** The day {@code days} from today (UTC). */
  static LocalDate dayIn(int days) {
    return LocalDate.now(ZoneOffset.UTC).plusDays(days);
  }

  /** A day's midnight in Paris, where the all-day events of these tests are. */
  static Instant parisMidnight(LocalDate day) {
    return day.atStartOfDay(PARIS).toInstant();
  }

  /**
   * A one-day all-day event on {@code day} in Paris' zone, sent as dates (the API also takes
   * midnight instants), with one attendee linked to a contact.
   */
  static JsonObject offsite(String contactId, String attendee, LocalDate day) {
    return Json.createObjectBuilder()
        .add("subject", "Offsite")
        .add("allDay", true)
        .add("start", day.toString())
        .add("end", day.plusDays(1).toString())
        .add("timeZone", "Europe/Paris")
        .add(
            "attendees",
            Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("email", attendee).add("name", "Ines Alves")))
        .add("recordIds", Json.createArrayBuilder().add(contactId))
        .build();
  }

  /** The CRM event is all-day from {@code first} up to (not including) {@code after}, in Paris. */
  static void assertAllDay(JsonObject event, LocalDate first, LocalDate after) {
    assertAllDay(event, first, after, PARIS);
  }

  /**
   * The CRM event is all-day from {@code first} up to (not including) {@code after}: midnights in
   * {@code zone}, which it names (UTC: it names none).
   */
  static void assertAllDay(JsonObject event, LocalDate first, LocalDate after, ZoneId zone) {
    assertEquals(JsonValue.TRUE, event.get("allDay"), event.toString());
    assertEquals(
        first.atStartOfDay(zone).toInstant(),
        Instant.parse(event.getString("start")),
        event.toString());
    assertEquals(
        after.atStartOfDay(zone).toInstant(),
        Instant.parse(event.getString("end")),
        event.toString());
    assertEquals(
        ZoneOffset.UTC.equals(zone) ? null : zone.getId(),
        event.getString("timeZone", null),
        event.toString());
  }

  /** The events API answers 400 {@code {"error","message"}} to a malformed all-day event. */
  void assertMalformedAllDayRefused(Setup s) {
    String day = dayIn(3).toString();
    String next = dayIn(4).toString();
    for (String bad :
        List.of(
            "{\"subject\":\"x\",\"start\":\""
                + day
                + "T09:00:00Z\",\"end\":\""
                + day
                + "T10:00:00Z\",\"allDay\":\"yes\"}",
            "{\"subject\":\"x\",\"start\":\""
                + day
                + "T09:00:00Z\",\"end\":\""
                + next
                + "T00:00:00Z\",\"allDay\":true}",
            "{\"subject\":\"x\",\"start\":\"" + day + "\",\"end\":\"" + day + "\",\"allDay\":true}",
            "{\"subject\":\"x\",\"start\":\"" + day + "\",\"end\":\"" + next + "\"}")) {
      ApiClient.Reply reply = api.get().post("/api/events", s.org().repToken(), bad);
      assertEquals(400, reply.status(), bad + " -> " + reply.body());
      assertEquals("invalid_field", reply.json().getString("error"), reply.body());
      assertNotNull(reply.json().getString("message", null), reply.body());
    }
  }

  /**
   * An exception of a CRM series: the occurrence the rule put at {@code originalStart}, cancelled.
   */
  static JsonObject cancelledOccurrence(Instant originalStart) {
    return Json.createObjectBuilder()
        .add("originalStart", originalStart.toString())
        .add("cancelled", true)
        .build();
  }

  /** An exception of a CRM series: the occurrence the rule put at {@code originalStart}, moved. */
  static JsonObject movedOccurrence(Instant originalStart, Instant start, Instant end) {
    return Json.createObjectBuilder()
        .add("originalStart", originalStart.toString())
        .add("start", start.toString())
        .add("end", end.toString())
        .build();
  }

  String createCrmEvent(Setup s, JsonObject body) {
    ApiClient.Reply reply = api.get().post("/api/events", s.org().repToken(), body.toString());
    assertEquals(201, reply.status(), reply.body());
    return reply.json().getString("id");
  }

  JsonObject crmEvent(Setup s, String id) {
    ApiClient.Reply reply = api.get().get("/api/events/" + id, s.org().adminToken());
    return reply.status() == 404 ? null : reply.json();
  }

  void patchCrmEvent(Setup s, String id, JsonObject patch) {
    ApiClient.Reply reply =
        api.get().patch("/api/events/" + id, s.org().repToken(), patch.toString());
    assertEquals(200, reply.status(), reply.body());
  }

  List<JsonObject> timelineEvents(Setup s, String contactId) {
    ApiClient.Reply reply =
        api.get().get("/api/records/contacts/" + contactId + "/timeline", s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(a -> a.getString("type").equals("EVENT"))
        .toList();
  }

  /** The conflicts audited for the org. */
  List<JsonObject> conflicts(Setup s) {
    ApiClient.Reply audit =
        api.get().get("/api/admin/audit?action=sync.event.conflict", s.org().adminToken());
    assertEquals(200, audit.status(), audit.body());
    return audit.json().getJsonArray("items").getValuesAs(JsonObject.class);
  }

  JsonObject status(Setup s) {
    return jobs.status(s.org().repToken());
  }
}
