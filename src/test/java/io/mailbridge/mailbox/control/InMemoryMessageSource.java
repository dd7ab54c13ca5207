package io.mailbridge.mailbox.control;

import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import io.mailbridge.platform.problem.NotFound;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link MessageSource} over messages held in memory, for use cases' tests: it counts what was
 * read and opened, and remembers the marks it wrote.
 */
public class InMemoryMessageSource implements MessageSource {

  private final MailboxKind kind;
  private final Map<String, ReadMessage> messages = new ConcurrentHashMap<>();
  public final Map<String, String> marks = new ConcurrentHashMap<>();
  public final List<String> reads = new ArrayList<>();
  public final List<String> opened = new ArrayList<>();

  public InMemoryMessageSource(MailboxKind kind) {
    this.kind = kind;
  }

  /** Holds a message from {@code from} to {@code to} with these attachments (id → bytes). */
  public InMemoryMessageSource with(
      String id, String subject, String from, List<String> to, Map<String, byte[]> attachments) {
    Map<String, MailAttachment> described = new LinkedHashMap<>();
    attachments.forEach(
        (attachmentId, bytes) ->
            described.put(
                attachmentId,
                new MailAttachment(
                    attachmentId + ".bin",
                    "application/octet-stream",
                    bytes.length,
                    () -> {
                      opened.add(attachmentId);
                      return new ByteArrayInputStream(bytes);
                    })));
    MailMessage message =
        new MailMessage(
            kind.provider(),
            id,
            id + "@memory.example",
            null,
            subject,
            MailAddress.of(from),
            to.stream().map(MailAddress::of).toList(),
            List.of(),
            List.of(),
            false,
            Instant.parse("2026-01-02T03:04:05Z"),
            null,
            "text of " + subject,
            null,
            100,
            List.of());
    messages.put(id, new ReadMessage(message, described, null));
    return this;
  }

  @Override
  public MailboxKind kind() {
    return kind;
  }

  @Override
  public synchronized ReadMessage read(MailboxAccess mailbox, String messageId) {
    reads.add(messageId);
    ReadMessage read = messages.get(messageId);
    if (read == null) {
      throw new NotFound("Message");
    }
    return new ReadMessage(read.message(), read.attachments(), marks.get(messageId));
  }

  @Override
  public List<MailAttachment> open(
      MailboxAccess mailbox, ReadMessage read, List<String> attachmentIds) {
    return attachmentIds.stream().map(read.attachments()::get).toList();
  }

  @Override
  public LoggedMark markLogged(MailboxAccess mailbox, String messageId, String activityId) {
    marks.put(messageId, activityId);
    return new LoggedMark("memory", "MailbridgeActivityId", true);
  }

  @Override
  public String loggedActivity(MailboxAccess mailbox, String messageId) {
    return marks.get(messageId);
  }
}
