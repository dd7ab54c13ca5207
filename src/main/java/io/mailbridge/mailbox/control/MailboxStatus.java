package io.mailbridge.mailbox.control;

/**
 * Adds another part's view of a mailbox (capture's health) to {@code GET /api/mailboxes/{id}}
 * without the mailbox part knowing that part: implementations are CDI beans.
 */
public interface MailboxStatus {

  /** The field of the mailbox's JSON this status fills, e.g. {@code capture}. */
  String field();

  /** The status of this mailbox (serialized as JSON), or null when there is nothing to say. */
  Object of(String orgId, String mailboxId);
}
