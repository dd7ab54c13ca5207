package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.ContentTooLarge;

/** The provider's answer (a message with its attachments) is larger than Mailbridge reads. */
public class ProviderAnswerTooLarge extends ContentTooLarge {

  public ProviderAnswerTooLarge(String message) {
    super("too_large", message);
  }
}
