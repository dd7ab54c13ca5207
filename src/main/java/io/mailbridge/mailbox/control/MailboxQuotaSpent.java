package io.mailbridge.mailbox.control;

import java.time.Duration;

/**
 * Mailbridge's own pacing holds a call back: the mailbox's share of the provider's per-mailbox
 * limit is spent on this node for longer than a caller waits inline. Nothing was sent; {@link
 * #retryAfter()} is when the budget has room again. A capture run ends its page on it and goes on
 * then, without counting it as a failed attempt.
 */
public class MailboxQuotaSpent extends ProviderBusy {

  public MailboxQuotaSpent(String code, String message, Duration retryAfter) {
    super(code, message, retryAfter);
  }
}
