package io.mailbridge.mailbox.control;

import java.util.Optional;

/**
 * The port to an org's own Exchange server (on-premises): the org's service account acts as one of
 * the org's users through impersonation, so no user hands Mailbridge a credential of their own.
 */
public interface OrgExchange {

  /**
   * The org's Exchange connection as this user's mailbox (the address of the user's Mailbridge
   * account, which the admin set), when the org has one and its user list includes the user.
   */
  Optional<ConnectedMailbox> mailboxOf(String orgId, String userId);

  /**
   * The user's mailbox through the org's connection {@code mailboxId}, the service account's
   * credential fetched on first use; {@code NotFound} when the connection is gone or no longer
   * covers the user.
   */
  MailboxAccess access(String orgId, String mailboxId, String userId);
}
