package io.mailbridge.mailbox.control;

import java.util.List;
import java.util.Optional;

/**
 * The port through which capture reads mailboxes of an org's Exchange server with the org's service
 * account, impersonating each user (no user connects anything): which users the admin chose, and
 * the access to one user's mailbox.
 */
public interface ImpersonatedMailboxes {

  /** The users the org's Exchange connection captures; empty when the org has no connection. */
  Optional<CapturedUsers> capturedUsers(String orgId);

  /**
   * The mailbox of {@code address}, known to capture as {@code mailboxId}; reading it is {@link
   * ProviderNotConfigured} when the org has no Exchange connection any more.
   */
  MailboxAccess access(String orgId, String mailboxId, String address);

  /** A list of addresses, or every user linked to a CRM user ({@code linked}, no list). */
  record CapturedUsers(boolean linked, List<String> addresses) {

    public CapturedUsers {
      addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
  }

  /** Fired in the transaction that changed which users an org's Exchange connection captures. */
  record UsersChanged(String orgId, String actorUserId) {}
}
