package io.mailbridge.platform.security.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random tokens handed out once (refresh tokens, add-in sessions, sign-up tickets, CSRF values) and
 * stored only as their SHA-256, so a copy of the database cannot be replayed.
 */
public final class OpaqueTokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private OpaqueTokens() {}

  /** 256 random bits, base64url without padding. */
  public static String next() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** The stored form of a token: base64url SHA-256; empty for no token. */
  public static String hash(String token) {
    if (token == null) {
      return "";
    }
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
