package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.api.services.gmail.model.MessagePartBody;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Gmail's bytes decode as the client library decodes them, by the JDK where it can. */
class GmailBase64UrlTest {

  @Test
  void urlSafeBytesWithAndWithoutPaddingAreTheLibrarysBytes() {
    Random random = new Random(3);
    for (int length = 0; length < 70; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      for (String data :
          new String[] {
            Base64.getUrlEncoder().encodeToString(bytes),
            Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)
          }) {
        MessagePartBody body = new MessagePartBody().setData(data);
        AtomicInteger libraryCalls = new AtomicInteger();
        byte[] decoded =
            GmailMailbox.base64url(
                data,
                () -> {
                  libraryCalls.incrementAndGet();
                  return body.decodeData();
                });
        assertArrayEquals(body.decodeData(), decoded);
        assertArrayEquals(bytes, decoded);
        assertEquals(0, libraryCalls.get(), "the JDK decoded it");
      }
    }
  }

  @Test
  void whatTheJdkRefusesIsDecodedAsTheLibraryDoes() {
    byte[] bytes = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 0x01};
    String standard = Base64.getEncoder().encodeToString(bytes); // "+/+/AQ==": not url-safe
    MessagePartBody body = new MessagePartBody().setData(standard);

    assertArrayEquals(bytes, GmailMailbox.base64url(standard, body::decodeData));
  }
}
