package io.mailbridge.addin.control;

import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.MailboxNotConnected;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Which connected Gmail mailbox a Gmail extension call reads: the one named, which must be the
 * caller's own, or the caller's only Google connection.
 */
@ApplicationScoped
public class GmailMailboxOfCaller {

  @Inject MailboxConnections connections;

  public MailboxConnection resolve(String orgId, String userId, String mailboxId) {
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
