package io.mailbridge.it.providers;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Properties;

/**
 * Gmail's {@code format=full} payload of a stored MIME message, in the shape Google documents
 * (developers.google.com/gmail/api/reference/rest/v1/users.messages, {@code MessagePart}): the top
 * part {@code partId ""}, children {@code 0, 1, …} and theirs {@code 0.0, 0.1, …}; each part's
 * {@code mimeType}, {@code filename} ({@code ""} when it has none) and own headers; a container's
 * {@code body} is {@code {size: 0}}, a part with a file name has an {@code attachmentId} and its
 * decoded size but no data, any other part its bytes (transfer encoding undone, its own charset) as
 * base64url {@code data}.
 */
final class GmailPartTreeAnswer {

  private static final Session SESSION = Session.getInstance(new Properties());

  private GmailPartTreeAnswer() {}

  static JsonObjectBuilder payload(String messageId, byte[] mime) throws IOException {
    try {
      return part(new MimeMessage(SESSION, new ByteArrayInputStream(mime)), "", messageId);
    } catch (MessagingException e) {
      throw new IOException("The stored message is not MIME", e);
    }
  }

  private static JsonObjectBuilder part(Part part, String partId, String messageId)
      throws MessagingException, IOException {
    String fileName = part.getFileName() == null ? "" : part.getFileName();
    JsonArrayBuilder headers = Json.createArrayBuilder();
    for (Enumeration<Header> all = part.getAllHeaders(); all.hasMoreElements(); ) {
      Header header = all.nextElement();
      headers.add(
          Json.createObjectBuilder()
              .add("name", header.getName())
              .add("value", header.getValue().replaceAll("\r?\n([ \t])", "$1").strip()));
    }
    JsonObjectBuilder answer =
        Json.createObjectBuilder()
            .add("partId", partId)
            .add(
                "mimeType",
                new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT))
            .add("filename", fileName)
            .add("headers", headers);
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      JsonArrayBuilder parts = Json.createArrayBuilder();
      for (int i = 0; i < multipart.getCount(); i++) {
        parts.add(
            part(
                multipart.getBodyPart(i),
                partId.isEmpty() ? String.valueOf(i) : partId + "." + i,
                messageId));
      }
      return answer.add("body", Json.createObjectBuilder().add("size", 0)).add("parts", parts);
    }
    if (!fileName.isEmpty()) {
      long size;
      try (InputStream in = part.getInputStream()) {
        size = in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      String attachmentId =
          "ANGjdJ"
              + Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString((messageId + "/" + partId).getBytes(StandardCharsets.UTF_8));
      return answer.add(
          "body", Json.createObjectBuilder().add("attachmentId", attachmentId).add("size", size));
    }
    byte[] data;
    try (InputStream in = part.getInputStream()) {
      data = in.readAllBytes();
    }
    return answer.add(
        "body",
        Json.createObjectBuilder()
            .add("size", data.length)
            .add("data", Base64.getUrlEncoder().encodeToString(data)));
  }
}
