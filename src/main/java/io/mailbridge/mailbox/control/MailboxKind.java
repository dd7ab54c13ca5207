package io.mailbridge.mailbox.control;

/** The kinds of mailbox Mailbridge reads, each through its own {@link MessageSource}. */
public enum MailboxKind {
  /**
   * Exchange on-premises over EWS, with the callback token Outlook hands the add-in or the org's
   * service account impersonating a user.
   */
  EXCHANGE("ews"),
  /** Exchange Online over Microsoft Graph, with the user's delegated token. */
  GRAPH("graph"),
  /** Gmail over the Gmail API, with the connected mailbox's token. */
  GMAIL("gmail");

  private final String provider;

  MailboxKind(String provider) {
    this.provider = provider;
  }

  /** The provider name messages of this kind carry ({@code MailMessage.provider()}). */
  public String provider() {
    return provider;
  }
}
