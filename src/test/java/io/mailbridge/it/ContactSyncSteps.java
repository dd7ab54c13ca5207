package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.sync.control.SyncJobs;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The steps the contact sync tests share, whatever the mailbox: run a user's sync as the pumps
 * would (the suite's timer pump is off), read and write CRM contacts, ask for the user's status.
 */
final class ContactSyncSteps {

  // Asked for only when used: a pump on another thread has no request to take a port from.
  private final Supplier<ApiClient> api;
  private final JobStore jobs;
  private final JobRunner runner;
  private final SyncJobs syncJobs;

  ContactSyncSteps(Supplier<ApiClient> api, JobStore jobs, JobRunner runner, SyncJobs syncJobs) {
    this.api = api;
    this.jobs = jobs;
    this.runner = runner;
    this.syncJobs = syncJobs;
  }

  /** Runs the user's contact sync to its end. */
  void sync(String orgId, String userId, String owner) {
    syncJobs.requestContactSync(orgId, userId);
    drain(owner);
  }

  /** Runs every queued job; answers how many ran. */
  int drain(String owner) {
    int ran = 0;
    while (true) {
      List<ClaimedJob> claimed = jobs.claim(owner, 1, Duration.ofMinutes(5));
      if (claimed.isEmpty()) {
        return ran;
      }
      runner.run(claimed.get(0));
      ran++;
    }
  }

  /** Runs queued jobs until the one with this payload has run (others' jobs run on the way). */
  void runUntil(String owner, String payload) {
    while (true) {
      List<ClaimedJob> claimed = jobs.claim(owner, 1, Duration.ofMinutes(5));
      if (claimed.isEmpty()) {
        throw new AssertionError("no job " + payload + " queued");
      }
      runner.run(claimed.get(0));
      if (payload.equals(claimed.get(0).payload())) {
        return;
      }
    }
  }

  JsonObject crm(String token, String id) {
    ApiClient.Reply reply = api.get().get("/api/records/contacts/" + id, token);
    return reply.status() == 404 ? null : reply.json();
  }

  List<JsonObject> crmWithEmail(String token, String email) {
    ApiClient.Reply reply = api.get().get("/api/records/contacts?email=" + email, token);
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class);
  }

  long crmCount(String token) {
    ApiClient.Reply reply = api.get().get("/api/records/contacts?limit=200", token);
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").size();
  }

  void putCrm(String token, String id, JsonObject body) {
    ApiClient.Reply reply = api.get().put("/api/records/contacts/" + id, token, body.toString());
    assertEquals(200, reply.status(), reply.body());
  }

  /** Makes a CRM event ({@code POST /api/events}) as the caller; answers its id. */
  String createEvent(String token, JsonObject body) {
    ApiClient.Reply reply = api.get().post("/api/events", token, body.toString());
    assertEquals(201, reply.status(), reply.body());
    return reply.json().getString("id");
  }

  /** A CRM event, or null when it is gone. */
  JsonObject event(String token, String id) {
    ApiClient.Reply reply = api.get().get("/api/events/" + id, token);
    return reply.status() == 404 ? null : reply.json();
  }

  void patchEvent(String token, String id, JsonObject patch) {
    ApiClient.Reply reply = api.get().patch("/api/events/" + id, token, patch.toString());
    assertEquals(200, reply.status(), reply.body());
  }

  /** The EVENT activities on a CRM contact's timeline. */
  List<JsonObject> timelineEvents(String token, String contactId) {
    ApiClient.Reply reply =
        api.get().get("/api/records/contacts/" + contactId + "/timeline", token);
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(a -> a.getString("type").equals("EVENT"))
        .toList();
  }

  /** The caller's sync status. */
  JsonObject status(String token) {
    ApiClient.Reply reply = api.get().get("/api/sync/status", token);
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  /** A fresh address for a label, so tests never meet each other's contacts. */
  static String email(String label) {
    return label + "-" + UUID.randomUUID().toString().substring(0, 6) + "@fabrikam.example";
  }
}
