package io.mailbridge.mailbox.ews.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The secret in a push subscription's callback URL ({@code ?token=}): 256 random bits, one per
 * subscription. Exchange cannot sign in to Mailbridge, so the token is what proves a {@code
 * SendNotification} came to the URL Mailbridge gave Exchange; only its SHA-256 is stored, and it is
 * compared in constant time.
 */
final class EwsCallbackToken {

  /** The query parameter carrying the token. */
  static final String PARAMETER = "token";

  private static final SecureRandom RANDOM = new SecureRandom();

  private EwsCallbackToken() {}

  static String create() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JVM", e);
    }
  }

  /** Whether {@code token} is the one whose hash is {@code expectedHash}; false for nulls. */
  static boolean matches(String token, String expectedHash) {
    if (token == null || expectedHash == null || token.length() > 200) {
      return false;
    }
    return MessageDigest.isEqual(
        hash(token).getBytes(StandardCharsets.US_ASCII),
        expectedHash.getBytes(StandardCharsets.US_ASCII));
  }
}
