package io.mailbridge.mailbox.control;

/** Which of the caller's mailboxes a request means, in the words the clients can give. */
public sealed interface MailboxChoice {

  /** The Exchange mailbox Outlook has open on-premises: its EWS URL and the item's token. */
  record OutlookOnExchange(String ewsUrl, String callbackToken) implements MailboxChoice {
    @Override
    public String toString() {
      return "OutlookOnExchange[" + ewsUrl + "]";
    }
  }

  /**
   * The Microsoft 365 mailbox whose Entra sign-in made the add-in session.
   *
   * @param sessionMailbox the connection the session's sign-in made, or null when it made none
   */
  record OutlookOnMicrosoft365(String sessionMailbox) implements MailboxChoice {}

  /**
   * A connected Gmail mailbox of the caller.
   *
   * @param mailboxId the connection the extension named, or null for the caller's only one
   */
  record Gmail(String mailboxId) implements MailboxChoice {}
}
