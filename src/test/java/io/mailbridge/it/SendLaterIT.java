package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.productivity.control.SendProgress;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
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
 * Send later against the fake Graph and Gmail in their wire formats: a message sent once at its
 * time, in Sent Items and logged to the chosen record; cancel and reschedule; a permanent failure
 * shown with its reason; a retry after an answer that was lost (the provider took the message) that
 * does not send twice, and one after an outage that does send; requests that are refused. The
 * suite's timer pump is off: each test runs the due jobs itself.
 */
@ExtendWith(ArquillianExtension.class)
class SendLaterIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  private static final String NORA = "nora.field@fabrikam.example";

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject RawDatabase raw;
  @Inject SendProgress progress;
  @Inject io.mailbridge.platform.jobs.control.JobPump pump;
  @Inject io.mailbridge.mailbox.control.MessageSenders senders;
  @Inject io.mailbridge.mailbox.control.MailboxOfCaller mailboxes;

  private static FakeProviders fake() {
    return FakeProviders.get();
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  private record Setup(Org org, String account, String mailboxId, String nora) {}

  private Setup setup(String provider) {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String account = OAuthOrgs.account("later");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), provider, account);
    String nora = testOrgs.contact(org.admin().orgId(), "Nora", "Field", NORA);
    return new Setup(org, account, mailboxId, nora);
  }

  private static String draft(String from, String subject, String messageIdHeader) {
    String mime =
        "MIME-Version: 1.0\r\nFrom: "
            + from
            + "\r\nTo: "
            + NORA
            + "\r\nSubject: "
            + subject
            + "\r\n"
            + messageIdHeader
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello Nora, about "
            + subject
            + "\r\n";
    return Base64.getEncoder().encodeToString(mime.getBytes(StandardCharsets.UTF_8));
  }

  private ApiClient.Reply schedule(Setup s, Instant at, String mime, String... records) {
    JsonObjectBuilder body =
        Json.createObjectBuilder()
            .add("mailboxId", s.mailboxId())
            .add("sendAt", at.toString())
            .add("mime", mime);
    var ids = Json.createArrayBuilder();
    for (String r : records) {
      ids.add(r);
    }
    body.add("recordIds", ids);
    return api().post("/api/scheduled-sends", s.org().repToken(), body.build().toString());
  }

  private JsonObject get(Setup s, String id) {
    ApiClient.Reply reply = api().get("/api/scheduled-sends/" + id, s.org().repToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  /** Claims and runs one due job, as one tick of one pump would; false when none was due. */
  private boolean step() {
    return step("it-send-later");
  }

  private boolean step(String pump) {
    List<ClaimedJob> claimed = jobs.claim(pump, 1, Duration.ofMinutes(5));
    if (claimed.isEmpty()) {
      return false;
    }
    runner.run(claimed.get(0));
    return true;
  }

  private int drain() {
    int ran = 0;
    while (step()) {
      ran++;
    }
    return ran;
  }

  /** Makes the send's waiting jobs (a retry after back-off) due now. */
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

  @Test
  void graphSendsOnceAtItsTimeIntoSentItemsAndLogsIt() {
    Setup s = setup("microsoft");
    String subject = "Offer " + UUID.randomUUID();
    ApiClient.Reply created = schedule(s, Instant.now(), draft(s.account(), subject, ""), s.nora());
    assertEquals(201, created.status(), created.body());
    JsonObject send = created.json();
    String id = send.getString("id");
    String messageId = send.getString("messageId");
    assertTrue(messageId.matches("<[0-9a-f]{32}\\.sendlater@customer\\.example>"), messageId);
    assertEquals("SCHEDULED", send.getString("state"));
    assertEquals(subject, send.getString("subject"));

    drain();
    JsonObject sent = get(s, id);
    assertEquals("SENT", sent.getString("state"), sent.toString());
    assertNotNull(sent.getString("sentAt"));
    assertFalse(sent.isNull("activityId"), sent.toString());
    assertEquals(List.of(messageId), fake().graphSentMessageIds(s.account()));
    assertTrue(timelineSubjects(s).contains(subject));

    // Nothing is left to do: a second pass sends nothing.
    drain();
    assertEquals(List.of(messageId), fake().graphSentMessageIds(s.account()));

    // The list is the caller's own; another user of the org and another org see nothing.
    ApiClient.Reply list = api().get("/api/scheduled-sends", s.org().repToken());
    assertEquals(200, list.status(), list.body());
    assertEquals(1, list.json().getJsonArray("items").size());
    assertEquals(
        0,
        api()
            .get("/api/scheduled-sends", s.org().adminToken())
            .json()
            .getJsonArray("items")
            .size());
    assertEquals(404, api().get("/api/scheduled-sends/" + id, s.org().adminToken()).status());
    Org other = OAuthOrgs.create(testOrgs, api(), fake());
    assertEquals(404, api().get("/api/scheduled-sends/" + id, other.repToken()).status());
    assertEquals(404, api().delete("/api/scheduled-sends/" + id, other.repToken()).status());
    assertEquals(
        404,
        api()
            .patch(
                "/api/scheduled-sends/" + id,
                other.repToken(),
                "{\"sendAt\":\"" + Instant.now() + "\"}")
            .status());
    // A sent message is neither cancelled nor moved.
    assertEquals(409, api().delete("/api/scheduled-sends/" + id, s.org().repToken()).status());
  }

  @Test
  void gmailSendsComposedMessageWithAttachmentOnceAndLogsIt() {
    Setup s = setup("google");
    String subject = "Contract " + UUID.randomUUID();
    String body =
        Json.createObjectBuilder()
            .add("sendAt", Instant.now().toString())
            .add(
                "message",
                Json.createObjectBuilder()
                    .add("to", Json.createArrayBuilder().add(NORA))
                    .add("subject", subject)
                    .add("text", "Please find the contract attached.")
                    .add(
                        "attachments",
                        Json.createArrayBuilder()
                            .add(
                                Json.createObjectBuilder()
                                    .add("name", "contract.pdf")
                                    .add("contentType", "application/pdf")
                                    .add(
                                        "content",
                                        Base64.getEncoder()
                                            .encodeToString(
                                                "%PDF-1.4 contract"
                                                    .getBytes(StandardCharsets.UTF_8))))))
            .add("recordIds", Json.createArrayBuilder().add(s.nora()))
            .build()
            .toString();
    // Without mailboxId: the rep's only mailbox that can send.
    ApiClient.Reply created = api().post("/api/scheduled-sends", s.org().repToken(), body);
    assertEquals(201, created.status(), created.body());
    String id = created.json().getString("id");
    String messageId = created.json().getString("messageId");
    assertEquals(s.mailboxId(), created.json().getString("mailboxId"));

    drain();
    JsonObject sent = get(s, id);
    assertEquals("SENT", sent.getString("state"), sent.toString());
    assertEquals(List.of(messageId), fake().gmailSent.get(s.account()));
    byte[] rawSent =
        fake().gmail.get(s.account()).values().stream()
            .filter(m -> messageId.equals(FakeProviders.messageIdOf(m.raw())))
            .findFirst()
            .orElseThrow()
            .raw();
    String text = new String(rawSent, StandardCharsets.UTF_8);
    assertTrue(text.contains("contract.pdf"), "the attachment went out with the message");
    assertTrue(timelineSubjects(s).contains(subject));
    drain();
    assertEquals(List.of(messageId), fake().gmailSent.get(s.account()));
  }

  @Test
  void cancelledSendsAreNotSentAndRescheduledOnesGoAtTheirNewTime() throws Exception {
    Setup s = setup("microsoft");
    // Cancelled before its time: its job finds nothing to do.
    String cancelled =
        schedule(s, Instant.now(), draft(s.account(), "Cancelled", "")).json().getString("id");
    ApiClient.Reply cancel = api().delete("/api/scheduled-sends/" + cancelled, s.org().repToken());
    assertEquals(200, cancel.status(), cancel.body());
    assertEquals("CANCELLED", cancel.json().getString("state"));
    assertEquals(
        409, api().delete("/api/scheduled-sends/" + cancelled, s.org().repToken()).status());
    assertEquals(
        409,
        api()
            .patch(
                "/api/scheduled-sends/" + cancelled,
                s.org().repToken(),
                "{\"sendAt\":\"" + Instant.now() + "\"}")
            .status());

    // Moved an hour ahead: the job of the first time sends nothing.
    String later =
        schedule(s, Instant.now(), draft(s.account(), "Later", "")).json().getString("id");
    ApiClient.Reply moved =
        api()
            .patch(
                "/api/scheduled-sends/" + later,
                s.org().repToken(),
                "{\"sendAt\":\"" + Instant.now().plusSeconds(3600) + "\"}");
    assertEquals(200, moved.status(), moved.body());

    // Moved from tomorrow to now: sent now, once.
    String sooner =
        schedule(s, Instant.now().plusSeconds(86_400), draft(s.account(), "Sooner", ""))
            .json()
            .getString("id");
    drain();
    assertEquals(List.of(), fake().graphSentMessageIds(s.account()), "nothing was due");
    ApiClient.Reply now =
        api()
            .patch(
                "/api/scheduled-sends/" + sooner,
                s.org().repToken(),
                "{\"sendAt\":\"" + Instant.now() + "\"}");
    assertEquals(200, now.status(), now.body());
    drain();
    assertEquals(
        List.of(get(s, sooner).getString("messageId")), fake().graphSentMessageIds(s.account()));
    assertEquals("SENT", get(s, sooner).getString("state"));
    assertEquals("CANCELLED", get(s, cancelled).getString("state"));
    assertEquals("SCHEDULED", get(s, later).getString("state"));
  }

  private static final String CANNOT_SEND =
      " yet: reconnect the mailbox to allow sending (My mailboxes → Reconnect).";

  @Test
  void aMicrosoftConnectionMadeBeforeMailSendIsRefusedUntilReconnected() throws Exception {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String account = OAuthOrgs.account("before-send");
    // Connected before Mailbridge asked for Mail.Send: the consent granted what was asked then.
    fake()
        .grantedScopes
        .put(
            account,
            "openid email profile offline_access https://graph.microsoft.com/Mail.ReadWrite.Shared"
                + " https://graph.microsoft.com/User.Read");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "microsoft", account);
    String nora = testOrgs.contact(org.admin().orgId(), "Nora", "Field", NORA);
    Setup s = new Setup(org, account, mailboxId, nora);
    JsonObject listed = mailbox(s);
    assertFalse(listed.getBoolean("canSend"), listed.toString());
    assertEquals("/api/oauth/microsoft/start", listed.getString("reconnect"), listed.toString());

    ApiClient.Reply refused = schedule(s, Instant.now(), draft(account, "Too early", ""), nora);
    assertEquals(409, refused.status(), refused.body());
    assertEquals("mailbox_cannot_send", refused.error());
    assertEquals(
        "Mailbridge may not send from " + account + CANNOT_SEND,
        refused.json().getString("message"));
    assertEquals(
        0, api().get("/api/scheduled-sends", org.repToken()).json().getJsonArray("items").size());

    // Its token runs out: the refresh asks only what was granted (the fake Entra, like Entra,
    // refuses a refresh asking for more with invalid_grant, which would end the connection).
    raw.update(
        "UPDATE mailbox_connection SET access_expires_at = ? WHERE id = ?",
        SqlTime.utc(Instant.now().minusSeconds(60)),
        mailboxId);
    // Were Mailbridge to call sendMail anyway, the fake Graph refuses the token without Mail.Send.
    int denied = fake().graphSendsDenied.get();
    io.mailbridge.mailbox.control.SendRefused byGraph =
        assertThrows(
            io.mailbridge.mailbox.control.SendRefused.class,
            () ->
                senders
                    .of(io.mailbridge.mailbox.control.MailboxKind.GRAPH)
                    .orElseThrow()
                    .send(
                        mailboxes.connection(org.rep().orgId(), mailboxId),
                        "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(denied + 1, fake().graphSendsDenied.get(), byGraph.getMessage());
    assertEquals("active", mailbox(s).getString("state"), "the refresh was not refused");
    assertFalse(mailbox(s).getBoolean("canSend"));

    // The rep reconnects (My mailboxes → Reconnect), now granting everything asked, Mail.Send too.
    fake().grantedScopes.remove(account);
    assertEquals(mailboxId, OAuthOrgs.connect(base(), org.repToken(), "microsoft", account));
    listed = mailbox(s);
    assertTrue(listed.getBoolean("canSend"), listed.toString());
    assertTrue(listed.isNull("reconnect"), listed.toString());
    int sendMailCalls = sendMailRequests();
    String subject = "Now allowed " + UUID.randomUUID();
    ApiClient.Reply created = schedule(s, Instant.now(), draft(account, subject, ""), nora);
    assertEquals(201, created.status(), created.body());
    drain();
    JsonObject sent = get(s, created.json().getString("id"));
    assertEquals("SENT", sent.getString("state"), sent.toString());
    assertEquals(List.of(sent.getString("messageId")), fake().graphSentMessageIds(account), "once");
    assertEquals(sendMailCalls + 1, sendMailRequests());
  }

  @Test
  void aSendScheduledBeforeTheConnectionLostSendingFailsAtOnceWithoutCallingGraph()
      throws Exception {
    Setup s = setup("microsoft");
    String id =
        schedule(s, Instant.now(), draft(s.account(), "Scheduled earlier", ""))
            .json()
            .getString("id");
    // As a send scheduled on a connection from before Mail.Send was asked for: its scopes lack it.
    raw.update(
        "UPDATE mailbox_connection SET scopes = ? WHERE id = ?",
        "https://graph.microsoft.com/mail.readwrite.shared https://graph.microsoft.com/user.read",
        s.mailboxId());
    int sendMailCalls = sendMailRequests();
    drain();
    JsonObject failed = get(s, id);
    assertEquals("FAILED", failed.getString("state"), failed.toString());
    assertEquals(
        "Mailbridge may not send from " + s.account() + CANNOT_SEND,
        failed.getString("problem"),
        failed.toString());
    assertEquals(1, failed.getInt("attempts"), "not retried");
    assertEquals(sendMailCalls, sendMailRequests(), "Graph was not called");
    assertEquals(List.of(), fake().graphSentMessageIds(s.account()));
  }

  private JsonObject mailbox(Setup s) {
    return OAuthOrgs.mailboxes(api(), s.org().repToken()).stream()
        .filter(m -> m.getString("id").equals(s.mailboxId()))
        .findFirst()
        .orElseThrow();
  }

  private static int sendMailRequests() {
    return (int)
        fake().graphRequests.stream()
            .filter(r -> r.startsWith("POST ") && r.contains("/sendMail"))
            .count();
  }

  @Test
  void aPermanentFailureReachesTheRepWithAReason() {
    Setup s = setup("microsoft");
    String id =
        schedule(s, Instant.now(), draft(s.account(), "Refused", "")).json().getString("id");
    // The rep removed Mailbridge's access at Microsoft: every call is refused from now on.
    fake().revokeAllOf(s.account());
    drain();
    JsonObject failed = get(s, id);
    assertEquals("FAILED", failed.getString("state"), failed.toString());
    assertTrue(failed.getString("problem").contains("connect it again"), failed.toString());
    assertEquals(1, failed.getInt("attempts"), "not retried");
    assertEquals(List.of(), fake().graphSentMessageIds(s.account()));
    // A failed send may be cancelled (or scheduled again).
    assertEquals(200, api().delete("/api/scheduled-sends/" + id, s.org().repToken()).status());
  }

  @Test
  void aRetryAfterALostAnswerDoesNotSendTwice() throws Exception {
    Setup s = setup("microsoft");
    String messageId = "<" + UUID.randomUUID() + "@customer.example>";
    String id =
        schedule(s, Instant.now(), draft(s.account(), "Lost", "Message-ID: " + messageId + "\r\n"))
            .json()
            .getString("id");
    fake().graphSendAnswersLost.set(1);
    drain();
    JsonObject retrying = get(s, id);
    assertEquals("SCHEDULED", retrying.getString("state"), retrying.toString());
    assertEquals(1, retrying.getInt("attempts"));
    assertFalse(retrying.isNull("problem"), "the rep sees why it waits");
    assertEquals(messageId, retrying.getString("messageId"), "the draft's Message-ID is kept");
    // Graph took the message although Mailbridge saw 504.
    assertEquals(List.of(messageId), fake().graphSentMessageIds(s.account()));

    dueNow(id);
    drain();
    JsonObject sent = get(s, id);
    assertEquals("SENT", sent.getString("state"), sent.toString());
    assertEquals(2, sent.getInt("attempts"));
    assertEquals(List.of(messageId), fake().graphSentMessageIds(s.account()), "sent once");
  }

  @Test
  void aNodeKilledAfterTheProviderTookTheMessageDoesNotMakeItGoTwice() throws Exception {
    Setup s = setup("microsoft");
    String id = schedule(s, Instant.now(), draft(s.account(), "Killed", "")).json().getString("id");
    // A node takes the job with a short lease, records SENDING, hands the message to Graph, and
    // dies before it records anything else.
    // The suite shares one queue, which hands out the oldest due job first: other tests' jobs due
    // before this one are run on the way.
    ClaimedJob dying = null;
    for (int i = 0; i < 100 && dying == null; i++) {
      List<ClaimedJob> claimed = jobs.claim("it-dying-node", 1, Duration.ofSeconds(1));
      assertEquals(1, claimed.size(), "the schedule queued its send");
      if (claimed.get(0).payload().equals(id + ":0")) {
        dying = claimed.get(0);
      } else {
        runner.run(claimed.get(0));
      }
    }
    assertNotNull(dying, "the send was claimed");
    SendProgress.Taken taken = progress.take(s.org().rep().orgId(), id, 0);
    assertNotNull(taken);
    senders
        .of(io.mailbridge.mailbox.control.MailboxKind.GRAPH)
        .orElseThrow()
        .send(mailboxes.connection(taken.orgId(), taken.mailboxId()), taken.mime());
    assertEquals("SENDING", get(s, id).getString("state"));
    assertEquals(
        409,
        api().delete("/api/scheduled-sends/" + id, s.org().repToken()).status(),
        "not cancelled while it may be going out");

    Thread.sleep(1_500); // the dead node's lease runs out; another pump takes the job over
    drain();
    JsonObject sent = get(s, id);
    assertEquals("SENT", sent.getString("state"), sent.toString());
    assertEquals(
        List.of(sent.getString("messageId")), fake().graphSentMessageIds(s.account()), "once");
  }

  /**
   * The node's own pump runs jobs on the managed executor's threads, not on a request's: the send
   * and its logging must work there too (they once did not: the activity's links went through a
   * connection the executor's context did not share with the transaction's).
   */
  @Test
  void theNodesPumpSendsOnItsExecutorAndLogsTheSentMessage() throws Exception {
    Setup s = setup("google");
    String subject = "Pumped " + UUID.randomUUID();
    String id =
        schedule(s, Instant.now(), draft(s.account(), subject, ""), s.nora())
            .json()
            .getString("id");
    JsonObject send = get(s, id);
    for (int i = 0; i < 120 && !send.getString("state").equals("SENT"); i++) {
      pump.dispatch();
      Thread.sleep(500);
      send = get(s, id);
    }
    assertEquals("SENT", send.getString("state"), send.toString());
    assertEquals(1, send.getInt("attempts"), "logged on the first attempt: " + send);
    assertTrue(timelineSubjects(s).contains(subject), "logged to Nora's timeline");
  }

  @Test
  void twoPumpsDrainingTheQueueAtOnceSendEachMessageOnce() throws Exception {
    Setup s = setup("google");
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(
          schedule(s, Instant.now(), draft(s.account(), "Two pumps " + i, ""))
              .json()
              .getString("id"));
    }
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.ExecutorService nodes =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<Integer>> ran = new java.util.ArrayList<>();
      for (String node : List.of("it-node-a", "it-node-b")) {
        ran.add(
            nodes.submit(
                () -> {
                  together.await();
                  int count = 0;
                  while (step(node)) {
                    count++;
                  }
                  return count;
                }));
      }
      for (java.util.concurrent.Future<Integer> r : ran) {
        r.get(5, java.util.concurrent.TimeUnit.MINUTES);
      }
    } finally {
      nodes.shutdownNow();
    }
    List<String> messageIds = new java.util.ArrayList<>();
    for (String id : ids) {
      JsonObject sent = get(s, id);
      assertEquals("SENT", sent.getString("state"), sent.toString());
      assertEquals(1, sent.getInt("attempts"), "one attempt: " + sent);
      messageIds.add(sent.getString("messageId"));
    }
    List<String> atGmail = fake().gmailSent.get(s.account());
    assertEquals(
        new java.util.TreeSet<>(messageIds),
        new java.util.TreeSet<>(atGmail),
        "every message reached Gmail");
    assertEquals(ids.size(), atGmail.size(), "and each of them once: " + atGmail);
  }

  @Test
  void gmailRetryAfterALostAnswerDoesNotSendTwice() throws Exception {
    Setup s = setup("google");
    String id =
        schedule(s, Instant.now(), draft(s.account(), "Lost in Gmail", "")).json().getString("id");
    fake().gmailSendAnswersLost.set(1);
    drain();
    assertEquals("SCHEDULED", get(s, id).getString("state"));
    assertEquals(1, fake().gmailSent.get(s.account()).size());
    dueNow(id);
    drain();
    assertEquals("SENT", get(s, id).getString("state"));
    assertEquals(
        List.of(get(s, id).getString("messageId")), fake().gmailSent.get(s.account()), "sent once");
  }

  @Test
  void aRetryAfterAnOutageSends() throws Exception {
    Setup s = setup("microsoft");
    String id = schedule(s, Instant.now(), draft(s.account(), "Outage", "")).json().getString("id");
    fake().graphSendOutages.set(1);
    drain();
    assertEquals("SCHEDULED", get(s, id).getString("state"));
    assertEquals(List.of(), fake().graphSentMessageIds(s.account()));
    dueNow(id);
    drain();
    assertEquals("SENT", get(s, id).getString("state"));
    assertEquals(
        List.of(get(s, id).getString("messageId")), fake().graphSentMessageIds(s.account()));
  }

  @Test
  void requestsThatCannotBeScheduledAreRefused() {
    Setup s = setup("microsoft");
    String token = s.org().repToken();
    String mime = draft(s.account(), "x", "");
    assertEquals(
        400, api().post("/api/scheduled-sends", token, "{\"mime\":\"" + mime + "\"}").status());
    assertEquals(
        400,
        api()
            .post(
                "/api/scheduled-sends",
                token,
                "{\"sendAt\":\""
                    + Instant.now().minusSeconds(3600)
                    + "\",\"mime\":\""
                    + mime
                    + "\"}")
            .status(),
        "in the past");
    assertEquals(
        400,
        api()
            .post(
                "/api/scheduled-sends",
                token,
                "{\"sendAt\":\"tomorrow\",\"mime\":\"" + mime + "\"}")
            .status());
    assertEquals(
        400,
        api()
            .post(
                "/api/scheduled-sends",
                token,
                "{\"sendAt\":\"" + Instant.now() + "\",\"mime\":\"%%%\"}")
            .status(),
        "not base64");
    assertEquals(
        400,
        api()
            .post(
                "/api/scheduled-sends",
                token,
                "{\"sendAt\":\""
                    + Instant.now()
                    + "\",\"mime\":\""
                    + mime
                    + "\",\"message\":{\"to\":[\"a@b.example\"]}}")
            .status(),
        "both mime and fields");
    ApiClient.Reply badId =
        schedule(s, Instant.now(), draft(s.account(), "x", "Message-ID: <a b@c>\r\n"));
    assertEquals(400, badId.status(), badId.body());
    assertEquals(404, schedule(s, Instant.now(), mime, "nosuchrecord").status());
    ApiClient.Reply notMine =
        api()
            .post(
                "/api/scheduled-sends",
                s.org().adminToken(),
                "{\"mailboxId\":\""
                    + s.mailboxId()
                    + "\",\"sendAt\":\""
                    + Instant.now()
                    + "\",\"mime\":\""
                    + mime
                    + "\"}");
    assertEquals(404, notMine.status(), "another user's mailbox");
    ApiClient.Reply noMailbox =
        api()
            .post(
                "/api/scheduled-sends",
                s.org().adminToken(),
                "{\"sendAt\":\"" + Instant.now() + "\",\"mime\":\"" + mime + "\"}");
    assertEquals(409, noMailbox.status(), noMailbox.body());
    assertEquals("mailbox_not_connected", noMailbox.error());
    assertEquals(List.of(), fake().graphSentMessageIds(s.account()));
  }
}
