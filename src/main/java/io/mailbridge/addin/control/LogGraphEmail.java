package io.mailbridge.addin.control;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.control.StoredActivity;
import io.mailbridge.mailbox.MailAttachment;
import io.mailbridge.mailbox.control.ConnectionTokens;
import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.mailbox.graph.control.GraphItem;
import io.mailbridge.mailbox.graph.control.GraphMailbox;
import io.mailbridge.platform.config.control.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Logs the message open in Outlook on Exchange Online: reads it over Microsoft Graph as the rep
 * (the on-behalf-of grant of their add-in sign-in), downloads only the chosen attachments, stores
 * it through the CRM's one storage path and writes the activity id into the message, server side.
 */
@ApplicationScoped
public class LogGraphEmail {

  @Inject MailboxConnections connections;
  @Inject ConnectionTokens tokens;
  @Inject GraphMailbox graph;
  @Inject Records records;
  @Inject ActivityStore activities;
  @Inject ChosenAttachments attachments;

  /** What the task pane asked for, already checked for shape. */
  public record Request(String itemId, List<String> recordIds, List<String> attachmentIds) {}

  /** The stored activity and the property written into the message. */
  public record Logged(
      String activityId, boolean alreadyLogged, String propertySetId, String propertyName) {}

  public Logged log(String orgId, String userId, Request request) {
    MailboxConnection mailbox = mailboxOf(orgId, userId);
    for (String id : request.recordIds()) {
      records.findAnyType(orgId, id).orElseThrow(() -> ApiProblem.notFound("Record " + id));
    }
    String token = tokens.accessToken(orgId, mailbox.id());
    GraphItem item = graph.read(token, request.itemId());
    List<MailAttachment> chosen =
        attachments.checked(item.attachments(), request.attachmentIds()).stream()
            .map(item.attachments()::get)
            .toList();
    StoredActivity stored =
        activities.storeEmail(
            orgId, item.message().withAttachments(chosen), request.recordIds(), userId);
    graph.markLogged(token, request.itemId(), stored.id());
    return new Logged(
        stored.id(),
        !stored.created(),
        GraphMailbox.LOGGED_PROPERTY_SET,
        GraphMailbox.LOGGED_PROPERTY_NAME);
  }

  /** The activity id the message carries when it was logged (read from Graph), else null. */
  public String loggedActivity(String orgId, String userId, String itemId) {
    MailboxConnection mailbox = mailboxOf(orgId, userId);
    return graph.loggedActivity(tokens.accessToken(orgId, mailbox.id()), itemId);
  }

  private MailboxConnection mailboxOf(String orgId, String userId) {
    return connections
        .onlyOneOf(orgId, userId, MailProvider.MICROSOFT)
        .orElseThrow(
            () ->
                ApiProblem.conflict(
                    "mailbox_not_connected",
                    "Mailbridge has no Microsoft 365 access for you yet; sign in to the add-in"
                        + " again"));
  }
}
