package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Org-wide capture of Microsoft 365 with app-only access against the fake Entra (client
 * credentials) and Graph ({@code /users/{id}/…} delta, {@code /groups/{id}/members}) in their wire
 * formats: listed users backfilled with no rep connecting, a group read across pages, a user taken
 * off the list stopping at once, a consent revoked mid-run shown in health without a storm of token
 * requests, another org's admin kept out, and refused requests. The suite's timer pump is off, so
 * each test runs the job queue itself.
 */
@ExtendWith(ArquillianExtension.class)
class OrgWideCaptureIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject io.mailbridge.capture.control.OrgWideCapture orgWide;
  @Inject io.mailbridge.capture.control.CapturePolling polling;

  private static final String NORA = "nora.field@fabrikam.example";
  private static final String PATH = "/api/admin/capture/microsoft";

  private static FakeProviders fake() {
    return FakeProviders.get();
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  /** An org with its Microsoft app, a consented tenant and Nora as a contact; nobody connected. */
  private record Setup(Org org, String tenant, String nora) {}

  private Setup setup() {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String tenant = OAuthOrgs.consentTenant(base(), org.adminToken(), fake());
    String nora = testOrgs.contact(org.admin().orgId(), "Nora", "Field", NORA);
    return new Setup(org, tenant, nora);
  }

  private static String user(String label) {
    return label + "-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.example";
  }

  /** A mail from Nora in the user's Inbox, {@code daysAgo}. */
  private static void mailFromNora(String account, String subject, int daysAgo) {
    String mid = UUID.randomUUID() + "@fabrikam.example";
    String mime =
        "MIME-Version: 1.0\r\nFrom: "
            + NORA
            + "\r\nTo: "
            + account
            + "\r\nSubject: "
            + subject
            + "\r\nDate: Tue, 03 Nov 2026 09:12:33 +0000\r\nMessage-ID: <"
            + mid
            + ">\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n";
    fake()
        .putGraphItem(
            account,
            "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0" + UUID.randomUUID().toString().replace("-", ""),
            "inbox",
            mid,
            subject,
            NORA,
            List.of(account),
            Instant.now().minus(daysAgo, ChronoUnit.DAYS),
            List.of(),
            mime.getBytes(StandardCharsets.UTF_8));
  }

  private boolean step() {
    List<ClaimedJob> claimed = jobs.claim("it-orgwide-step", 1, Duration.ofMinutes(5));
    if (claimed.isEmpty()) {
      return false;
    }
    runner.run(claimed.get(0));
    return true;
  }

  private int capturedOf(Setup s, String address) {
    return mailboxes(scope(s)).stream()
        .filter(m -> m.getString("address").equals(address))
        .filter(m -> m.containsKey("capture") && !m.isNull("capture"))
        .mapToInt(m -> m.getJsonObject("capture").getInt("captured", 0))
        .findFirst()
        .orElse(0);
  }

  private int drain() {
    int ran = 0;
    while (step()) {
      ran++;
    }
    return ran;
  }

  private Set<String> timeline(Setup s) {
    ApiClient.Reply reply =
        api()
            .get("/api/records/contacts/" + s.nora() + "/timeline?limit=200", s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(i -> i.getString("subject"))
        .collect(Collectors.toSet());
  }

  private JsonObject scope(Setup s) {
    ApiClient.Reply reply = api().get(PATH, s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  private static List<JsonObject> mailboxes(JsonObject scope) {
    return scope.getJsonArray("mailboxes").getValuesAs(JsonObject.class);
  }

  private static JsonObject mailboxOf(JsonObject scope, String address) {
    return mailboxes(scope).stream()
        .filter(m -> m.getString("address").equals(address))
        .findFirst()
        .orElseThrow(() -> new AssertionError(address + " not captured: " + scope));
  }

  private ApiClient.Reply list(Setup s, String... users) {
    StringBuilder json = new StringBuilder("{\"users\":[");
    for (int i = 0; i < users.length; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(users[i]).append('"');
    }
    return api().put(PATH, s.org().adminToken(), json.append("]}").toString());
  }

  /** The capture health of any mailbox of the org, listed or not. */
  private JsonObject health(Setup s, String mailboxId) {
    ApiClient.Reply reply =
        api().get("/api/admin/capture/mailboxes?limit=200", s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(m -> m.getString("mailboxId").equals(mailboxId))
        .findFirst()
        .orElseThrow();
  }

  private static long userDeltaRequests(String account) {
    return fake().graphRequests.stream()
        .filter(r -> r.endsWith(" #" + account) && r.contains("/users/"))
        .filter(r -> r.contains("/messages/delta"))
        .count();
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void anAdminListsTwoUsersAndBothAreBackfilledWithoutAnyRepConnecting() {
    Setup s = setup();
    String ada = user("ada");
    String ben = user("ben");
    mailFromNora(ada, "Ada's renewal", 3);
    mailFromNora(ada, "Ada's pricing", 20);
    mailFromNora(ben, "Ben's order", 5);
    mailFromNora(ben, "Ben's old thread", 400); // outside the 180-day window

    ApiClient.Reply put = list(s, ada.toUpperCase(), ben);
    assertEquals(200, put.status(), put.body());
    assertEquals(
        List.of(ada, ben),
        put.json().getJsonArray("users").getValuesAs(jakarta.json.JsonString.class).stream()
            .map(jakarta.json.JsonString::getString)
            .toList());
    assertEquals(s.tenant(), put.json().getString("tenantId"));
    assertEquals(2, mailboxes(put.json()).size());
    assertEquals(
        "backfilling", mailboxOf(put.json(), ada).getJsonObject("capture").getString("state"));

    drain();

    assertEquals(Set.of("Ada's renewal", "Ada's pricing", "Ben's order"), timeline(s));
    JsonObject after = scope(s);
    for (String u : List.of(ada, ben)) {
      JsonObject capture = mailboxOf(after, u).getJsonObject("capture");
      assertEquals("live", capture.getString("state"), capture.toString());
      assertFalse(mailboxOf(after, u).getBoolean("viaGroup"));
      assertTrue(userDeltaRequests(u) >= 2, "read at /users/{id}/… for " + u);
    }
    assertEquals(2, mailboxOf(after, ada).getJsonObject("capture").getInt("captured"));
    assertTrue(fake().appTokenGrants.get(s.tenant()).get() >= 1, "a client-credentials token");
    // Nobody connected a mailbox: the reps' and the admin's lists are empty.
    assertTrue(OAuthOrgs.mailboxes(api(), s.org().repToken()).isEmpty());
    assertTrue(OAuthOrgs.mailboxes(api(), s.org().adminToken()).isEmpty());
  }

  @Test
  void aUserTakenOffTheListStopsAtOnceAndResumesWhenListedAgain() {
    Setup s = setup();
    String ada = user("ada");
    String ben = user("ben");
    mailFromNora(ada, "Ada first", 1);
    mailFromNora(ben, "Ben first", 1);
    list(s, ada, ben);
    drain();
    String benId = mailboxOf(scope(s), ben).getString("mailboxId");

    ApiClient.Reply put = list(s, ada);
    assertEquals(200, put.status(), put.body());
    assertEquals(1, mailboxes(put.json()).size());
    JsonObject stopped = health(s, benId);
    assertEquals("off", stopped.getString("state"));
    assertFalse(stopped.getBoolean("enabled"));
    assertEquals("Taken off the org-wide capture list", stopped.getString("reason"));

    long benReads = userDeltaRequests(ben);
    mailFromNora(ben, "Ben after removal", 0);
    mailFromNora(ada, "Ada after removal", 0);
    polling.pollReadNothingSince(Instant.now().plusSeconds(3600));
    drain();
    assertEquals(benReads, userDeltaRequests(ben), "Ben's mailbox is not read any more");
    Set<String> subjects = timeline(s);
    assertTrue(subjects.contains("Ada after removal"), subjects.toString());
    assertFalse(subjects.contains("Ben after removal"), subjects.toString());

    // Listed again: the same mailbox resumes from its cursor and picks up what it missed.
    list(s, ada, ben);
    drain();
    assertEquals(benId, mailboxOf(scope(s), ben).getString("mailboxId"));
    assertTrue(timeline(s).contains("Ben after removal"));
  }

  @Test
  void aGroupIsReadAcrossPagesToItsUsersAndFollowedWhenItChanges() {
    Setup s = setup();
    String ada = user("ada");
    // Ben is also a Mailbridge user of the org: his captured mail is his, not the listing admin's
    AppUser benUser = testOrgs.user(s.org().admin().orgId(), "USER", "ben");
    String ben = benUser.email();
    String cleo = user("cleo");
    String dora = user("dora");
    String adaId = fake().addDirectoryUser(ada);
    String benId = fake().addDirectoryUser(ben);
    String cleoId = fake().addDirectoryUser(cleo);
    String doraId = fake().addDirectoryUser(dora);
    // a nested group (no mailbox of its own) whose members count too; Ada is in both
    String nested =
        fake()
            .addGroup(
                "team-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.example",
                List.of(doraId, adaId));
    String groupMail = "sales-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.example";
    String group = fake().addGroup(groupMail, List.of(adaId, nested, benId, cleoId));
    mailFromNora(ada, "Ada via group", 2);
    mailFromNora(cleo, "Cleo via group", 2);
    mailFromNora(dora, "Dora via the nested group", 2);

    ApiClient.Reply put =
        api().put(PATH, s.org().adminToken(), "{\"group\":\"" + groupMail + "\"}");
    assertEquals(200, put.status(), put.body());
    assertEquals(groupMail, put.json().getString("group"));
    assertTrue(put.json().isNull("users"));
    drain();

    JsonObject read = scope(s);
    assertEquals(4, mailboxes(read).size(), read.toString());
    assertTrue(mailboxOf(read, ben).getBoolean("viaGroup"));
    assertTrue(read.isNull("problem"), read.toString());
    assertFalse(read.isNull("membersReadAt"));
    assertEquals(
        Set.of("Ada via group", "Cleo via group", "Dora via the nested group"), timeline(s));
    assertEquals(
        benUser.id(), health(s, mailboxOf(read, ben).getString("mailboxId")).getString("userId"));
    assertEquals(
        s.org().admin().id(),
        health(s, mailboxOf(read, ada).getString("mailboxId")).getString("userId"));
    // Members of 2 per page: the list took more than one page.
    assertTrue(
        fake().graphRequests.stream()
            .anyMatch(
                r ->
                    r.contains("/groups/" + group + "/transitiveMembers?")
                        && r.contains("skiptoken")));
    // Read by object id: /users/{id}/…
    assertTrue(
        fake().graphRequests.stream()
            .anyMatch(r -> r.contains("/users/" + adaId + "/mailFolders/")));

    // Cleo leaves the group: the next read stops her mailbox.
    fake().groupMembers.get(group).remove(cleoId);
    orgWide.requestMembers(s.org().admin().orgId());
    drain();
    JsonObject after = scope(s);
    assertEquals(
        Set.of(ada, ben, dora),
        mailboxes(after).stream().map(m -> m.getString("address")).collect(Collectors.toSet()));
  }

  @Test
  void aConsentRevokedMidRunShowsInHealthInWordsAndEntraIsNotAskedInAStorm() {
    Setup s = setup();
    String ada = user("ada");
    for (int i = 0; i < 4; i++) {
      mailFromNora(ada, "Ada " + i, i + 1);
    }
    int pageWas = fake().graphDeltaMaxPage;
    int tokenSecondsWas = fake().accessTokenSeconds;
    // Tokens shorter than the renewal margin: every run asks Entra, as after an hour.
    fake().accessTokenSeconds = 120;
    fake().graphDeltaMaxPage = 1;
    try {
      list(s, ada);
      // The queue is shared with other work (the sync timer's jobs among it): step until Ada's
      // first page is captured rather than counting on which jobs come first.
      for (int i = 0; i < 20 && capturedOf(s, ada) == 0; i++) {
        assertTrue(step(), "Ada's capture ran out of jobs before her first page");
      }
      int capturedBefore = capturedOf(s, ada);
      assertTrue(capturedBefore < 4, "the revocation comes mid-run, not after: " + capturedBefore);
      fake().tenantsWithoutAppConsent.add(s.tenant());
      int refusalsBefore = fake().appTokenRefusals.get();
      drain();
      JsonObject capture = mailboxOf(scope(s), ada).getJsonObject("capture");
      assertEquals("error", capture.getString("state"), capture.toString());
      assertTrue(capture.getString("reason").contains("consent"), capture.getString("reason"));
      assertTrue(capture.getString("reason").contains("AADSTS700016"));
      assertFalse(capture.getString("reason").contains("secret "), capture.getString("reason"));
      assertEquals(refusalsBefore + 1, fake().appTokenRefusals.get());
      // Polls during the refusal pause do not ask Entra again.
      for (int i = 0; i < 3; i++) {
        polling.pollReadNothingSince(Instant.now().plusSeconds(3600));
        drain();
      }
      assertEquals(refusalsBefore + 1, fake().appTokenRefusals.get(), "no storm");
      assertEquals("error", mailboxOf(scope(s), ada).getJsonObject("capture").getString("state"));
      assertEquals(capturedBefore, capturedOf(s, ada), "what was captured before it stays");
    } finally {
      fake().graphDeltaMaxPage = pageWas;
      fake().accessTokenSeconds = tokenSecondsWas;
      fake().tenantsWithoutAppConsent.remove(s.tenant());
    }
  }

  @Test
  void anotherOrgsAdminNeitherSeesNorChangesItAndRepsAreRefused() {
    Setup a = setup();
    String ada = user("ada");
    mailFromNora(ada, "Org A only", 1);
    list(a, ada);
    drain();
    String adaMailbox = mailboxOf(scope(a), ada).getString("mailboxId");

    Setup b = setup();
    JsonObject seenByB = scope(b);
    assertTrue(mailboxes(seenByB).isEmpty(), seenByB.toString());
    assertEquals(0, seenByB.getJsonArray("users").size());
    assertFalse(seenByB.toString().contains(ada));
    ApiClient.Reply bEmpties = list(b);
    assertEquals(200, bEmpties.status(), bEmpties.body());
    assertEquals(1, mailboxes(scope(a)).size(), "B's change leaves A alone");
    assertEquals(
        404,
        api()
            .post(
                "/api/admin/capture/mailboxes/" + adaMailbox + "/purge", b.org().adminToken(), "{}")
            .status());
    assertEquals(403, api().get(PATH, a.org().repToken()).status());
    assertEquals(403, api().put(PATH, a.org().repToken(), "{\"users\":[]}").status());
    assertEquals("live", health(a, adaMailbox).getString("state"));

    // Purge works for A's admin as for any captured mailbox.
    ApiClient.Reply purged =
        api()
            .post(
                "/api/admin/capture/mailboxes/" + adaMailbox + "/purge",
                a.org().adminToken(),
                "{}");
    assertEquals(200, purged.status(), purged.body());
    assertEquals(1, purged.json().getInt("activitiesDeleted"));
    assertFalse(timeline(a).contains("Org A only"));
  }

  @Test
  void badRequestsAreRefusedWithTheFieldNamed() {
    Setup s = setup();
    ApiClient.Reply malformed = api().put(PATH, s.org().adminToken(), "{\"users\":[");
    assertEquals(400, malformed.status(), malformed.body());
    assertTrue(malformed.json().containsKey("error"));
    ApiClient.Reply notMail = api().put(PATH, s.org().adminToken(), "{\"users\":[\"ada\"]}");
    assertEquals(400, notMail.status(), notMail.body());
    assertTrue(notMail.body().contains("users[0]"), notMail.body());
    ApiClient.Reply both =
        api().put(PATH, s.org().adminToken(), "{\"users\":[],\"group\":\"g@contoso.example\"}");
    assertEquals(400, both.status(), both.body());
    ApiClient.Reply wrongType =
        api().put(PATH, s.org().adminToken(), "{\"users\":\"ada@x.example\"}");
    assertEquals(400, wrongType.status(), wrongType.body());

    // Without a consented tenant there is nothing the app may read.
    Org unconsented = OAuthOrgs.create(testOrgs, api(), fake());
    ApiClient.Reply noConsent =
        api().put(PATH, unconsented.adminToken(), "{\"users\":[\"ada@contoso.example\"]}");
    assertEquals(409, noConsent.status(), noConsent.body());
    assertEquals("tenant_not_consented", noConsent.json().getString("error"));
  }

  // ------------------------------------------------------------------ Google Workspace

  private static final String GOOGLE = "/api/admin/capture/google";
  private static final String READONLY = "https://www.googleapis.com/auth/gmail.readonly";

  private static String serviceAccount() {
    return "capture-"
        + UUID.randomUUID().toString().substring(0, 8)
        + "@mailbridge-it.iam.gserviceaccount.com";
  }

  private static String workspaceUser(String label) {
    return label + "-" + UUID.randomUUID().toString().substring(0, 8) + "@workspace.example";
  }

  /** A mail from Nora in the Workspace user's Gmail Inbox, {@code daysAgo}. */
  private static void gmailFromNora(String account, String subject, int daysAgo) {
    String mid = UUID.randomUUID() + "@fabrikam.example";
    String mime =
        "MIME-Version: 1.0\r\nFrom: "
            + NORA
            + "\r\nTo: "
            + account
            + "\r\nSubject: "
            + subject
            + "\r\nDate: Tue, 03 Nov 2026 09:12:33 +0000\r\nMessage-ID: <"
            + mid
            + ">\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n";
    fake()
        .addGmailMessageAt(
            account,
            Long.toHexString(UUID.randomUUID().getMostSignificantBits()),
            mime.getBytes(StandardCharsets.UTF_8),
            Instant.now().minus(daysAgo, ChronoUnit.DAYS),
            "INBOX");
  }

  private ApiClient.Reply putGoogle(Setup s, String keyFile, String... users) {
    StringBuilder json = new StringBuilder("{");
    if (keyFile != null) {
      json.append("\"serviceAccountKey\":").append(keyFile).append(',');
    }
    json.append("\"users\":[");
    for (int i = 0; i < users.length; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(users[i]).append('"');
    }
    return api().put(GOOGLE, s.org().adminToken(), json.append("]}").toString());
  }

  private JsonObject google(Setup s) {
    ApiClient.Reply reply = api().get(GOOGLE, s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    assertFalse(reply.body().contains("PRIVATE KEY"), "the key is write-only");
    return reply.json();
  }

  @Test
  void googleWorkspaceUsersAreCapturedWithTheServiceAccountsDelegatedTokens() {
    Setup s = setup();
    String email = serviceAccount();
    String keyFile = fake().newServiceAccountKey(email, READONLY);
    JsonObject key = jakarta.json.Json.createReader(new java.io.StringReader(keyFile)).readObject();
    String ada = workspaceUser("ada");
    String ben = workspaceUser("ben");
    gmailFromNora(ada, "Ada's Workspace renewal", 2);
    gmailFromNora(ben, "Ben's Workspace order", 4);
    gmailFromNora(ben, "Ben's ancient thread", 400); // outside the window

    ApiClient.Reply put = putGoogle(s, keyFile, ada, ben.toUpperCase());
    assertEquals(200, put.status(), put.body());
    assertFalse(put.body().contains("PRIVATE KEY"), "the key is write-only");
    assertEquals(email, put.json().getString("clientEmail"));
    assertEquals(key.getString("private_key_id"), put.json().getString("keyId"));
    assertEquals(key.getString("client_id"), put.json().getString("clientId"));
    assertEquals(2, mailboxes(put.json()).size());
    assertEquals(
        "backfilling", mailboxOf(put.json(), ada).getJsonObject("capture").getString("state"));
    assertEquals(
        "gmail", mailboxOf(put.json(), ada).getJsonObject("capture").getString("provider"));

    drain();

    assertEquals(Set.of("Ada's Workspace renewal", "Ben's Workspace order"), timeline(s));
    JsonObject after = google(s);
    assertEquals(
        List.of(ada, ben),
        after.getJsonArray("users").getValuesAs(jakarta.json.JsonString.class).stream()
            .map(jakarta.json.JsonString::getString)
            .toList());
    for (String u : List.of(ada, ben)) {
      JsonObject capture = mailboxOf(after, u).getJsonObject("capture");
      assertEquals("live", capture.getString("state"), capture.toString());
      assertEquals(1, capture.getInt("captured"));
      assertEquals(1, capture.getInt("estimatedTotal"), "Gmail's resultSizeEstimate");
      // one JWT-bearer grant per user: iss the service account, sub the user, gmail.readonly
      assertTrue(
          fake().delegationGrants.contains(email + " " + u + " " + READONLY),
          fake().delegationGrants.toString());
    }
    // Microsoft's org-wide list is apart: nobody is captured there.
    assertTrue(mailboxes(scope(s)).isEmpty());

    // The key stays when only the list changes; Ben taken off stops at once.
    ApiClient.Reply onlyAda = putGoogle(s, null, ada);
    assertEquals(200, onlyAda.status(), onlyAda.body());
    assertEquals(email, onlyAda.json().getString("clientEmail"));
    assertEquals(1, mailboxes(onlyAda.json()).size());
  }

  private static final String CALENDAR = "https://www.googleapis.com/auth/calendar.events.readonly";

  /** A meeting with Nora in the Workspace user's primary calendar, {@code inDays} ahead. */
  private static void meetingWithNora(String account, String summary, int inDays) {
    Instant start = Instant.now().plus(inDays, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
    fake().putGoogleMeeting(account, summary, start, List.of(NORA), "default");
  }

  @Test
  void workspaceMeetingsAreCapturedOnlyOnceTheAdminAuthorizedTheCalendarScopeToo() {
    Setup s = setup();
    String email = serviceAccount();
    String keyFile = fake().newServiceAccountKey(email, READONLY);
    String ada = workspaceUser("ada");
    gmailFromNora(ada, "Ada's agenda mail", 1);
    meetingWithNora(ada, "Ada's renewal call", 2);

    // Only the mail scope authorized: mail is captured, the calendar waits, the mailbox is live.
    ApiClient.Reply put = putGoogle(s, keyFile, ada);
    assertEquals(200, put.status(), put.body());
    drain();
    assertEquals(Set.of("Ada's agenda mail"), timeline(s));
    JsonObject capture = mailboxOf(google(s), ada).getJsonObject("capture");
    assertEquals("live", capture.getString("state"), capture.toString());
    assertTrue(
        fake().delegationGrants.stream().noneMatch(g -> g.endsWith(" " + CALENDAR)),
        "no calendar token was handed out: " + fake().delegationGrants);

    // A service account authorized for both scopes is uploaded: the next round (the poll's)
    // reads the calendar with a token of its own, and mail keeps its gmail.readonly one.
    String both = serviceAccount();
    String bothKey = fake().newServiceAccountKeyAuthorizedFor(both, Set.of(READONLY, CALENDAR));
    ApiClient.Reply again = putGoogle(s, bothKey, ada);
    assertEquals(200, again.status(), again.body());
    polling.pollReadNothingSince(Instant.now().plusSeconds(3600));
    drain();
    assertEquals(Set.of("Ada's agenda mail", "Ada's renewal call"), timeline(s));
    assertTrue(
        fake().delegationGrants.contains(both + " " + ada + " " + CALENDAR),
        fake().delegationGrants.toString());
    assertTrue(
        fake().delegationGrants.contains(both + " " + ada + " " + READONLY),
        "mail keeps its own gmail.readonly token: " + fake().delegationGrants);
    assertEquals("live", mailboxOf(google(s), ada).getJsonObject("capture").getString("state"));
  }

  @Test
  void aRefusedDelegationOrAStaleKeyShowsAsAnErrorInWordsWithoutAStormAtGoogle() {
    Setup s = setup();
    String email = serviceAccount();
    // No Workspace admin authorized the client id for domain-wide delegation.
    String keyFile = fake().newServiceAccountKey(email, null);
    String clientId =
        jakarta.json.Json.createReader(new java.io.StringReader(keyFile))
            .readObject()
            .getString("client_id");
    String ada = workspaceUser("ada");
    gmailFromNora(ada, "Never read", 1);
    int refusals = fake().delegationRefusals.get();
    assertEquals(200, putGoogle(s, keyFile, ada).status());
    drain();
    JsonObject capture = mailboxOf(google(s), ada).getJsonObject("capture");
    assertEquals("error", capture.getString("state"), capture.toString());
    String reason = capture.getString("reason");
    assertTrue(reason.contains("domain-wide delegation"), reason);
    assertTrue(reason.contains(clientId), reason);
    assertTrue(reason.contains(READONLY), reason);
    assertTrue(reason.contains("[unauthorized_client]"), reason);
    assertEquals(refusals + 1, fake().delegationRefusals.get());
    for (int i = 0; i < 2; i++) {
      polling.pollReadNothingSince(Instant.now().plusSeconds(3600));
      drain();
    }
    assertEquals(refusals + 1, fake().delegationRefusals.get(), "the refusal is held");
    assertFalse(timeline(s).contains("Never read"));

    // A key Google no longer has (a new key was made and the old one deleted): the signature
    // check against the service account's current public key fails.
    String other = serviceAccount();
    String stale = fake().newServiceAccountKey(other, READONLY);
    fake().newServiceAccountKey(other, READONLY);
    String ben = workspaceUser("ben");
    assertEquals(200, putGoogle(s, stale, ben).status());
    drain();
    JsonObject benCapture = mailboxOf(google(s), ben).getJsonObject("capture");
    assertEquals("error", benCapture.getString("state"), benCapture.toString());
    assertTrue(
        benCapture.getString("reason").contains("no longer accepts the service account's key"),
        benCapture.getString("reason"));
    assertFalse(benCapture.getString("reason").contains("PRIVATE"));
  }

  @Test
  void anInvalidKeyFileIsRefusedWithTheFieldNamedAndRepsAreRefused() {
    Setup s = setup();
    ApiClient.Reply noKey = putGoogle(s, null, "ada@workspace.example");
    assertEquals(400, noKey.status(), noKey.body());
    assertTrue(noKey.body().contains("serviceAccountKey"), noKey.body());

    ApiClient.Reply notJson = putGoogle(s, "\"not a key file\"", "ada@workspace.example");
    assertEquals(400, notJson.status(), notJson.body());
    assertTrue(notJson.body().contains("serviceAccountKey"), notJson.body());

    ApiClient.Reply wrongType =
        putGoogle(s, "{\"type\":\"authorized_user\"}", "ada@workspace.example");
    assertEquals(400, wrongType.status(), wrongType.body());
    assertTrue(wrongType.body().contains("serviceAccountKey.type"), wrongType.body());

    String good = fake().newServiceAccountKey(serviceAccount(), READONLY);
    JsonObject file = jakarta.json.Json.createReader(new java.io.StringReader(good)).readObject();
    String badKey =
        jakarta.json.Json.createObjectBuilder(file)
            .add(
                "private_key", "-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----\n")
            .build()
            .toString();
    ApiClient.Reply unreadable = putGoogle(s, badKey, "ada@workspace.example");
    assertEquals(400, unreadable.status(), unreadable.body());
    assertTrue(unreadable.body().contains("serviceAccountKey.private_key"), unreadable.body());
    assertFalse(unreadable.body().contains("bm9wZQ"), "the key's bytes are not echoed");

    String noEmail =
        jakarta.json.Json.createObjectBuilder(file).remove("client_email").build().toString();
    ApiClient.Reply missing = putGoogle(s, noEmail, "ada@workspace.example");
    assertEquals(400, missing.status(), missing.body());
    assertTrue(missing.body().contains("serviceAccountKey.client_email"), missing.body());

    ApiClient.Reply notMail = putGoogle(s, good, "ada");
    assertEquals(400, notMail.status(), notMail.body());
    assertTrue(notMail.body().contains("users[0]"), notMail.body());

    assertEquals(403, api().get(GOOGLE, s.org().repToken()).status());
    assertEquals(403, api().put(GOOGLE, s.org().repToken(), "{\"users\":[]}").status());
    JsonObject nothing = google(s);
    assertTrue(nothing.isNull("clientEmail"), nothing.toString());
    assertTrue(mailboxes(nothing).isEmpty());
  }
}
