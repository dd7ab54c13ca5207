package io.mailbridge.addin.control;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.control.StoredActivity;
import io.mailbridge.mailbox.MailAttachment;
import io.mailbridge.mailbox.control.ConnectionTokens;
import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.mailbox.graph.control.EntraAccessTokens;
import io.mailbridge.mailbox.graph.control.GraphItem;
import io.mailbridge.mailbox.graph.control.GraphMailbox;
import io.mailbridge.platform.config.control.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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
  @Inject ExchangeIdentities identities;
  @Inject EntraAccessTokens entra;

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

  /**
   * The Microsoft connection the add-in's sign-in made: the user's only one, else the one in the
   * tenant of the user's Entra link (a rep may also have connected another account), the most
   * recently granted first.
   */
  private MailboxConnection mailboxOf(String orgId, String userId) {
    List<MailboxConnection> microsoft =
        connections.ofUser(orgId, userId).stream()
            .filter(c -> c.provider() == MailProvider.MICROSOFT)
            .toList();
    if (microsoft.size() > 1) {
      Set<String> tenants =
          identities.ofUser(orgId, userId).stream()
              .map(link -> entra.tenantOfIssuer(link.metadataUrl()))
              .filter(Objects::nonNull)
              .collect(Collectors.toSet());
      microsoft =
          microsoft.stream()
              .filter(c -> tenants.contains(c.tenantId()))
              .sorted(
                  Comparator.comparing(
                          MailboxConnection::refreshedAt,
                          Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
                      .reversed())
              .limit(1)
              .toList();
    }
    if (microsoft.isEmpty()) {
      throw ApiProblem.conflict(
          "mailbox_not_connected",
          "Mailbridge has no Microsoft 365 access for you yet; sign in to the add-in again");
    }
    return microsoft.get(0);
  }
}
