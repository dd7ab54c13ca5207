package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
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
