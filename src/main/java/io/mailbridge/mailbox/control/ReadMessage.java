package io.mailbridge.mailbox.control;

import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import java.util.Map;
import java.util.Objects;

/**
 * A message as a {@link MessageSource} read it: the normalized message, its attachments described
 * by the provider's attachment ids (bytes are fetched only by {@link MessageSource#open}), and the
 * activity id Mailbridge wrote into it when it was logged, if the read could see one.
 */
public record ReadMessage(
    MailMessage message, Map<String, MailAttachment> attachments, String loggedActivityId) {

  public ReadMessage {
    Objects.requireNonNull(message, "message");
    attachments =
        attachments == null ? Map.of() : java.util.Collections.unmodifiableMap(attachments);
  }
}
