package io.mailbridge.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Splitting a multipart by its boundary lines finds the same parts with the same bytes as Jakarta
 * Mail's own reading, for the shapes real mail takes: CRLF and bare LF lines, preamble and
 * epilogue, padding after a delimiter, lines that only look like one, empty parts, a missing close
 * delimiter, nesting; and what Jakarta Mail refuses (a transfer-encoded multipart) is refused.
 */
class MimeBoundariesTest {

  private static final String HEAD =
      "From: a@example.com\r\nTo: b@example.com\r\nSubject: parts\r\n"
          + "Message-ID: <parts@example.com>\r\nMIME-Version: 1.0\r\n";

  private static String pdf(int length) {
    byte[] content = new byte[length];
    new Random(length).nextBytes(content);
    return Base64.getMimeEncoder().encodeToString(content);
  }

  static List<String> messages() {
    String attachment =
        "Content-Type: application/pdf; name=\"r.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"r.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + pdf(5_000)
            + "\r\n";
    String nested =
        HEAD
            + "Content-Type: multipart/mixed; boundary=\"o=_1\"\r\n\r\n"
            + "This is a preamble.\r\n--o=_1x is not a delimiter\r\n"
            + "--o=_1 \t\r\nContent-Type: multipart/alternative; boundary=in\r\n\r\n"
            + "--in\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain\r\n--o=_1 in text\r\n"
            + "--in\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n\r\n"
            + "--in--\r\n"
            + "--o=_1\r\n"
            + attachment
            + "--o=_1\r\nContent-Type: text/csv; name=\"empty.csv\"\r\n"
            + "Content-Disposition: attachment; filename=\"empty.csv\"\r\n\r\n"
            + "\r\n--o=_1\r\nContent-Type: multipart/mixed; boundary=deep\r\n\r\n"
            + "--deep\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Disposition: attachment; filename=\"b.bin\"\r\n\r\nbytes\r\n\r\n"
            + "--deep--\r\n"
            + "--o=_1-- \r\nan epilogue\r\n--o=_1\r\nContent-Type: text/plain\r\n\r\nafter\r\n";
    String bareLineFeeds = nested.replace("\r\n", "\n");
    String noCloseDelimiter =
        HEAD
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
            + "--b\r\n"
            + attachment;
    String encodedMultipart =
        HEAD
            + "Content-Type: multipart/mixed; boundary=q\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder()
                .encodeToString(
                    ("--q\r\nContent-Type: text/plain\r\n\r\nencoded body\r\n--q\r\n"
                            + attachment
                            + "--q--\r\n")
                        .getBytes(StandardCharsets.US_ASCII))
            + "\r\n";
    String singlePart = HEAD + "Content-Type: text/plain\r\n\r\njust text\r\n";
    String emptyParts =
        HEAD
            + "Content-Type: multipart/mixed; boundary=e\r\n\r\n"
            + "--e\r\n--e\r\nContent-Type: text/plain\r\n\r\n--e\r\n\r\n\r\n--e--";
    // The boundary inside lines and at a line's end, lines that end just short of it, and a long
    // attachment in between: only whole lines starting with it delimit.
    String boundaryInsideLines =
        HEAD
            + "Content-Type: multipart/mixed; boundary=\"--=_x\"\r\n\r\n"
            + "----=_x\r\nContent-Type: text/plain\r\n\r\nsee ----=_x here\r\n"
            + "and at the end ----=_x\r\n---=_x\r\n\n----=_\r\n"
            + "----=_x\r\n"
            + "Content-Type: application/pdf; name=\"big.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"big.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + pdf(300_000)
            + "\r\n----=_x--";
    return List.of(
        nested,
        bareLineFeeds,
        noCloseDelimiter,
        encodedMultipart,
        singlePart,
        emptyParts,
        boundaryInsideLines);
  }

  @ParameterizedTest
  @MethodSource("messages")
  void aMessageReadsAsJakartaMailReadsIt(String message) throws Exception {
    byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
    Map<String, byte[]> leaves = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    MimeMessage oracle =
        new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
    try {
      leaves(oracle, "", leaves, names);
    } catch (MessagingException refused) {
      // What Jakarta Mail cannot split (a multipart whose content is base64) is refused as well.
      assertThrows(
          MimeMail.UnreadableMessage.class, () -> MimeMail.parse("test", "m", bytes, false));
      return;
    }

    MimeMail.Parsed parsed = MimeMail.parse("test", "m", bytes, false);

    for (Map.Entry<String, MailAttachment> found : parsed.attachmentsByPart().entrySet()) {
      byte[] expected = leaves.get(found.getKey());
      assertNotNull(expected, "Jakarta Mail has no leaf part " + found.getKey());
      try (InputStream in = found.getValue().content().open()) {
        assertArrayEquals(expected, in.readAllBytes(), "the bytes of part " + found.getKey());
      }
      assertEquals(names.get(found.getKey()), found.getValue().name());
    }
    List<String> expectedAttachments =
        names.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList();
    assertEquals(expectedAttachments, List.copyOf(parsed.attachmentsByPart().keySet()));
    assertEquals(firstText(oracle, "text/plain"), parsed.message().textBody());
    assertEquals(firstText(oracle, "text/html"), parsed.message().htmlBody());

    MailMessage described = MimeMail.readDescribingAttachments("test", "m", bytes, false);
    assertEquals(
        parsed.message().attachments().stream().map(a -> a.name() + ":" + a.size()).toList(),
        described.attachments().stream().map(a -> a.name() + ":" + a.size()).toList());
  }

  /** Every leaf's decoded bytes, by Gmail's part numbering, and its file name if it has one. */
  private static void leaves(
      Part part, String id, Map<String, byte[]> leaves, Map<String, String> names)
      throws Exception {
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        leaves(multipart.getBodyPart(i), MimeMail.childPartId(id, i), leaves, names);
      }
      return;
    }
    try (InputStream in = part.getInputStream()) {
      leaves.put(id, in.readAllBytes());
    }
    names.put(id, part.getFileName());
  }

  private static String firstText(Part part, String type) throws Exception {
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        String found = firstText(multipart.getBodyPart(i), type);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
    boolean attachment =
        Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
    return !attachment && part.isMimeType(type) ? (String) part.getContent() : null;
  }
}
