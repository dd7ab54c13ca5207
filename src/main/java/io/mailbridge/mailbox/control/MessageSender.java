package io.mailbridge.mailbox.control;

/**
 * The port through which a message is sent from a connected mailbox as its owner, one
 * implementation per {@link MailboxKind} that can send (Exchange through the org's connection,
 * Graph, Gmail). The message is kept in the mailbox's Sent Items as if the owner had sent it.
 * Failures are the mailbox's typed problems: {@link SendRefused} when the provider will never take
 * this message, {@link ProviderBusy} and {@link ProviderUnreachable} when trying again may help;
 * never provider types.
 */
public interface MessageSender {

  /** The kind of mailbox this sender sends from. */
  MailboxKind kind();

  /**
   * Sends this RFC 822 message. The provider's answer may be lost after it took the message: a
   * caller that retries asks {@link #sentItemWith} first.
   */
  void send(MailboxAccess mailbox, byte[] mime);

  /**
   * Whether the mailbox's Sent Items hold a message with this Message-ID (with its angle brackets,
   * e.g. {@code <abc@mailbridge>}).
   */
  boolean sentItemWith(MailboxAccess mailbox, String internetMessageId);
}
