package io.mailbridge.mailbox.control;

import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;

/**
 * One item a change feed reports: gone from the folder ({@code removed}, only {@code itemId} is
 * known), or new or changed with its participants and marks ({@code summary} has no bodies).
 */
public record ItemChange(String itemId, boolean removed, MailMessage summary, MessageMarks marks) {

  public static ItemChange removed(String itemId) {
    return new ItemChange(itemId, true, null, MessageMarks.NONE);
  }
}
