package io.mailbridge.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attachments are found by the part ids Gmail gives them, also inside nested multiparts, and can be
 * described from their headers without decoding them.
 */
class MimeMailPartsTest {

  private static final String NESTED =
      "From: a@example.com\r\nTo: b@example.com\r\nSubject: parts\r\n"
          + "Message-ID: <parts@example.com>\r\n"
          + "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
          + "--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
          + "--inner\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
          + "--inner\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"
          + "--inner--\r\n"
          + "--outer\r\nContent-Type: text/csv; name=\"a.csv\"\r\n"
          + "Content-Disposition: attachment; filename=\"a.csv\"\r\n\r\nx,y\r\n"
          + "--outer\r\nContent-Type: multipart/mixed; boundary=deep\r\n\r\n"
          + "--deep\r\nContent-Type: application/octet-stream\r\n"
          + "Content-Disposition: attachment; filename=\"b.bin\"\r\n\r\nbytes\r\n"
          + "--deep--\r\n"
          + "--outer--\r\n";

  @Test
  void partIdsFollowGmailsNumbering() throws Exception {
    MimeMail.Parsed parsed =
        MimeMail.parse("gmail", "m1", NESTED.getBytes(StandardCharsets.UTF_8), false);
    assertEquals(List.of("1", "2.0"), List.copyOf(parsed.attachmentsByPart().keySet()));
    assertEquals("a.csv", parsed.attachmentsByPart().get("1").name());
    assertEquals("b.bin", parsed.attachmentsByPart().get("2.0").name());
    assertEquals("plain", parsed.message().textBody().strip());
    assertEquals(2, parsed.message().attachments().size());
  }

  private static byte[] withPdf(String base64) {
    return ("From: a@example.com\r\nTo: b@example.com\r\nSubject: report\r\n"
            + "Message-ID: <report@example.com>\r\n"
            + "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
            + "--outer\r\nContent-Type: text/plain\r\n\r\nsee the report\r\n"
            + "--outer\r\nContent-Type: application/pdf; name=\"r.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"r.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + base64
            + "\r\n--outer--\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void describingAttachmentsNeverDecodesTheirContent() throws Exception {
    // Truncated base64: decoding it fails, so a full read is refused ...
    byte[] broken = withPdf("QUJDR");
    assertThrows(MimeMail.UnreadableMessage.class, () -> MimeMail.read("ews", "i1", broken, false));

    // ... while a description needs the headers only.
    MailMessage described = MimeMail.readDescribingAttachments("ews", "i1", broken, false);
    assertEquals("see the report", described.textBody().strip());
    assertEquals(1, described.attachments().size());
    MailAttachment pdf = described.attachments().get(0);
    assertEquals("r.pdf", pdf.name());
    assertEquals("application/pdf", pdf.contentType());
    assertFalse(pdf.hasContent());
  }

  @Test
  void aDescribedAttachmentsSizeIsExactlyWhatItsBase64Encodes() throws Exception {
    java.util.Random random = new java.util.Random(7);
    // Every padding (none, one, two '='), also on a full line (55, 56, 170, 170 + 57 * 9), lines
    // of 76 ending in CRLF or LF, of 64, and one long line.
    for (int length :
        new int[] {0, 1, 2, 3, 55, 56, 57, 170, 683, 30_000, 30_001, 30_002, 1_000_000}) {
      byte[] content = new byte[length];
      random.nextBytes(content);
      for (String base64 :
          List.of(
              Base64.getMimeEncoder().encodeToString(content),
              Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(content),
              Base64.getMimeEncoder(64, new byte[] {'\r', '\n'}).encodeToString(content),
              Base64.getEncoder().encodeToString(content))) {
        byte[] mime = withPdf(base64);

        long described =
            MimeMail.readDescribingAttachments("graph", "i2", mime, false)
                .attachments()
                .get(0)
                .size();
        MailAttachment full = MimeMail.read("graph", "i2", mime, false).attachments().get(0);

        assertEquals(length, full.size());
        assertTrue(full.hasContent());
        assertEquals(length, described, "described without decoding, " + length + " bytes");
      }
    }
  }

  @Test
  void linesOfUnevenLengthAreCountedExactly() {
    byte[] content = new byte[10_000];
    new java.util.Random(11).nextBytes(content);
    String flat = Base64.getEncoder().encodeToString(content);
    StringBuilder uneven = new StringBuilder();
    int[] widths = {76, 76, 40, 76, 76, 13, 76};
    int at = 0;
    for (int i = 0; at < flat.length(); i++) {
      int next = Math.min(flat.length(), at + widths[i % widths.length]);
      uneven.append(flat, at, next).append("\r\n");
      at = next;
    }
    byte[] bytes = ("junk" + uneven + "junk").getBytes(StandardCharsets.US_ASCII);

    assertEquals(10_000, MimeMail.base64Length(bytes, 4, bytes.length - 4));
  }

  @Test
  void paddingOnALastLineThatEndsInABreakIsNotData() {
    java.util.Random random = new java.util.Random(13);
    for (int length : new int[] {55, 56, 57, 169, 170, 171}) {
      byte[] content = new byte[length];
      random.nextBytes(content);
      byte[] lines =
          (Base64.getMimeEncoder().encodeToString(content) + "\r\n")
              .getBytes(StandardCharsets.US_ASCII);

      assertEquals(length, MimeMail.base64Length(lines, 0, lines.length), length + " bytes");
    }
  }
}
