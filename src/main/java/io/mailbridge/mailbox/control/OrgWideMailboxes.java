package io.mailbridge.mailbox.control;

import java.util.List;
import java.util.Optional;

/**
 * The port through which sync reaches the mailbox of a user the org reads org-wide, with no
 * connection of the user's own: Microsoft 365 with the org's app-only token, Google Workspace with
 * tokens the org's service account obtains for the user. The org's list decides who is covered.
 */
public interface OrgWideMailboxes {

  /**
   * The user's mailbox on the org's list (by the address of the user's Mailbridge account), if the
   * org lists it for Microsoft 365 or Google Workspace.
   */
  Optional<ConnectedMailbox> mailboxOf(String orgId, String userId);

  /**
   * The access sync reads and writes with: the app's token for Microsoft 365 (its application
   * permissions decide what it may write), for Google tokens of the contacts and calendar scopes;
   * {@code NotFound} when the mailbox is no longer listed for this user.
   */
  MailboxAccess access(String orgId, String mailboxId, String userId);

  /** The org's users whose mailbox it lists, for the sync timer. */
  List<String> userIds(String orgId);
}
