package io.mailbridge.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Attachments are found by the part ids Gmail gives them, also inside nested multiparts. */
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
}
