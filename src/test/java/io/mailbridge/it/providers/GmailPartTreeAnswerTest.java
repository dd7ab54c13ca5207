package io.mailbridge.it.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fake's attachment sizes in Gmail's full format: what a base64 decoder makes of the body. */
class GmailPartTreeAnswerTest {

  private static final Base64.Encoder MIME = Base64.getMimeEncoder();
  private static final Base64.Decoder DECODER = Base64.getMimeDecoder();

  @Test
  void theSizeCountedFromTheSymbolsIsTheDecodedSizeForEveryPaddingAndLineLayout() {
    Random random = new Random(7);
    for (int length = 0; length < 400; length++) {
      byte[] data = new byte[length];
      random.nextBytes(data);
      assertDecodedSize(MIME.encode(data));
      assertDecodedSize(Base64.getEncoder().encode(data));
      assertDecodedSize(Base64.getMimeEncoder(64, "\r\n".getBytes()).encode(data));
      assertDecodedSize(Base64.getMimeEncoder(76, "\n".getBytes()).encode(data));
      assertDecodedSize(
          (new String(MIME.encode(data), StandardCharsets.US_ASCII) + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void linesOfUnevenLengthAreCountedSymbolBySymbol() {
    assertDecodedSize(bytes("QUJDREVG\r\nR0g=\r\n"));
    assertDecodedSize(bytes("QUJD\r\nREVG\r\nR0hJSktM\r\nTU5P"));
    assertEquals(0, GmailPartTreeAnswer.base64Symbols(bytes("\r\n\r\n")));
  }

  @Test
  void aMessagesAttachmentIsAnsweredWithItsDecodedSizeAndNoData() throws Exception {
    byte[] pdf = new byte[100_003];
    new Random(3).nextBytes(pdf);
    String mime =
        "MIME-Version: 1.0\r\nSubject: report\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nsee attached\r\n--b\r\n"
            + "Content-Type: application/pdf; name=\"r.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"r.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + new String(MIME.encode(pdf), StandardCharsets.US_ASCII)
            + "\r\n--b--\r\n";
    JsonObject payload =
        GmailPartTreeAnswer.payload("m1", mime.getBytes(StandardCharsets.US_ASCII)).build();
    JsonObject attachment = payload.getJsonArray("parts").getJsonObject(1);
    assertEquals("1", attachment.getString("partId"));
    assertEquals("r.pdf", attachment.getString("filename"));
    assertEquals(100_003, attachment.getJsonObject("body").getInt("size"));
    assertEquals(false, attachment.getJsonObject("body").containsKey("data"));
  }

  private static void assertDecodedSize(byte[] body) {
    assertEquals(
        DECODER.decode(body).length,
        GmailPartTreeAnswer.base64Symbols(body) * 6 / 8,
        () -> new String(body, StandardCharsets.US_ASCII));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
