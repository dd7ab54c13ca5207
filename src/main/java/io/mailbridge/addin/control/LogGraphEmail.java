package io.mailbridge.addin.control;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.control.StoredActivity;
import io.mailbridge.mailbox.control.ConnectionTokens;
import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.MailboxNotConnected;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.mailbox.graph.control.GraphItem;
import io.mailbridge.mailbox.graph.control.GraphMailbox;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.platform.problem.NotAuthenticated;
import io.mailbridge.platform.problem.NotFound;
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

  /**
   * @param sessionMailbox the mailbox connection the add-in session's sign-in made (see {@link
   *     io.mailbridge.platform.security.control.Caller#addinMailbox()}), or null
   */
  public Logged log(String orgId, String userId, String sessionMailbox, Request request) {
    MailboxConnection mailbox = mailboxOf(orgId, userId, sessionMailbox);
    for (String id : request.recordIds()) {
      records.findAnyType(orgId, id).orElseThrow(() -> new NotFound("Record " + id));
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
  public String loggedActivity(String orgId, String userId, String sessionMailbox, String itemId) {
    MailboxConnection mailbox = mailboxOf(orgId, userId, sessionMailbox);
    return graph.loggedActivity(tokens.accessToken(orgId, mailbox.id()), itemId);
  }

  /**
   * The Microsoft connection the add-in session's sign-in made ({@code sessionMailbox}), and no
   * other: the user may have connected other Microsoft accounts, of the same tenant too. Without
   * one (a session from before it was recorded, or a caller with a Mailbridge token) only a single
   * Microsoft connection is unambiguous; otherwise the add-in signs in again and so records it.
   */
  private MailboxConnection mailboxOf(String orgId, String userId, String sessionMailbox) {
    if (sessionMailbox != null) {
      return connections.ofUser(orgId, userId).stream()
          .filter(c -> c.id().equals(sessionMailbox) && c.provider() == MailProvider.MICROSOFT)
          .findFirst()
          .orElseThrow(LogGraphEmail::signInAgain);
    }
    List<MailboxConnection> microsoft =
        connections.ofUser(orgId, userId).stream()
            .filter(c -> c.provider() == MailProvider.MICROSOFT)
            .toList();
    if (microsoft.isEmpty()) {
      throw new MailboxNotConnected(
          "Mailbridge has no Microsoft 365 access for you yet; sign in to the add-in again");
    }
    if (microsoft.size() > 1) {
      throw signInAgain();
    }
    return microsoft.get(0);
  }

  // 401 makes the task pane sign in again by itself, which records the mailbox on the new session.
  private static NotAuthenticated signInAgain() {
    return new NotAuthenticated(
        "graph_sign_in_again",
        "This add-in session no longer knows which Microsoft 365 mailbox is yours; sign in to the"
            + " add-in again");
  }
}
