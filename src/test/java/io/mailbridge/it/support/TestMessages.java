package io.mailbridge.it.support;

import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Normalized messages as a provider would hand them to the storage path. */
public final class TestMessages {
  private TestMessages() {}

  public static MailMessage email(String subject, Instant sentAt, MailAttachment... attachments) {
    return email("<" + UUID.randomUUID() + "@it.example>", subject, sentAt, attachments);
  }

  public static MailMessage email(
      String messageId, String subject, Instant sentAt, MailAttachment... attachments) {
    return new MailMessage(
        "test",
        "item-" + UUID.randomUUID(),
        messageId,
        "thread-1",
        subject,
        new MailAddress("sender@customer.example", "Sender Person"),
        List.of(MailAddress.of("rep@it.example")),
        List.of(MailAddress.of("boss@customer.example")),
        List.of(MailAddress.of("hidden@it.example")),
        false,
        sentAt,
        sentAt.plusSeconds(5),
        "Plain body of " + subject,
        "<p>HTML body of " + subject + "</p>",
        1234,
        List.of(attachments));
  }

  public static MailAttachment attachment(String name, String contentType, String text) {
    return attachment(name, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  public static MailAttachment attachment(String name, String contentType, byte[] bytes) {
    return new MailAttachment(
        name, contentType, bytes.length, () -> new ByteArrayInputStream(bytes));
  }
}
