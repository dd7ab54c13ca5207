package io.mailbridge.addin.control;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.LinkTargets;
import io.mailbridge.crm.control.StoredActivity;
import io.mailbridge.mailbox.control.LoggedMark;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxChoice;
import io.mailbridge.mailbox.control.MailboxOfCaller;
import io.mailbridge.mailbox.control.MessageSource;
import io.mailbridge.mailbox.control.MessageSources;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.message.MailAttachment;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Logs the email a rep has open (Outlook on Exchange or Microsoft 365, or Gmail) to the records
 * they chose, the same way for every mailbox: choose the caller's mailbox, check the records once,
 * read the message, keep only the chosen attachments, store it through the CRM's one storage path
 * (logging it again adds links to the same activity) and mark it as logged where the server can.
 */
@ApplicationScoped
public class LogEmail {

  @Inject MailboxOfCaller mailboxes;
  @Inject MessageSources sources;
  @Inject ActivityStore activities;
  @Inject ChosenAttachments attachments;

  /** What the client asked for, already checked for shape. */
  public record Request(
      MailboxChoice mailbox, String itemId, List<String> recordIds, List<String> attachmentIds) {}

  /** The stored activity, whether it existed before, and how the message shows it was logged. */
  public record Logged(String activityId, boolean alreadyLogged, LoggedMark mark) {}

  public Logged log(String orgId, String userId, Request request) {
    MailboxAccess mailbox = mailboxes.choose(orgId, userId, request.mailbox());
    LinkTargets records = activities.linkTargets(orgId, request.recordIds());
    MessageSource source = sources.of(mailbox.kind());
    ReadMessage read = source.read(mailbox, request.itemId());
    List<String> chosen = attachments.checked(read.attachments(), request.attachmentIds());
    List<MailAttachment> opened = source.open(mailbox, read, chosen);
    StoredActivity stored =
        activities.storeEmail(records, read.message().withAttachments(opened), userId);
    LoggedMark mark = source.markLogged(mailbox, request.itemId(), stored.id());
    return new Logged(stored.id(), !stored.created(), mark);
  }

  /** The activity id the message carries from an earlier log, else null. */
  public String loggedActivity(String orgId, String userId, MailboxChoice choice, String itemId) {
    MailboxAccess mailbox = mailboxes.choose(orgId, userId, choice);
    return sources.of(mailbox.kind()).loggedActivity(mailbox, itemId);
  }
}
