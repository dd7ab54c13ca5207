package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    JsonArrayBuilder headers = JSON.createArrayBuilder();
    for (Enumeration<Header> all = part.getAllHeaders(); all.hasMoreElements(); ) {
      Header header = all.nextElement();
      headers.add(
          JSON.createObjectBuilder()
              .add("name", header.getName())
              .add("value", header.getValue().replaceAll("\r?\n([ \t])", "$1").strip()));
    }
    JsonObjectBuilder answer =
        JSON.createObjectBuilder()
            .add("partId", partId)
            .add(
                "mimeType",
                new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT))
            .add("filename", fileName)
            .add("headers", headers);
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      JsonArrayBuilder parts = JSON.createArrayBuilder();
      for (int i = 0; i < multipart.getCount(); i++) {
        parts.add(
            part(
                multipart.getBodyPart(i),
                partId.isEmpty() ? String.valueOf(i) : partId + "." + i,
                messageId));
      }
      return answer.add("body", JSON.createObjectBuilder().add("size", 0)).add("parts", parts);
    }
    if (!fileName.isEmpty()) {
      long size = decodedSize((MimePart) part);
      String attachmentId =
          "ANGjdJ"
              + Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString((messageId + "/" + partId).getBytes(StandardCharsets.UTF_8));
      return answer.add(
          "body", JSON.createObjectBuilder().add("attachmentId", attachmentId).add("size", size));
    }
    byte[] data;
    try (InputStream in = part.getInputStream()) {
      data = in.readAllBytes();
    }
    return answer.add(
        "body",
        JSON.createObjectBuilder()
            .add("size", data.length)
            .add("data", Base64.getUrlEncoder().encodeToString(data)));
  }

  /**
   * The decoded size of a part's body. A base64 body's is counted from its encoded symbols (every
   * four make three bytes): decoding a benchmark's attachments of megabytes only to count them was
   * a quarter of the fake's CPU.
   */
  private static long decodedSize(MimePart part) throws MessagingException, IOException {
    if (!"base64".equalsIgnoreCase(part.getEncoding())) {
      try (InputStream in = part.getInputStream()) {
        return in.transferTo(OutputStream.nullOutputStream());
      }
    }
    byte[] body;
    try (InputStream in = rawBody(part)) {
      body = in.readAllBytes();
    }
    return base64Symbols(body) * 6 / 8;
  }

  /**
   * The base64 symbols in {@code body}. Encoders write lines of one length ended by CRLF; when the
   * line ends sit where that length puts them, only the last line is read symbol by symbol (padding
   * can only be there), and the other bytes of those lines are taken to be symbols, as in anything
   * an encoder wrote; this keeps the count of a benchmark's megabytes off the fake's CPU. Anything
   * else is counted symbol by symbol.
   */
  static long base64Symbols(byte[] body) {
    int line = 0;
    while (line < body.length && isSymbol(body[line])) {
      line++;
    }
    int stride = line + 2;
    int whole = 0;
    if (line > 0) {
      while ((whole + 1) * (long) stride <= body.length
          && body[whole * stride + line] == '\r'
          && body[whole * stride + line + 1] == '\n'
          && isSymbol(body[whole * stride + line - 1])) {
        whole++;
      }
    }
    long symbols = (long) whole * line;
    for (int i = whole * stride; i < body.length; i++) {
      if (isSymbol(body[i])) {
        symbols++;
      }
    }
    return symbols;
  }

  private static boolean isSymbol(byte b) {
    return (b >= 'A' && b <= 'Z')
        || (b >= 'a' && b <= 'z')
        || (b >= '0' && b <= '9')
        || b == '+'
        || b == '/';
  }

  private static InputStream rawBody(MimePart part) throws MessagingException {
    return part instanceof MimeBodyPart body
        ? body.getRawInputStream()
        : ((MimeMessage) part).getRawInputStream();
  }
}
