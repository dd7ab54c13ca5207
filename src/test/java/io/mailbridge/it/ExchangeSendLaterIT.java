package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MessageSenders;
import io.mailbridge.mailbox.control.SendingMailboxes;
import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.productivity.control.SendProgress;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Send later from Exchange on-premises against the fake Exchange in EWS's SOAP: the org's service
 * account (Basic) impersonates the rep, CreateItem SendAndSaveCopy sends the stored MIME once into
 * the rep's Sent Items and the message is logged; a retry after an answer that was lost, or after a
 * node died mid-send, finds the Message-ID in Sent Items (FindItem) and does not send again; a
 * refusal that will not pass ends the send as failed with the reason the rep sees. The suite's
 * timer pump is off: each test runs the due jobs itself.
 */
@ExtendWith(ArquillianExtension.class)
class ExchangeSendLaterIT {

  private static final String USER = "svc-mailbridge";
  private static final String PASSWORD = "correct exchange password";
  private static final String NORA = "nora.field@fabrikam.example";

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject RawDatabase raw;
  @Inject SendProgress progress;
  @Inject MessageSenders senders;
  @Inject SendingMailboxes sending;

  /** One fake Exchange for the class, over plain HTTP on loopback (allowed per host). */
  static final class Shared {
    static final FakeExchange FAKE = start();

    private static FakeExchange start() {
      FakeExchange fake = FakeExchange.start();
      fake.requireBasic(USER, PASSWORD);
      return fake;
    }
  }

  private static FakeExchange fake() {
    return Shared.FAKE;
  }

  private ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + request.getLocalPort());
  }

  private record Setup(TestOrgs.SignedInOrg org, String rep, String nora) {}

  /** An org with its Exchange connection listing the rep, whom the service account may act as. */
  private Setup setup() {
    TestOrgs.SignedInOrg org = testOrgs.signedIn("exchange-later", api());
    ApiClient.Reply hosts =
        api()
            .put(
                "/api/admin/exchange/hosts",
                org.adminToken(),
                "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]");
    assertEquals(200, hosts.status(), hosts.body());
    String rep = org.rep().email();
    ApiClient.Reply connection =
        api()
            .put(
                "/api/admin/exchange/connection",
                org.adminToken(),
                Json.createObjectBuilder()
                    .add("ewsUrl", fake().ewsUrl())
                    .add("auth", "basic")
                    .add("username", USER)
                    .add("password", PASSWORD)
                    .add("users", Json.createArrayBuilder().add(rep))
                    .build()
                    .toString());
    assertEquals(200, connection.status(), connection.body());
    fake().impersonable.add(rep);
    String nora = testOrgs.contact(org.orgId(), "Nora", "Field", NORA);
    return new Setup(org, rep, nora);
  }

  private static String draft(String from, String subject, String messageId) {
    String mime =
        "MIME-Version: 1.0\r\nFrom: "
            + from
            + "\r\nTo: "
            + NORA
            + "\r\nSubject: "
            + subject
            + "\r\nMessage-ID: "
            + messageId
            + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello Nora, about "
            + subject
            + "\r\n";
    return Base64.getEncoder().encodeToString(mime.getBytes(StandardCharsets.UTF_8));
  }

  private JsonObject schedule(Setup s, String subject, String messageId) {
    ApiClient.Reply created =
        api()
            .post(
                "/api/scheduled-sends",
                s.org().repToken(),
                Json.createObjectBuilder()
                    .add("sendAt", Instant.now().toString())
                    .add("mime", draft(s.rep(), subject, messageId))
                    .add("recordIds", Json.createArrayBuilder().add(s.nora()))
                    .build()
                    .toString());
    assertEquals(201, created.status(), created.body());
    return created.json();
  }

  private JsonObject get(Setup s, String id) {
    ApiClient.Reply reply = api().get("/api/scheduled-sends/" + id, s.org().repToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  private boolean step() {
    List<ClaimedJob> claimed = jobs.claim("it-ews-send-later", 1, Duration.ofMinutes(5));
    if (claimed.isEmpty()) {
      return false;
    }
    runner.run(claimed.get(0));
    return true;
  }

  private void drain() {
    while (step()) {
      // runs every due job
    }
  }

  private void dueNow(String sendId) throws Exception {
    raw.update(
        "UPDATE job SET run_at = ? WHERE kind = 'productivity.send-later' AND payload LIKE ?"
            + " AND state = 'READY'",
        SqlTime.utc(Instant.now().minusSeconds(1)),
        sendId + ":%");
  }

  private List<String> timelineSubjects(Setup s) {
    ApiClient.Reply reply =
        api()
            .get("/api/records/contacts/" + s.nora() + "/timeline?limit=200", s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(i -> i.getString("subject", ""))
        .toList();
  }

  private static String messageId() {
    return "<" + UUID.randomUUID() + "@it.example>";
  }

  @Test
  void sentOnceIntoTheRepsSentItemsAsTheRepAndLogged() {
    Setup s = setup();
    String subject = "EWS offer " + UUID.randomUUID();
    String messageId = messageId();
    JsonObject created = schedule(s, subject, messageId);
    assertEquals(messageId, created.getString("messageId"));
    int before = fake().ewsRequests.size();

    drain();

    JsonObject sent = get(s, created.getString("id"));
    assertEquals("SENT", sent.getString("state"), sent.toString());
    assertEquals(1, sent.getInt("attempts"));
    assertFalse(sent.isNull("activityId"), "logged");
    assertEquals(List.of(messageId), fake().sentMessageIds(s.rep()));
    assertTrue(timelineSubjects(s).contains(subject), "on Nora's timeline");
    // First the Sent Items check, then the send; both as the service account acting as the rep.
    // Capture over EWS reads the listed users' mailboxes in the same drain (SyncFolderItems,
    // GetItem); the send is the FindItem and the CreateItem.
    List<FakeExchange.Received> calls =
        fake().ewsRequests.subList(before, fake().ewsRequests.size()).stream()
            .filter(
                c -> c.soapAction().contains("/FindItem") || c.soapAction().contains("/CreateItem"))
            .toList();
    assertEquals(2, calls.size(), calls.toString());
    assertTrue(
        calls.get(0).soapAction().contains("/2006/messages/FindItem"), calls.get(0).soapAction());
    assertTrue(
        calls.get(1).soapAction().contains("/2006/messages/CreateItem"), calls.get(1).soapAction());
    for (FakeExchange.Received call : calls) {
      assertEquals(s.rep(), call.anchorMailbox());
      assertTrue(call.authorization().startsWith("Basic "));
      assertTrue(
          call.body().contains("<PrimarySmtpAddress>" + s.rep())
              || call.body().contains(":PrimarySmtpAddress>" + s.rep()),
          call.body());
    }
    assertFalse(calls.get(1).body().contains(PASSWORD));

    drain();
    assertEquals(List.of(messageId), fake().sentMessageIds(s.rep()), "still once");
  }

  @Test
  void aRetryAfterTheAnswerWasLostFindsTheMessageAndDoesNotSendAgain() throws Exception {
    Setup s = setup();
    String messageId = messageId();
    String id = schedule(s, "Lost answer", messageId).getString("id");
    fake().createItemAnswersLost.set(1);
    drain();
    JsonObject waiting = get(s, id);
    assertEquals("SCHEDULED", waiting.getString("state"), waiting.toString());
    assertEquals(1, waiting.getInt("attempts"));
    assertFalse(waiting.isNull("problem"), "the rep sees why it waits");
    // Exchange took the message although Mailbridge saw a failure.
    assertEquals(List.of(messageId), fake().sentMessageIds(s.rep()));

    dueNow(id);
    drain();
    JsonObject sent = get(s, id);
    assertEquals("SENT", sent.getString("state"), sent.toString());
    assertEquals(2, sent.getInt("attempts"));
    assertFalse(sent.isNull("activityId"), "logged");
    assertEquals(List.of(messageId), fake().sentMessageIds(s.rep()), "sent once");
  }

  @Test
  void aNodeKilledMidSendDoesNotMakeItGoTwice() throws Exception {
    Setup s = setup();
    String messageId = messageId();
    String id = schedule(s, "Killed node", messageId).getString("id");
    // A node takes the job with a short lease, records SENDING, hands the message to Exchange and
    // dies before it records anything else.
    List<ClaimedJob> claimed = jobs.claim("it-dying-node", 1, Duration.ofSeconds(1));
    assertEquals(1, claimed.size());
    SendProgress.Taken taken = progress.take(s.org().orgId(), id, 0);
    assertNotNull(taken);
    senders
        .of(MailboxKind.EXCHANGE)
        .orElseThrow()
        .send(sending.access(taken.orgId(), taken.userId(), taken.mailboxId()), taken.mime());
    assertEquals("SENDING", get(s, id).getString("state"));

    Thread.sleep(1_500); // the dead node's lease runs out; another pump takes the job over
    drain();
    JsonObject sent = get(s, id);
    assertEquals("SENT", sent.getString("state"), sent.toString());
    assertEquals(List.of(messageId), fake().sentMessageIds(s.rep()), "once");
    assertTrue(timelineSubjects(s).contains("Killed node"));
  }

  @Test
  void aPermanentRefusalReachesTheRepWithTheReason() {
    Setup s = setup();
    String id = schedule(s, "Refused", messageId()).getString("id");
    // The Exchange admin took the rep out of the service account's impersonation scope.
    fake().impersonable.remove(s.rep());
    drain();
    JsonObject failed = get(s, id);
    assertEquals("FAILED", failed.getString("state"), failed.toString());
    assertEquals(1, failed.getInt("attempts"), "not retried");
    assertTrue(
        failed.getString("problem").contains("ErrorImpersonateUserDenied"), failed.toString());
    assertEquals(List.of(), fake().sentMessageIds(s.rep()));
  }

  @Test
  void aRepOutsideTheConnectionsUsersCannotScheduleFromExchange() {
    Setup s = setup();
    ApiClient.Reply other =
        api()
            .put(
                "/api/admin/exchange/connection",
                s.org().adminToken(),
                Json.createObjectBuilder()
                    .add("ewsUrl", fake().ewsUrl())
                    .add("auth", "basic")
                    .add("username", USER)
                    .add("users", Json.createArrayBuilder().add("someone.else@it.example"))
                    .build()
                    .toString());
    assertEquals(200, other.status(), other.body());
    ApiClient.Reply refused =
        api()
            .post(
                "/api/scheduled-sends",
                s.org().repToken(),
                Json.createObjectBuilder()
                    .add("sendAt", Instant.now().toString())
                    .add("mime", draft(s.rep(), "Nope", messageId()))
                    .build()
                    .toString());
    assertEquals(409, refused.status(), refused.body());
    assertEquals("mailbox_not_connected", refused.json().getString("error"));
  }
}
