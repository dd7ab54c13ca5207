package io.mailbridge.productivity.control;

import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MimeMail;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A message to be sent later, as RFC 822 bytes with a Message-ID: the MIME of a draft as given
 * (Mailbridge adds a Message-ID when it has none), or one composed from fields. The Message-ID is
 * the key by which a retry finds out whether the message was sent already, so it must be one that
 * the providers' searches can look up exactly.
 *
 * @param mime the bytes to send
 * @param messageId the Message-ID with its angle brackets
 * @param subject the subject, decoded, or null
 */
public record OutgoingMessage(byte[] mime, String messageId, String subject) {

  /** Letters, digits and the few signs Message-IDs use; no quotes, spaces or brackets inside. */
  static final Pattern USABLE_ID =
      Pattern.compile("<[A-Za-z0-9!#$%&*+/=?^_`{|}~.-]{1,200}@[A-Za-z0-9.-]{1,200}>");

  private static final Session SESSION = Session.getInstance(new Properties());

  /** A file to attach to a composed message. */
  public record Attachment(String name, String contentType, byte[] content) {}

  /**
   * The fields of a message composed by Mailbridge. Bcc goes into the MIME as a header, the one
   * place the providers' MIME sends (Graph {@code sendMail}, Gmail {@code messages.send}, EWS
   * {@code MimeContent}) take blind recipients from; they do not pass it on to the recipients.
   */
  public record Fields(
      List<String> to,
      List<String> cc,
      List<String> bcc,
      String subject,
      String text,
      String html,
      List<Attachment> attachments) {}

  /** The MIME of a draft: checked, and given a Message-ID when it has none. */
  public static OutgoingMessage ofMime(byte[] mime) {
    InternetHeaders headers;
    try {
      headers = new InternetHeaders(new ByteArrayInputStream(mime));
    } catch (MessagingException e) {
      throw new InvalidField("mime", "is not a readable RFC 822 message");
    }
    if (!hasRecipient(headers)) {
      throw new InvalidField("mime", "has no recipient (To, Cc or Bcc)");
    }
    String given = headers.getHeader("Message-ID", null);
    String messageId;
    byte[] bytes;
    if (given == null || given.isBlank()) {
      messageId = newMessageId(domainOf(headers.getHeader("From", null)));
      bytes = withHeader(mime, "Message-ID: " + messageId);
    } else {
      messageId = given.strip();
      if (!USABLE_ID.matcher(messageId).matches()) {
        throw new InvalidField(
            "mime", "has a Message-ID Mailbridge cannot look up; leave it out and one is added");
      }
      bytes = mime;
    }
    String subject;
    try {
      subject = MimeMail.read("scheduled", messageId, bytes, true).subject();
    } catch (MimeMail.UnreadableMessage e) {
      throw new InvalidField("mime", "is not a readable RFC 822 message");
    }
    return new OutgoingMessage(bytes, messageId, subject);
  }

  /** A message composed from fields, from {@code from} (the mailbox's address, or null). */
  public static OutgoingMessage compose(Fields fields, String from) {
    if (fields.to().isEmpty() && fields.cc().isEmpty() && fields.bcc().isEmpty()) {
      throw new InvalidField("to", "needs at least one address (or cc or bcc)");
    }
    String messageId = newMessageId(from == null ? null : domainOf(from));
    try {
      MimeMessage message = new MimeMessage(SESSION);
      if (from != null) {
        message.setFrom(new InternetAddress(from));
      }
      message.setRecipients(jakarta.mail.Message.RecipientType.TO, addresses(fields.to(), "to"));
      message.setRecipients(jakarta.mail.Message.RecipientType.CC, addresses(fields.cc(), "cc"));
      message.setRecipients(jakarta.mail.Message.RecipientType.BCC, addresses(fields.bcc(), "bcc"));
      message.setSubject(fields.subject() == null ? "" : fields.subject(), "UTF-8");
      message.setSentDate(new java.util.Date());
      MimeMultipart body = body(fields.text(), fields.html());
      if (fields.attachments().isEmpty()) {
        message.setContent(body);
      } else {
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart main = new MimeBodyPart();
        main.setContent(body);
        mixed.addBodyPart(main);
        for (Attachment a : fields.attachments()) {
          MimeBodyPart part = new MimeBodyPart();
          part.setDataHandler(
              new jakarta.activation.DataHandler(
                  new jakarta.mail.util.ByteArrayDataSource(a.content(), a.contentType())));
          part.setFileName(MimeUtility.encodeText(a.name(), "UTF-8", null));
          part.setDisposition(jakarta.mail.Part.ATTACHMENT);
          mixed.addBodyPart(part);
        }
        message.setContent(mixed);
      }
      message.saveChanges();
      // After saveChanges, which would put its own.
      message.setHeader("Message-ID", messageId);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      message.writeTo(out);
      return new OutgoingMessage(out.toByteArray(), messageId, fields.subject());
    } catch (MessagingException | IOException e) {
      throw new InvalidField("message", "cannot be composed: " + e.getClass().getSimpleName());
    }
  }

  private static MimeMultipart body(String text, String html) throws MessagingException {
    MimeMultipart alternative = new MimeMultipart("alternative");
    MimeBodyPart plain = new MimeBodyPart();
    plain.setText(text == null ? "" : text, "UTF-8");
    alternative.addBodyPart(plain);
    if (html != null) {
      MimeBodyPart rich = new MimeBodyPart();
      rich.setText(html, "UTF-8", "html");
      alternative.addBodyPart(rich);
    }
    return alternative;
  }

  private static InternetAddress[] addresses(List<String> list, String field) {
    InternetAddress[] out = new InternetAddress[list.size()];
    for (int i = 0; i < list.size(); i++) {
      try {
        out[i] = new InternetAddress(list.get(i), true);
      } catch (jakarta.mail.internet.AddressException e) {
        throw new InvalidField(field, "holds an address that is not valid");
      }
    }
    return out;
  }

  private static boolean hasRecipient(InternetHeaders headers) {
    for (String name : List.of("To", "Cc", "Bcc")) {
      String value = headers.getHeader(name, ",");
      if (value != null && !MimeMail.addresses(value).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** A new Message-ID: 128 random bits at the sender's domain (or a reserved one). */
  static String newMessageId(String domain) {
    byte[] random = new byte[16];
    ThreadLocalRandom.current().nextBytes(random);
    String host =
        domain != null && domain.matches("[A-Za-z0-9.-]{1,200}")
            ? domain.toLowerCase(Locale.ROOT)
            : "mailbridge.invalid";
    return "<" + HexFormat.of().formatHex(random) + ".sendlater@" + host + ">";
  }

  private static String domainOf(String fromHeader) {
    if (fromHeader == null) {
      return null;
    }
    List<MailAddress> from = MimeMail.addresses(fromHeader);
    if (from.isEmpty() || from.get(0).email() == null) {
      return null;
    }
    String email = from.get(0).email();
    int at = email.lastIndexOf('@');
    return at < 0 ? null : email.substring(at + 1);
  }

  /** The message with one more header line in front (headers come first; order is free). */
  static byte[] withHeader(byte[] mime, String line) {
    byte[] head = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + mime.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(mime, 0, out, head.length, mime.length);
    return out;
  }
}
