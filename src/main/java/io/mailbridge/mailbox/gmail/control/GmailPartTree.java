package io.mailbridge.mailbox.gmail.control;

import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartBody;
import com.google.api.services.gmail.model.MessagePartHeader;
import io.mailbridge.mailbox.control.CapturedItem;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MimeMail;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Gmail {@code format=full} answer read into the normalized message, with its attachments
 * described only: Gmail parses the MIME into a tree of parts (developers.google.com/gmail/api
 * /reference/rest/v1/users.messages, {@code MessagePart}) whose text parts carry their bytes in
 * {@code body.data} and whose attachments carry only an {@code attachmentId} and their size, so
 * reading a message this way never downloads an attachment. Each part is classified by the same
 * rule as the MIME read of {@code format=raw} ({@link MimeMail.Bodies}), so the same email reads
 * the same either way, attachments keyed by the same MIME part ids.
 */
final class GmailPartTree {

  private static final int MAX_DEPTH = 20;

  private GmailPartTree() {}

  /**
   * The bytes of a part whose body Gmail left out ({@code messages.attachments.get}), for a text
   * body Gmail sent as an attachment id; never asked for an attachment's.
   */
  @FunctionalInterface
  interface BodyFetch {
    byte[] data(String attachmentId);
  }

  /** The message and the marks its headers carry; the owner sent it when Gmail labels it SENT. */
  static CapturedItem read(String messageId, Message full, BodyFetch fetch) {
    MessagePart payload = full.getPayload();
    if (payload == null) {
      throw new ProviderRefused("gmail_error", "Gmail answered without the message's content");
    }
    List<Map.Entry<String, String>> headers = headers(payload);
    boolean ownerSent = full.getLabelIds() != null && full.getLabelIds().contains("SENT");
    MimeMail.Bodies bodies = new MimeMail.Bodies();
    try {
      collect(payload, bodies, 0, "", fetch);
      MimeMail.Parsed parsed =
          MimeMail.parse(
              "gmail",
              messageId,
              headers,
              ownerSent,
              full.getSizeEstimate() == null ? 0 : full.getSizeEstimate(),
              bodies);
      return new CapturedItem(
          new ReadMessage(parsed.message(), parsed.attachmentsByPart(), null),
          MimeMail.marks(headers));
    } catch (MessagingException | IOException | MimeMail.UnreadableMessage e) {
      throw new ProviderRefused("gmail_error", "Gmail sent a message that is not readable MIME");
    }
  }

  private static void collect(
      MessagePart part, MimeMail.Bodies bodies, int depth, String partId, BodyFetch fetch)
      throws MessagingException, IOException {
    if (depth > MAX_DEPTH) {
      return;
    }
    String id = part.getPartId() == null ? partId : part.getPartId();
    String mimeType = part.getMimeType() == null ? "" : part.getMimeType();
    if (mimeType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      List<MessagePart> children = part.getParts() == null ? List.of() : part.getParts();
      for (int i = 0; i < children.size(); i++) {
        collect(children.get(i), bodies, depth + 1, MimeMail.childPartId(id, i), fetch);
      }
      return;
    }
    MimeBodyPart described = described(part);
    MessagePartBody body = part.getBody() == null ? new MessagePartBody() : part.getBody();
    bodies.take(
        described,
        id,
        new MimeMail.Bodies.Content() {
          @Override
          public String text() throws MessagingException {
            return MimeMail.text(described.getContentType(), data(body, fetch));
          }

          @Override
          public MailAttachment attachment(String name, String type) {
            return new MailAttachment(
                name, type, body.getSize() == null ? 0 : body.getSize(), null);
          }
        });
  }

  /**
   * The part as its headers describe it, for the rule that tells bodies from attachments; Gmail's
   * {@code mimeType} and {@code filename} stand in for headers the part does not carry.
   */
  private static MimeBodyPart described(MessagePart part) throws MessagingException {
    String gmailName = part.getFilename();
    MimeBodyPart described =
        new MimeBodyPart() {
          @Override
          public String getFileName() throws MessagingException {
            String own = super.getFileName();
            return own != null || gmailName == null || gmailName.isBlank() ? own : gmailName;
          }
        };
    for (Map.Entry<String, String> header : headers(part)) {
      described.addHeader(header.getKey(), header.getValue());
    }
    if (described.getHeader("Content-Type") == null && part.getMimeType() != null) {
      described.setHeader("Content-Type", part.getMimeType());
    }
    return described;
  }

  /** A text part's bytes: inline in {@code body.data}, or fetched when Gmail left them out. */
  private static byte[] data(MessagePartBody body, BodyFetch fetch) {
    if (body.getData() != null) {
      return GmailMailbox.base64url(body.getData(), body::decodeData);
    }
    if (body.getAttachmentId() != null) {
      return fetch.data(body.getAttachmentId());
    }
    return new byte[0];
  }

  private static List<Map.Entry<String, String>> headers(MessagePart part) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    if (part.getHeaders() != null) {
      for (MessagePartHeader header : part.getHeaders()) {
        if (header.getName() != null && header.getValue() != null) {
          headers.add(new AbstractMap.SimpleImmutableEntry<>(header.getName(), header.getValue()));
        }
      }
    }
    return headers;
  }
}
