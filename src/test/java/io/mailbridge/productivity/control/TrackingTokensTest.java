package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.platform.base.OpaqueId;
import io.mailbridge.productivity.control.TrackingTokens.Target;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TrackingTokensTest {

  /** Tokens made with a fixed HMAC key instead of the server's stored one. */
  static TrackingTokens withKey(String key) {
    return new TrackingTokens() {
      @Override
      byte[] mac(String payload) {
        try {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
          byte[] full = mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
          return java.util.Arrays.copyOf(full, MAC_BYTES);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  private final TrackingTokens tokens = withKey("server key");
  private final String email = OpaqueId.next();

  @Test
  void aTokenNamesWhatItWasMadeFor() {
    assertEquals(Optional.of(new Target(email, -1)), tokens.verify(tokens.open(email)));
    assertEquals(Optional.of(new Target(email, 7)), tokens.verify(tokens.click(email, 7)));
    assertTrue(tokens.verify(tokens.open(email)).get().isOpen());
  }

  @Test
  void anAlteredTokenIsRefused() {
    String click = tokens.click(email, 3);
    assertEquals(Optional.empty(), tokens.verify(click.replace(".3.", ".4.")), "another link");
    String other = OpaqueId.next();
    assertEquals(
        Optional.empty(), tokens.verify(click.replace(email, other)), "another email's id");
    String open = tokens.open(email);
    assertEquals(
        Optional.empty(),
        tokens.verify("c." + email + ".0." + open.substring(open.lastIndexOf('.') + 1)),
        "an open token's MAC does not make a click token");
    // Every other spelling of the last character, including those that decode to the same bytes
    // (its low bits are unused): a token has exactly one form.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (char c : alphabet.toCharArray()) {
      if (c != click.charAt(click.length() - 1)) {
        String changed = click.substring(0, click.length() - 1) + c;
        assertEquals(Optional.empty(), tokens.verify(changed), "a changed MAC: " + changed);
      }
    }
  }

  @Test
  void anotherKeysTokensAreRefused() {
    assertEquals(Optional.empty(), withKey("another key").verify(tokens.click(email, 0)));
    assertEquals(Optional.empty(), withKey("another key").verify(tokens.open(email)));
  }

  @Test
  void garbageIsRefusedWithoutFailing() {
    for (String garbage :
        new String[] {
          null,
          "",
          "o",
          "o..",
          "x." + email + ".AAAAAAAAAAAAAAAAAAAAAA",
          "c." + email + ".01." + "A".repeat(22),
          "c." + email + ".-1." + "A".repeat(22),
          "c." + email + ".99999." + "A".repeat(22),
          "o." + email + "." + "%".repeat(22),
          "o." + email + "." + "A".repeat(500),
          "../../etc/passwd"
        }) {
      assertEquals(Optional.empty(), tokens.verify(garbage), String.valueOf(garbage));
    }
  }
}
