package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxCannotSend;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxReauthRequired;
import io.mailbridge.mailbox.control.MessageSender;
import io.mailbridge.mailbox.control.MessageSenders;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ProviderUnreachable;
import io.mailbridge.mailbox.control.SendRefused;
import io.mailbridge.mailbox.control.SendingMailboxes;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.NotFound;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SendLaterJobTest {

  private static final String MID = "<m1@contoso.example>";

  /** The steps the job recorded, in order. */
  private final List<String> steps = new ArrayList<>();

  /** What the provider holds in Sent Items, and what it answers to a send. */
  private final List<String> sentItems = new ArrayList<>();

  private Supplier<DomainProblem> sendFailure = () -> null;
  private boolean takesMessageBeforeFailing = false;
  private DomainProblem lookupFailure = null;
  private int attempts = 1;
  private boolean taken = true;
  private boolean mayNotSend = false;

  private SendLaterJob job() {
    SendLaterJob job = new SendLaterJob();
    job.maxAttempts = 3;
    job.progress =
        new SendProgress() {
          @Override
          public Taken take(String orgId, String id, int generation) {
            return taken
                ? new Taken(id, orgId, "u1", "mbx1", MID, new byte[] {1}, attempts, false)
                : null;
          }

          @Override
          public void sent(String orgId, String id) {
            steps.add("sent");
          }

          @Override
          public void willRetry(String orgId, String id, String reason) {
            steps.add("retry: " + reason);
          }

          @Override
          public void failed(String orgId, String id, String reason) {
            steps.add("failed: " + reason);
          }

          @Override
          public void log(String orgId, String id, String provider) {
            steps.add("logged via " + provider);
          }
        };
    job.mailboxes =
        new SendingMailboxes() {
          @Override
          public MailboxAccess access(String orgId, String userId, String mailboxId) {
            return new MailboxAccess(MailboxKind.GRAPH, orgId, mailboxId, null, () -> "token");
          }

          @Override
          public void requireSending(String orgId, String userId, String id) {
            if (mayNotSend) {
              throw new MailboxCannotSend("rep@contoso.example");
            }
          }
        };
    MessageSender sender =
        new MessageSender() {
          @Override
          public MailboxKind kind() {
            return MailboxKind.GRAPH;
          }

          @Override
          public void send(MailboxAccess mailbox, byte[] mime) {
            DomainProblem failure = sendFailure.get();
            if (failure == null || takesMessageBeforeFailing) {
              sentItems.add(MID);
            }
            if (failure != null) {
              throw failure;
            }
          }

          @Override
          public boolean sentItemWith(MailboxAccess mailbox, String internetMessageId) {
            if (lookupFailure != null) {
              throw lookupFailure;
            }
            return sentItems.contains(internetMessageId);
          }
        };
    job.senders =
        new MessageSenders() {
          @Override
          public Optional<MessageSender> of(MailboxKind kind) {
            return Optional.of(sender);
          }
        };
    return job;
  }

  private static ClaimedJob claimed() {
    return new ClaimedJob("j1", ScheduledSends.JOB_KIND, "org1", "s1:0", 1, "node1");
  }

  @Test
  void sendsOnceAndLogs() {
    job().run(claimed());
    assertEquals(List.of(MID), sentItems);
    assertEquals(List.of("sent", "logged via graph"), steps);
  }

  @Test
  void aConnectionWithoutPermissionToSendFailsAtOnceWithoutCallingTheProvider() {
    mayNotSend = true;
    lookupFailure = new SendRefused("x", "the provider was called");
    sendFailure = () -> new SendRefused("x", "the provider was called");
    assertTrue(job().run(claimed()).finished());
    assertEquals(List.of(), sentItems);
    assertEquals(
        List.of(
            "failed: Mailbridge may not send from rep@contoso.example yet: reconnect the mailbox"
                + " to allow sending (My mailboxes → Reconnect)."),
        steps);
  }

  @Test
  void aSendThatIsNotTheJobsDoesNothing() {
    taken = false;
    assertTrue(job().run(claimed()).finished());
    assertEquals(List.of(), sentItems);
    assertEquals(List.of(), steps);
  }

  @Test
  void aRetryFindsTheMessageInSentItemsAndDoesNotSendAgain() {
    takesMessageBeforeFailing = true;
    sendFailure = () -> new ProviderBusy("graph_busy", "Microsoft Graph is busy", null);
    SendLaterJob job = job();
    assertThrows(ProviderBusy.class, () -> job.run(claimed()), "the queue backs off");
    assertEquals(List.of("retry: Microsoft Graph is busy"), steps);
    assertEquals(List.of(MID), sentItems);

    attempts = 2;
    // Were it sent again, this would fail the send.
    sendFailure = () -> new SendRefused("x", "sent twice");
    job.run(claimed());
    assertEquals(List.of(MID), sentItems, "once");
    assertEquals(List.of("retry: Microsoft Graph is busy", "sent", "logged via graph"), steps);
  }

  @Test
  void permanentFailuresEndTheSendWithTheirReason() {
    for (DomainProblem problem :
        List.<DomainProblem>of(
            new SendRefused("graph_forbidden", "Microsoft 365 refused to send"),
            new MailboxReauthRequired("Connect the mailbox again", "/api/oauth/google/start"),
            new NotFound("Mailbox"))) {
      steps.clear();
      sendFailure = () -> problem;
      assertTrue(job().run(claimed()).finished(), problem.code());
      assertEquals(1, steps.size(), steps.toString());
      assertTrue(steps.get(0).startsWith("failed: "), steps.toString());
    }
    assertEquals("failed: The mailbox is no longer connected", steps.get(0));
    assertEquals(List.of(), sentItems);
  }

  @Test
  void aRefusedSentItemsLookUpIsPermanentToo() {
    lookupFailure = new SendRefused("graph_unauthorized", "connect it again");
    assertTrue(job().run(claimed()).finished());
    assertEquals(List.of("failed: connect it again"), steps);
  }

  @Test
  void failuresThatMayPassAreRetriedUntilTheAttemptsAreUsedUp() {
    sendFailure = () -> new ProviderUnreachable("graph_unavailable", "Graph could not be reached");
    attempts = 2;
    assertThrows(ProviderUnreachable.class, () -> job().run(claimed()));
    assertEquals(List.of("retry: Graph could not be reached"), steps);
    steps.clear();
    attempts = 3;
    assertTrue(job().run(claimed()).finished());
    assertEquals(List.of("failed: Not sent after 3 attempts: Graph could not be reached"), steps);
    assertEquals(List.of(), sentItems);
  }

  @Test
  void anUnexpectedFailureIsRetriedAndNeverLeavesTheSendSending() {
    lookupFailure = null;
    SendLaterJob job = job();
    job.senders =
        new MessageSenders() {
          @Override
          public Optional<MessageSender> of(MailboxKind kind) {
            throw new IllegalStateException("secret detail");
          }
        };
    assertThrows(IllegalStateException.class, () -> job.run(claimed()));
    assertEquals(List.of("retry: Mailbridge could not send it (IllegalStateException)"), steps);
    steps.clear();
    attempts = 3;
    assertTrue(job.run(claimed()).finished());
    assertEquals(1, steps.size());
    assertTrue(steps.get(0).startsWith("failed: Not sent after 3 attempts"), steps.toString());
    assertFalse(steps.get(0).contains("secret"), "only the failure's kind is shown");
  }

  @Test
  void whatIsPermanent() {
    assertTrue(SendLaterJob.isPermanent(new SendRefused("a", "b")));
    assertTrue(SendLaterJob.isPermanent(new MailboxReauthRequired("a", "/x")));
    assertTrue(SendLaterJob.isPermanent(new NotFound("Mailbox")));
    assertFalse(SendLaterJob.isPermanent(new ProviderBusy("a", "b", Duration.ofSeconds(1))));
    assertFalse(SendLaterJob.isPermanent(new ProviderUnreachable("a", "b")));
    // A refusal that is not a send's (a 5xx the general mapping calls an error) may pass.
    assertFalse(SendLaterJob.isPermanent(new ProviderRefused("graph_error", "answered 500")));
  }
}
