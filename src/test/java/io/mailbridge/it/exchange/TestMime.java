package io.mailbridge.it.exchange;

import java.nio.charset.StandardCharsets;

/** Small RFC 822 messages for the fake mailbox. */
public final class TestMime {

  private TestMime() {}

  /** A multipart/alternative message with a text and an HTML body, padded to about {@code size}. */
  public static byte[] message(
      String messageId, String subject, String from, String to, String text, int size) {
    StringBuilder padding = new StringBuilder();
    while (padding.length() < size) {
      padding.append("Padding line to make the message as large as a real one. 0123456789\r\n");
    }
    String mime =
        "MIME-Version: 1.0\r\n"
            + "From: "
            + from
            + "\r\nTo: "
            + to
            + "\r\nSubject: "
            + subject
            + "\r\nDate: Tue, 03 Jun 2025 09:12:33 +0000\r\n"
            + "Message-ID: <"
            + messageId
            + ">\r\n"
            + "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            + text
            + "\r\n"
            + padding
            + "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>"
            + text
            + "</p>\r\n--b1--\r\n";
    return mime.getBytes(StandardCharsets.UTF_8);
  }
}
