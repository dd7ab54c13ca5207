package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.platform.base.OpaqueId;
import io.mailbridge.productivity.control.BookingTokens.Grant;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class BookingTokensTest {

  static BookingTokens withKey(String key) {
    return new BookingTokens() {
      @Override
      byte[] mac(String payload) {
        try {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
          return java.util.Arrays.copyOf(
              mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)), MAC_BYTES);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  private final BookingTokens tokens = withKey("server key");
  private final String offer = OpaqueId.next();
  private final Instant expires = Instant.parse("2026-12-14T10:00:00Z");

  @Test
  void aTokenNamesItsOfferAndExpiry() {
    assertEquals(
        Optional.of(new Grant(offer, expires)), tokens.verify(tokens.issue(offer, expires)));
  }

  @Test
  void anAlteredOrForeignTokenIsRefused() {
    String token = tokens.issue(offer, expires);
    long later = expires.getEpochSecond() + 86400;
    assertEquals(
        Optional.empty(),
        tokens.verify(token.replace("." + expires.getEpochSecond() + ".", "." + later + ".")),
        "a later expiry");
    assertEquals(
        Optional.empty(), tokens.verify(token.replace(offer, OpaqueId.next())), "another offer");
    assertEquals(Optional.empty(), withKey("another server").verify(token), "another server's key");
    assertEquals(Optional.empty(), tokens.verify(token + "x"));
    assertEquals(Optional.empty(), tokens.verify(null));
    assertEquals(Optional.empty(), tokens.verify("b." + offer + ".1.AAAAAAAAAAAAAAAAAAAAAA"));
  }
}
