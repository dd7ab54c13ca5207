package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MimeMail;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OutgoingMessageTest {

  private static byte[] mime(String headers) {
    return (headers
            + "Subject: Quarterly review\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDraftWithAMessageIdKeepsItAndItsBytes() {
    byte[] draft =
        mime(
            "From: rep@contoso.example\r\nTo: nora@fabrikam.example\r\nMessage-ID: <abc.123@contoso.example>\r\n");
    OutgoingMessage m = OutgoingMessage.ofMime(draft);
    assertEquals("<abc.123@contoso.example>", m.messageId());
    assertArrayEquals(draft, m.mime());
    assertEquals("Quarterly review", m.subject());
  }

  @Test
  void aDraftWithoutMessageIdGetsOneAtTheSendersDomain() throws Exception {
    byte[] draft = mime("From: Rep <rep@Contoso.example>\r\nTo: nora@fabrikam.example\r\n");
    OutgoingMessage m = OutgoingMessage.ofMime(draft);
    assertTrue(OutgoingMessage.USABLE_ID.matcher(m.messageId()).matches(), m.messageId());
    assertTrue(m.messageId().endsWith("@contoso.example>"), m.messageId());
    MailMessage parsed = MimeMail.read("test", "1", m.mime(), true);
    assertEquals(m.messageId(), "<" + parsed.internetMessageId().replaceAll("^<|>$", "") + ">");
    assertEquals("Quarterly review", parsed.subject());
    assertNotEquals(
        m.messageId(), OutgoingMessage.ofMime(draft).messageId(), "a new one each time");
  }

  @Test
  void aDraftWithoutFromGetsAReservedDomain() {
    OutgoingMessage m = OutgoingMessage.ofMime(mime("To: nora@fabrikam.example\r\n"));
    assertTrue(m.messageId().endsWith("@mailbridge.invalid>"), m.messageId());
  }

  @Test
  void messageIdsProvidersCannotSearchExactlyAreRefused() {
    for (String id : List.of("<a'b@x>", "<a b@x>", "no-brackets@x", "<nodomain>", "<\"q\"@x>")) {
      InvalidField e =
          assertThrows(
              InvalidField.class,
              () -> OutgoingMessage.ofMime(mime("To: n@f.example\r\nMessage-ID: " + id + "\r\n")),
              id);
      assertEquals("mime", e.field());
    }
  }

  @Test
  void aDraftWithoutRecipientsOrNotMimeIsRefused() {
    assertThrows(
        InvalidField.class, () -> OutgoingMessage.ofMime(mime("From: rep@contoso.example\r\n")));
    assertThrows(
        InvalidField.class,
        () -> OutgoingMessage.ofMime("just text, no headers".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void composedMessagesCarryFieldsAttachmentsAndTheirOwnMessageId() throws Exception {
    OutgoingMessage m =
        OutgoingMessage.compose(
            new OutgoingMessage.Fields(
                List.of("nora@fabrikam.example"),
                List.of("Ann <ann@fabrikam.example>"),
                List.of(),
                "Angebot für Q1",
                "Hello Nora",
                "<p>Hello <b>Nora</b></p>",
                List.of(
                    new OutgoingMessage.Attachment(
                        "offer.pdf", "application/pdf", new byte[] {1, 2, 3}))),
            "rep@contoso.example");
    assertTrue(m.messageId().endsWith("@contoso.example>"), m.messageId());
    MailMessage parsed = MimeMail.read("test", "1", m.mime(), true);
    assertEquals(m.messageId(), "<" + parsed.internetMessageId().replaceAll("^<|>$", "") + ">");
    assertEquals("Angebot für Q1", parsed.subject());
    assertEquals("rep@contoso.example", parsed.from().email());
    assertEquals("nora@fabrikam.example", parsed.to().get(0).email());
    assertEquals("ann@fabrikam.example", parsed.cc().get(0).email());
    assertTrue(parsed.textBody().contains("Hello Nora"));
    assertTrue(parsed.htmlBody().contains("<b>Nora</b>"));
    assertEquals(1, parsed.attachments().size());
    assertEquals("offer.pdf", parsed.attachments().get(0).name());
    // The draft path accepts what compose made, unchanged.
    assertArrayEquals(m.mime(), OutgoingMessage.ofMime(m.mime()).mime());
  }

  @Test
  void composeNeedsARecipientAndValidAddresses() {
    assertThrows(
        InvalidField.class,
        () ->
            OutgoingMessage.compose(
                new OutgoingMessage.Fields(
                    List.of(), List.of(), List.of(), "s", "t", null, List.of()),
                null));
    InvalidField bad =
        assertThrows(
            InvalidField.class,
            () ->
                OutgoingMessage.compose(
                    new OutgoingMessage.Fields(
                        List.of("not an address"), List.of(), List.of(), "s", "t", null, List.of()),
                    null));
    assertEquals("to", bad.field());
    InvalidField badBcc =
        assertThrows(
            InvalidField.class,
            () ->
                OutgoingMessage.compose(
                    new OutgoingMessage.Fields(
                        List.of("nora@fabrikam.example"),
                        List.of(),
                        List.of("boss@contoso.example", "no at sign"),
                        "s",
                        "t",
                        null,
                        List.of()),
                    null));
    assertEquals("bcc", badBcc.field());
  }

  @Test
  void bccIsAHeaderOfTheComposedMessageAndMayBeItsOnlyRecipient() throws Exception {
    OutgoingMessage m =
        OutgoingMessage.compose(
            new OutgoingMessage.Fields(
                List.of("nora@fabrikam.example"),
                List.of(),
                List.of("boss@contoso.example", "Archive <archive@contoso.example>"),
                "Proposal",
                "Hello",
                null,
                List.of()),
            "rep@contoso.example");
    MimeMessage written =
        new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(m.mime()));
    Address[] bcc = written.getRecipients(Message.RecipientType.BCC);
    assertEquals(2, bcc.length);
    assertEquals("boss@contoso.example", ((InternetAddress) bcc[0]).getAddress());
    assertEquals("archive@contoso.example", ((InternetAddress) bcc[1]).getAddress());
    assertEquals(
        "nora@fabrikam.example",
        ((InternetAddress) written.getRecipients(Message.RecipientType.TO)[0]).getAddress());
    // The sender's copy keeps it: the parser reads Bcc of a message the owner sent.
    MailMessage parsed = MimeMail.read("test", "1", m.mime(), true);
    assertEquals(
        List.of("boss@contoso.example", "archive@contoso.example"),
        parsed.bcc().stream().map(a -> a.email()).toList());

    OutgoingMessage onlyBcc =
        OutgoingMessage.compose(
            new OutgoingMessage.Fields(
                List.of(),
                List.of(),
                List.of("boss@contoso.example"),
                "Note to self",
                "t",
                null,
                List.of()),
            "rep@contoso.example");
    // The draft path, which checks recipients in the headers, accepts it as it is.
    assertArrayEquals(onlyBcc.mime(), OutgoingMessage.ofMime(onlyBcc.mime()).mime());
    String headers = new String(onlyBcc.mime(), StandardCharsets.US_ASCII);
    assertTrue(
        Pattern.compile("(?m)^Bcc: boss@contoso\\.example$").matcher(headers).find(), headers);
    assertFalse(Pattern.compile("(?m)^(To|Cc):").matcher(headers).find(), headers);
  }
}
