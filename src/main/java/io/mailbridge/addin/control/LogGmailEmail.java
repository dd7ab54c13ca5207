package io.mailbridge.addin.control;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.control.StoredActivity;
import io.mailbridge.mailbox.control.ConnectionTokens;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ProviderTimeout;
import io.mailbridge.mailbox.control.ProviderUnreachable;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.mailbox.gmail.control.GmailItem;
import io.mailbridge.mailbox.gmail.control.GmailMailbox;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs a Gmail message the rep has open to the records they chose: reads it through the rep's
 * connected mailbox, keeps only the chosen attachments, stores it through the CRM's one storage
 * path (logging it again adds links) and labels it "Logged to CRM" in Gmail.
 */
@ApplicationScoped
public class LogGmailEmail {

  private static final Logger LOG = Logger.getLogger(LogGmailEmail.class.getName());

  @Inject GmailMailboxOfCaller mailboxes;
  @Inject ConnectionTokens tokens;
  @Inject GmailMailbox gmail;
  @Inject Records records;
  @Inject ActivityStore activities;

  @Inject ChosenAttachments attachments;

  /** What the extension asked for, already checked for shape. */
  public record Request(
      String mailboxId, String messageId, List<String> recordIds, List<String> attachmentIds) {}

  /** The stored activity and what became of the Gmail label. */
  public record Logged(
      String activityId, boolean alreadyLogged, String labelName, boolean labelAdded) {}

  public Logged log(String orgId, String userId, Request request) {
    MailboxConnection mailbox = mailboxes.resolve(orgId, userId, request.mailboxId());
    for (String id : request.recordIds()) {
      records.findAnyType(orgId, id).orElseThrow(() -> new NotFound("Record " + id));
    }
    String token = tokens.accessToken(orgId, mailbox.id());
    GmailItem item = gmail.read(token, request.messageId());
    List<MailAttachment> chosen =
        attachments.checked(item.attachments(), request.attachmentIds()).stream()
            .map(item.attachments()::get)
            .toList();
    StoredActivity stored =
        activities.storeEmail(
            orgId, item.message().withAttachments(chosen), request.recordIds(), userId);
    boolean labelled;
    try {
      gmail.addLoggedLabel(token, request.messageId());
      labelled = true;
    } catch (ProviderRefused
        | ProviderBusy
        | ProviderUnreachable
        | ProviderTimeout
        | NotFound labelFailed) {
      // The email is stored; a missing label only costs the rep a visual hint.
      LOG.log(Level.INFO, "Gmail label not added: {0}", labelFailed.code());
      labelled = false;
    }
    return new Logged(stored.id(), !stored.created(), GmailMailbox.LOGGED_LABEL, labelled);
  }
}
