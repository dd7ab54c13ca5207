package io.mailbridge.mailbox.ews.control;

import java.util.List;

/**
 * Autodiscover found no EWS URL; {@link #attempts()} says, candidate by candidate, what each
 * answered or why it was not asked (in words an admin can act on, never a credential).
 */
public class AutodiscoverFailed extends Exception {

  private final List<String> attempts;

  AutodiscoverFailed(String message, List<String> attempts) {
    super(message, null, false, false);
    this.attempts = List.copyOf(attempts);
  }

  public List<String> attempts() {
    return attempts;
  }
}
