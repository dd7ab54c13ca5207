package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.ActionRequired;

/** The caller has no connected mailbox of the kind this needs; they must connect one first. */
public class MailboxNotConnected extends ActionRequired {

  public MailboxNotConnected(String message) {
    super("mailbox_not_connected", message);
  }
}
