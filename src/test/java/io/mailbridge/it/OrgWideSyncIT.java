package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.sync.control.SyncJobs;
import io.mailbridge.sync.control.SyncSchedule;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Contact and event sync for reps who connected nothing, through the org's own access that org-wide
 * capture set up: Microsoft 365 with the app's client-credentials token at {@code /users/{id}/…},
 * Google Workspace with delegated tokens of the contacts and calendar scopes (one token per scope,
 * as Google refuses a whole grant for one unauthorized scope), and a Workspace whose admin
 * authorized only mail capture, whose sync says so in words without asking Google again at every
 * job. The suite's timer pump is off: tests run the queue themselves.
 */
@ExtendWith(ArquillianExtension.class)
class OrgWideSyncIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  private static final String CONTACTS = "https://www.googleapis.com/auth/contacts";
  private static final String CALENDAR = "https://www.googleapis.com/auth/calendar.events";
  private static final String MAIL = "https://www.googleapis.com/auth/gmail.readonly";

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject SyncJobs syncJobs;
  @Inject SyncSchedule schedule;

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

  /** An org with contact and event sync both ways, a contact, and nobody connected. */
  private record Setup(Org org, String rep, String contactId) {
    String orgId() {
      return org.admin().orgId();
    }
  }

  private Setup setup(String label) {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    ApiClient.Reply put =
        api()
            .put(
                "/api/admin/sync/settings",
                org.adminToken(),
                "{\"contacts\":\"both\",\"events\":\"both\",\"includeLeads\":false,\"records\":\"all\"}");
    assertEquals(200, put.status(), put.body());
    String nora =
        testOrgs.contact(
            org.admin().orgId(),
            "Nora",
            "Field-" + label,
            "nora-" + UUID.randomUUID().toString().substring(0, 8) + "@fabrikam.example");
    return new Setup(org, org.rep().email().toLowerCase(Locale.ROOT), nora);
  }

  private static String users(String... addresses) {
    StringBuilder json = new StringBuilder("\"users\":[");
    for (int i = 0; i < addresses.length; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(addresses[i]).append('"');
    }
    return json.append(']').toString();
  }

  /** A meeting the rep makes in the CRM with the contact, in three days. */
  private String crmMeeting(Setup s, String subject) {
    JsonObject body =
        jakarta.json.Json.createObjectBuilder(
                EventSyncSteps.kickoff(s.contactId(), "nora.field@fabrikam.example"))
            .add("subject", subject)
            .add("start", EventSyncSteps.inDays(3, 9).toString())
            .add("end", EventSyncSteps.inDays(3, 10).toString())
            .build();
    return steps().createEvent(s.org().repToken(), body);
  }

  /** The timer's round (both kinds are due for a user never synced), run to its end. */
  private void syncRound() {
    schedule.queueDue(Instant.now());
    steps().drain("it-orgwide-sync");
  }

  @Test
  void aRepListedForMicrosoft365SyncsContactsAndEventsWithTheAppsTokenAtUsersPaths() {
    Setup s = setup("graph");
    OAuthOrgs.consentTenant(base(), s.org().adminToken(), fake());
    ApiClient.Reply listed =
        api().put("/api/admin/capture/microsoft", s.org().adminToken(), "{" + users(s.rep()) + "}");
    assertEquals(200, listed.status(), listed.body());
    crmMeeting(s, "Quarterly review");
    int contactCalls = fake().graphContactRequests().size();
    int eventCalls = fake().graphEventRequests.size();

    syncRound();

    assertTrue(
        fake().graphContactsIn(s.rep(), "Mailbridge").stream()
            .anyMatch(c -> c.getString("surname", "").equals("Field-graph")),
        "the CRM contact is in the rep's Mailbridge folder: "
            + fake().graphContactsIn(s.rep(), "Mailbridge"));
    assertTrue(
        fake().graphEvents.getOrDefault(s.rep(), List.of()).stream()
            .anyMatch(e -> "Quarterly review".equals(e.subject()) && !e.removed()),
        "the CRM meeting is in the rep's calendar");
    List<String> syncCalls = new java.util.ArrayList<>();
    syncCalls.addAll(
        fake().graphContactRequests().subList(contactCalls, fake().graphContactRequests().size()));
    syncCalls.addAll(
        fake().graphEventRequests.subList(eventCalls, fake().graphEventRequests.size()));
    assertTrue(!syncCalls.isEmpty(), "sync called Graph");
    assertTrue(
        syncCalls.stream().allMatch(r -> r.contains("/users/") && r.endsWith(" #" + s.rep())),
        "every sync call names the user, as an app token must: " + syncCalls);
    JsonObject status = steps().status(s.org().repToken());
    assertTrue(status.getJsonObject("contactSync").getInt("itemsOut") >= 1, status.toString());
    assertTrue(status.getJsonObject("eventSync").getInt("itemsOut") >= 1, status.toString());
    assertTrue(status.getJsonArray("errors").isEmpty(), status.toString());
  }

  @Test
  void aWorkspaceRepSyncsWithDelegatedTokensOfTheContactsAndCalendarScopes() {
    Setup s = setup("google");
    String account = serviceAccount();
    String key =
        fake().newServiceAccountKeyAuthorizedFor(account, Set.of(MAIL, CONTACTS, CALENDAR));
    ApiClient.Reply listed =
        api()
            .put(
                "/api/admin/capture/google",
                s.org().adminToken(),
                "{\"serviceAccountKey\":" + key + "," + users(s.rep()) + "}");
    assertEquals(200, listed.status(), listed.body());
    crmMeeting(s, "Workspace review");

    syncRound();

    assertTrue(
        fake().googleContactsIn(s.rep(), "Mailbridge").stream()
            .anyMatch(c -> c.toString().contains("Field-google")),
        "the CRM contact is in the rep's Mailbridge group");
    assertTrue(
        fake().googleEvents.getOrDefault(s.rep(), List.of()).stream()
            .anyMatch(e -> "Workspace review".equals(e.summary()) && !e.deleted()),
        "the CRM meeting is in the rep's calendar");
    assertTrue(
        fake().delegationGrants.contains(account + " " + s.rep() + " " + CONTACTS),
        fake().delegationGrants.toString());
    assertTrue(
        fake().delegationGrants.contains(account + " " + s.rep() + " " + CALENDAR),
        fake().delegationGrants.toString());
    JsonObject status = steps().status(s.org().repToken());
    assertTrue(status.getJsonArray("errors").isEmpty(), status.toString());
    assertTrue(status.getJsonObject("eventSync").getInt("itemsOut") >= 1, status.toString());
  }

  @Test
  void aWorkspaceThatAuthorizedOnlyMailCaptureShowsSyncRefusedInWordsAndGoogleIsAskedOnce() {
    Setup s = setup("mailonly");
    String account = serviceAccount();
    String key = fake().newServiceAccountKeyAuthorizedFor(account, Set.of(MAIL));
    ApiClient.Reply listed =
        api()
            .put(
                "/api/admin/capture/google",
                s.org().adminToken(),
                "{\"serviceAccountKey\":" + key + "," + users(s.rep()) + "}");
    assertEquals(200, listed.status(), listed.body());
    // Capture's own first round (mail, and its calendar refused for the read-only scope) first.
    steps().drain("it-orgwide-sync");
    int refusedBefore = fake().delegationRefusals.get();

    syncRound();
    // The timer's next tick finds the run that failed too recent to try again.
    syncRound();

    JsonObject status = steps().status(s.org().repToken());
    String errors = status.getJsonArray("errors").toString();
    assertTrue(errors.contains("auth/contacts"), "names the scope to authorize: " + errors);
    assertTrue(errors.contains("auth/calendar.events"), "names the scope to authorize: " + errors);
    assertTrue(!errors.contains("PRIVATE KEY") && !errors.contains("ya29."), errors);
    assertEquals(
        2,
        fake().delegationRefusals.get() - refusedBefore,
        "one refused grant per kind, no retry storm");
    assertTrue(fake().googleContactsIn(s.rep(), "Mailbridge").isEmpty());
  }

  private static String serviceAccount() {
    return "sync-"
        + UUID.randomUUID().toString().substring(0, 8)
        + "@mailbridge-it.iam.gserviceaccount.com";
  }
}
