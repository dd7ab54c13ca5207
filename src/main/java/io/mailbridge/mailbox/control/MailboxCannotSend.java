package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.ActionRequired;

/**
 * A connected mailbox was connected before Mailbridge asked for permission to send mail; only its
 * user can give it, by reconnecting the mailbox.
 */
public class MailboxCannotSend extends ActionRequired {

  public MailboxCannotSend(String address) {
    super(
        "mailbox_cannot_send",
        "Mailbridge may not send from "
            + address
            + " yet: reconnect the mailbox to allow sending (My mailboxes → Reconnect).");
  }
}
