package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotAuthenticated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * The one place that decides which mailbox a caller's request reads: the Exchange endpoint Outlook
 * named (if the org allows it), the Microsoft 365 connection the add-in's sign-in made, or the
 * caller's Gmail connection. Nobody else looks at mailbox connections to read mail.
 */
@ApplicationScoped
public class MailboxOfCaller {

  @Inject MailboxConnections connections;
  @Inject ConnectionTokens tokens;
  @Inject MessageSources sources;

  /** The mailbox, its credential still unfetched; refusals before anything is read. */
  public MailboxAccess choose(String orgId, String userId, MailboxChoice choice) {
    if (choice instanceof MailboxChoice.OutlookOnExchange exchange) {
      return exchange(orgId, exchange);
    }
    if (choice instanceof MailboxChoice.OutlookOnMicrosoft365 graph) {
      return connected(MailboxKind.GRAPH, microsoft365(orgId, userId, graph.sessionMailbox()));
    }
    MailboxChoice.Gmail gmail = (MailboxChoice.Gmail) choice;
    return connected(MailboxKind.GMAIL, gmail(orgId, userId, gmail.mailboxId()));
  }

  /**
   * A connected mailbox the server reads on its owner's behalf (capture), by connection id; 404 for
   * another org's id.
   */
  public MailboxAccess connection(String orgId, String mailboxId) {
    ConnectedMailbox mailbox = connections.describe(orgId, mailboxId);
    return new MailboxAccess(
        mailbox.kind(), orgId, mailbox.id(), null, () -> tokens.accessToken(orgId, mailbox.id()));
  }

  private MailboxAccess exchange(String orgId, MailboxChoice.OutlookOnExchange choice) {
    URI endpoint = ewsEndpoint(choice.ewsUrl());
    String callbackToken = choice.callbackToken();
    MailboxAccess access =
        new MailboxAccess(MailboxKind.EXCHANGE, orgId, null, endpoint, () -> callbackToken);
    sources.of(MailboxKind.EXCHANGE).admit(access);
    return access;
  }

  private MailboxAccess connected(MailboxKind kind, MailboxConnection connection) {
    String orgId = connection.orgId();
    String id = connection.id();
    return new MailboxAccess(kind, orgId, id, null, () -> tokens.accessToken(orgId, id));
  }

  private static URI ewsEndpoint(String ewsUrl) {
    try {
      URI uri = new URI(ewsUrl.strip());
      if (!uri.isAbsolute() || uri.getHost() == null) {
        throw new InvalidField("ewsUrl", "must be an absolute URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new InvalidField("ewsUrl", "is not a URL");
    }
  }

  /**
   * The Microsoft connection the add-in session's sign-in made ({@code sessionMailbox}), and no
   * other: the user may have connected other Microsoft accounts, of the same tenant too. Without
   * one (a session from before it was recorded, or a caller with a Mailbridge token) only a single
   * Microsoft connection is unambiguous; otherwise the add-in signs in again and so records it.
   */
  private MailboxConnection microsoft365(String orgId, String userId, String sessionMailbox) {
    if (sessionMailbox != null) {
      return connections.ofUser(orgId, userId).stream()
          .filter(c -> c.id().equals(sessionMailbox) && c.provider() == MailProvider.MICROSOFT)
          .findFirst()
          .orElseThrow(MailboxOfCaller::signInAgain);
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

  /** The one named, which must be the caller's own, or the caller's only Google connection. */
  private MailboxConnection gmail(String orgId, String userId, String mailboxId) {
    if (mailboxId != null) {
      MailboxConnection named = connections.ownedBy(orgId, userId, mailboxId);
      if (named.provider() != MailProvider.GOOGLE) {
        throw new InvalidField("mailboxId", "is not a Gmail mailbox");
      }
      return named;
    }
    long google =
        connections.ofUser(orgId, userId).stream()
            .filter(c -> c.provider() == MailProvider.GOOGLE)
            .count();
    if (google > 1) {
      throw new InvalidField("mailboxId", "is required: more than one Gmail mailbox is connected");
    }
    return connections
        .onlyOneOf(orgId, userId, MailProvider.GOOGLE)
        .orElseThrow(
            () ->
                new MailboxNotConnected(
                    "Connect your Gmail mailbox first (GET /api/oauth/google/start)"));
  }
}
