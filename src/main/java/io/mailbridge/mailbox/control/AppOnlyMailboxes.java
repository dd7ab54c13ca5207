package io.mailbridge.mailbox.control;

import java.util.List;

/**
 * The port through which capture reads mailboxes of an org's Microsoft 365 tenant with the org's
 * own app and no user's consent (app-only access, after the tenant's admin consented): which
 * tenant, the access to one user's mailbox, and a group's members.
 */
public interface AppOnlyMailboxes {

  /**
   * The tenant the org's app reads as; {@link ProviderNotConfigured} without a Microsoft app,
   * {@link AppAccessRefused} when no tenant has consented.
   */
  String tenant(String orgId);

  /**
   * The mailbox of {@code user} (object id or user principal name), known to capture as {@code
   * mailboxId}; the app-only token is fetched on first use and may be {@link AppAccessRefused}.
   */
  MailboxAccess access(String orgId, String mailboxId, String user);

  /** The users among a group's members, nested groups' included (by object id or mail address). */
  List<GroupMember> groupMembers(String orgId, String group);

  /** A user in a group: directory object id and mail address (or user principal name). */
  record GroupMember(String id, String address) {}
}
