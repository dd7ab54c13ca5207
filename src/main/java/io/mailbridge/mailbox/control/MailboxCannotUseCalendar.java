package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.ActionRequired;

/**
 * A connected mailbox was connected before Mailbridge asked for access to its calendar (or its user
 * left that permission out of the consent); only its user can give it, by reconnecting.
 */
public class MailboxCannotUseCalendar extends ActionRequired {

  public MailboxCannotUseCalendar(String address) {
    super(
        "mailbox_cannot_use_calendar",
        "Mailbridge may not use the calendar of "
            + address
            + " yet: reconnect the mailbox to allow calendar access (My mailboxes → Reconnect).");
  }
}
