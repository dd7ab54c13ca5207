package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.ImpersonatedMailboxes;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderNotConfigured;
import io.mailbridge.mailbox.ews.entity.ExchangeConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The org's Exchange service account as capture uses it: the users its connection captures, and
 * calls that impersonate one of them ({@code ExchangeImpersonation} with the primary SMTP address,
 * {@code X-AnchorMailbox} with the same), read from the connection as it is at each call so a new
 * password or CA bundle applies at once.
 */
@ApplicationScoped
public class ExchangeServiceAccount implements ImpersonatedMailboxes {

  private static final String NO_CONNECTION =
      "The org has no Exchange connection (PUT /api/admin/exchange/connection)";

  @Inject ExchangeConnections connections;
  @Inject ExchangeHosts hosts;

  @Override
  public Optional<CapturedUsers> capturedUsers(String orgId) {
    return connections
        .find(orgId)
        .map(
            c -> {
              List<String> users = c.users();
              return new CapturedUsers(users == null, users);
            });
  }

  /** The connection is read at each call ({@link #call}), so nothing can fail here yet. */
  @Override
  public MailboxAccess access(String orgId, String mailboxId, String address) {
    return new MailboxAccess(MailboxKind.EXCHANGE, orgId, null, null, () -> "", address);
  }

  /** Calls over one org's connection: its id (for {@link EwsConcurrency}) and the call. */
  record ServiceCall(String connectionId, EwsCall call) {}

  /**
   * A call as the org's service account impersonating the mailbox's user, made from the connection
   * as it is now; {@link ProviderNotConfigured} without one.
   */
  ServiceCall call(MailboxAccess mailbox) {
    ExchangeConnection connection =
        connections
            .find(mailbox.orgId())
            .orElseThrow(() -> new ProviderNotConfigured(NO_CONNECTION));
    if (connection.ewsUrl() == null) {
      throw new ProviderNotConfigured("The org's Exchange connection has no EWS URL");
    }
    return new ServiceCall(
        connection.id(),
        connections
            .callAs(
                connection,
                URI.create(connection.ewsUrl()),
                hosts.policyFor(mailbox.orgId()),
                connections.trustOf(connection))
            .impersonating(mailbox.appUser()));
  }
}
