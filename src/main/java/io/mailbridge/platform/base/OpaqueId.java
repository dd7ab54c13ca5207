package io.mailbridge.platform.base;

import java.security.SecureRandom;
import java.util.Base64;

/** Random, URL-safe row ids, unique across every table so an id alone names a row. */
public final class OpaqueId {
  private static final SecureRandom RANDOM = new SecureRandom();

  private OpaqueId() {}

  public static String next() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
