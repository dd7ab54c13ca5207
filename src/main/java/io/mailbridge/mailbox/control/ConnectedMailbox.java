package io.mailbridge.mailbox.control;

/**
 * A connected mailbox as other parts see it, without tokens: whose it is, its kind and address, and
 * whether its user must connect it again.
 */
public record ConnectedMailbox(
    String id,
    String orgId,
    String userId,
    MailboxKind kind,
    String address,
    boolean reauthRequired) {}
