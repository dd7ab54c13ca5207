package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.OrgExchange;
import io.mailbridge.mailbox.ews.entity.ExchangeConnection;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.control.Users;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The org's Exchange connection as its users' mailboxes: the service account impersonates the
 * address of the user's Mailbridge account. That address is the one an admin gave the account,
 * never one a client names (Outlook's report of the mailbox is not trusted), so a rep can only ever
 * act as themselves; with an explicit user list on the connection, only listed users.
 */
@ApplicationScoped
public class ExchangeOrgMailboxes implements OrgExchange {

  @Inject ExchangeConnections connections;
  @Inject Users users;

  @Override
  public Optional<ConnectedMailbox> mailboxOf(String orgId, String userId) {
    Optional<ExchangeConnection> connection = connections.find(orgId);
    if (connection.isEmpty() || connection.get().ewsUrl() == null) {
      return Optional.empty();
    }
    return users
        .findActive(orgId, userId)
        .map(u -> u.email().strip().toLowerCase(Locale.ROOT))
        .filter(address -> covers(connection.get(), address))
        .map(
            address ->
                new ConnectedMailbox(
                    connection.get().id(), orgId, userId, MailboxKind.EXCHANGE, address, false));
  }

  @Override
  public MailboxAccess access(String orgId, String mailboxId, String userId) {
    ConnectedMailbox mailbox =
        mailboxOf(orgId, userId)
            .filter(m -> m.id().equals(mailboxId))
            .orElseThrow(() -> new NotFound("Mailbox " + mailboxId));
    ExchangeConnection connection = connections.find(orgId).orElseThrow();
    return new MailboxAccess(
        MailboxKind.EXCHANGE,
        orgId,
        mailbox.id(),
        URI.create(connection.ewsUrl()),
        // Basic's header, or null with NTLM: the sender signs in from the connection itself.
        () -> ExchangeConnections.credentialOf(connection).authorization(),
        mailbox.address());
  }

  private static boolean covers(ExchangeConnection connection, String address) {
    List<String> listed = connection.users();
    return listed == null || listed.contains(address);
  }
}
