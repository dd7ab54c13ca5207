package io.mailbridge.productivity.control;

import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MessageSender;
import io.mailbridge.mailbox.control.MessageSenders;
import io.mailbridge.mailbox.control.SendRefused;
import io.mailbridge.mailbox.control.SendingMailboxes;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.platform.jobs.control.RetryDecision;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.productivity.control.SendProgress.Taken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends a scheduled message at its time through its owner's mailbox, exactly once: before every
 * send, the first included, it looks into Sent Items for the message's Message-ID, so a run after a
 * lost answer or a node that died mid-send finds the message there instead of sending it again (the
 * job queue's lease keeps two nodes from running the same job at once). A failure that may pass is
 * retried with the queue's back-off; one that will not (access gone, the provider refusing the
 * message) or too many attempts end the send as failed, with the reason in words.
 */
@ApplicationScoped
public class SendLaterJob implements JobHandler {

  private static final Logger LOG = Logger.getLogger(SendLaterJob.class.getName());

  @Inject SendProgress progress;
  @Inject MessageSenders senders;
  @Inject SendingMailboxes mailboxes;

  @Inject
  @ConfigProperty(name = "mailbridge.scheduled-sends.max-attempts", defaultValue = "6")
  int maxAttempts;

  @Override
  public String kind() {
    return ScheduledSends.JOB_KIND;
  }

  @Override
  public JobOutcome run(ClaimedJob job) {
    String[] payload = job.payload().split(":", 2);
    String id = payload[0];
    Taken taken = progress.take(job.orgId(), id, Integer.parseInt(payload[1]));
    if (taken == null) {
      return JobOutcome.done(); // rescheduled, cancelled, or done by an earlier run
    }
    if (taken.loggingOnly()) {
      // Sent by an earlier run: only the logging is left, whether the mailbox is there or not.
      log(
          taken,
          mailboxes
              .stillConnected(taken.orgId(), taken.userId(), taken.mailboxId())
              .map(m -> m.kind().provider())
              .orElse("mailbox"));
      return JobOutcome.done();
    }
    MailboxAccess mailbox;
    try {
      mailbox = mailboxes.access(taken.orgId(), taken.userId(), taken.mailboxId());
      // A connection without the permission to send is refused by the provider every time; it
      // fails at once (MailboxCannotSend parks) with the sentence that tells the rep what to do.
      mailboxes.requireSending(taken.orgId(), taken.userId(), taken.mailboxId());
      send(mailbox, taken);
    } catch (DomainProblem problem) {
      if (isPermanent(problem)) {
        progress.failed(taken.orgId(), id, reasonOf(problem));
        return JobOutcome.done();
      }
      if (taken.attempts() >= maxAttempts) {
        progress.failed(
            taken.orgId(),
            id,
            "Not sent after " + taken.attempts() + " attempts: " + reasonOf(problem));
        return JobOutcome.done();
      }
      progress.willRetry(taken.orgId(), id, reasonOf(problem));
      // The queue waits (the provider's Retry-After, or its back-off) and runs the job again.
      throw problem;
    } catch (RuntimeException unexpected) {
      // Not a mailbox problem (a bug, the database): may pass, and must not leave the send
      // SENDING for ever. Its message may hold anything, so the rep sees only its kind.
      String reason =
          "Mailbridge could not send it (" + unexpected.getClass().getSimpleName() + ")";
      if (taken.attempts() >= maxAttempts) {
        progress.failed(
            taken.orgId(), id, "Not sent after " + taken.attempts() + " attempts: " + reason);
        return JobOutcome.done();
      }
      progress.willRetry(taken.orgId(), id, reason);
      throw unexpected;
    }
    log(taken, mailbox.kind().provider());
    return JobOutcome.done();
  }

  private void send(MailboxAccess mailbox, Taken taken) {
    MessageSender sender =
        senders
            .of(mailbox.kind())
            .orElseThrow(
                () ->
                    new SendRefused(
                        "send_unsupported", "Mailbridge cannot send from this mailbox"));
    if (sender.sentItemWith(mailbox, taken.messageId())) {
      LOG.info(
          () ->
              "Scheduled send "
                  + taken.id()
                  + " is in Sent Items already (an earlier attempt sent it): not sent again");
    } else {
      sender.send(mailbox, taken.mime());
    }
    progress.sent(taken.orgId(), taken.id());
  }

  /** Logging failures never send again: the message is out; they are recorded on the send. */
  private void log(Taken taken, String provider) {
    try {
      progress.log(taken.orgId(), taken.id(), provider);
    } catch (DomainProblem problem) {
      progress.notLogged(taken.orgId(), taken.id(), problem.getMessage());
    } catch (RuntimeException e) {
      // Not a domain problem (the database, a race): the next run logs it (loggingOnly).
      LOG.log(Level.WARNING, "Scheduled send " + taken.id() + " sent but not logged yet", e);
      throw e;
    }
  }

  /** Whether trying again cannot help: the provider refused the message, or a person must act. */
  static boolean isPermanent(DomainProblem problem) {
    return problem instanceof SendRefused || RetryDecision.of(problem).parks();
  }

  static String reasonOf(DomainProblem problem) {
    if (problem instanceof NotFound) {
      return "The mailbox is no longer connected";
    }
    return problem.getMessage();
  }
}
