package io.mailbridge.mailbox.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.platform.problem.NotFound;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageSource} promises, whatever the provider: run by each implementation's
 * test against a mailbox that holds {@link Mailbox#messageId()} with two attachments.
 */
public abstract class MessageSourceContract {

  /** The source under test and what its mailbox holds. */
  public record Mailbox(
      MessageSource source,
      MailboxAccess access,
      String messageId,
      String subject,
      String fromAddress,
      List<String> toAndCcAddresses,
      Map<String, byte[]> attachmentBytesById,
      String missingMessageId) {}

  protected abstract Mailbox mailbox();

  @Test
  void readsTheMessageInTheNormalizedModelOfItsKind() {
    Mailbox m = mailbox();
    ReadMessage read = m.source().read(m.access(), m.messageId());
    assertEquals(m.source().kind().provider(), read.message().provider());
    assertEquals(m.subject(), read.message().subject());
    assertEquals(m.fromAddress(), read.message().from().email());
  }

  @Test
  void describesEveryAttachmentByItsIdWithNameAndSize() {
    Mailbox m = mailbox();
    ReadMessage read = m.source().read(m.access(), m.messageId());
    assertEquals(m.attachmentBytesById().keySet(), read.attachments().keySet());
    for (MailAttachment described : read.attachments().values()) {
      assertFalse(described.name().isBlank(), "every attachment has a name");
      assertFalse(described.contentType().isBlank(), "every attachment has a content type");
    }
  }

  @Test
  void opensOnlyTheChosenAttachmentsWithTheirBytesInTheOrderAsked() throws Exception {
    Mailbox m = mailbox();
    ReadMessage read = m.source().read(m.access(), m.messageId());
    List<String> ids = new ArrayList<>(m.attachmentBytesById().keySet());
    List<String> reversed = List.of(ids.get(1), ids.get(0));
    List<MailAttachment> opened = m.source().open(m.access(), read, reversed);
    assertEquals(2, opened.size());
    for (int i = 0; i < reversed.size(); i++) {
      assertEquals(read.attachments().get(reversed.get(i)).name(), opened.get(i).name());
      try (InputStream in = opened.get(i).content().open()) {
        assertArrayEquals(m.attachmentBytesById().get(reversed.get(i)), in.readAllBytes());
      }
    }
    assertEquals(
        List.of(opened.get(0).name()),
        m.source().open(m.access(), read, List.of(reversed.get(0))).stream()
            .map(MailAttachment::name)
            .toList());
    assertTrue(m.source().open(m.access(), read, List.of()).isEmpty());
  }

  @Test
  void aMessageThatIsNotThereIsNotFound() {
    Mailbox m = mailbox();
    assertThrows(NotFound.class, () -> m.source().read(m.access(), m.missingMessageId()));
  }

  @Test
  void participantsAreTheSenderAndEveryToAndCcRecipient() {
    Mailbox m = mailbox();
    List<String> participants =
        m.source().participants(m.access(), m.messageId()).stream()
            .map(MailAddress::email)
            .toList();
    List<String> expected = new ArrayList<>();
    expected.add(m.fromAddress());
    expected.addAll(m.toAndCcAddresses());
    assertEquals(expected, participants);
  }

  @Test
  void aLoggedMessageSaysHowItShowsThat() {
    Mailbox m = mailbox();
    LoggedMark mark = m.source().markLogged(m.access(), m.messageId(), "activity-1");
    assertFalse(mark.name() == null || mark.name().isBlank());
  }

  /** Attachment bytes by id, in the mailbox's order. */
  protected static Map<String, byte[]> attachments(Object... idsAndBytes) {
    Map<String, byte[]> map = new LinkedHashMap<>();
    for (int i = 0; i < idsAndBytes.length; i += 2) {
      map.put((String) idsAndBytes[i], (byte[]) idsAndBytes[i + 1]);
    }
    return map;
  }
}
