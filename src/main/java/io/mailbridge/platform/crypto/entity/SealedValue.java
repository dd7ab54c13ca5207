package io.mailbridge.platform.crypto.entity;

import io.mailbridge.platform.crypto.control.FieldCipher;
import jakarta.enterprise.inject.spi.CDI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A field that is stored encrypted. New values are sealed by {@link SealedValueConverter} when the
 * row is written; loaded values stay ciphertext until the owning entity opens them with its own
 * {@link RowBinding}, which is what ties a ciphertext to its row.
 */
public final class SealedValue {

  private final byte[] plaintext;
  private final RowBinding binding;
  private volatile byte[] ciphertext;

  private SealedValue(byte[] plaintext, RowBinding binding, byte[] ciphertext) {
    this.plaintext = plaintext;
    this.binding = binding;
    this.ciphertext = ciphertext;
  }

  public static SealedValue of(String text, RowBinding binding) {
    return text == null ? null : of(text.getBytes(StandardCharsets.UTF_8), binding);
  }

  public static SealedValue of(byte[] bytes, RowBinding binding) {
    return bytes == null ? null : new SealedValue(bytes.clone(), binding, null);
  }

  static SealedValue fromDatabase(byte[] ciphertext) {
    return ciphertext == null ? null : new SealedValue(null, null, ciphertext);
  }

  /** The stored form; a new value is encrypted once and the result kept. */
  byte[] ciphertext() {
    byte[] sealed = ciphertext;
    if (sealed == null) {
      synchronized (this) {
        if (ciphertext == null) {
          ciphertext = cipher().encrypt(binding, plaintext);
        }
        sealed = ciphertext;
      }
    }
    return sealed;
  }

  public byte[] openBytes(RowBinding expected) {
    if (plaintext != null) {
      if (!binding.equals(expected)) {
        throw new IllegalStateException("Sealed value opened with a different row binding");
      }
      return plaintext.clone();
    }
    return cipher().decrypt(expected, ciphertext);
  }

  public String openText(RowBinding expected) {
    return new String(openBytes(expected), StandardCharsets.UTF_8);
  }

  public static String openText(SealedValue value, RowBinding expected) {
    return value == null ? null : value.openText(expected);
  }

  private static FieldCipher cipher() {
    return CDI.current().select(FieldCipher.class).get();
  }

  @Override
  public String toString() {
    // Never reveal the content, not even its length, in logs.
    return "SealedValue[***]";
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof SealedValue that)) {
      return false;
    }
    byte[] mine = ciphertext;
    byte[] theirs = that.ciphertext;
    return mine != null && theirs != null && Arrays.equals(mine, theirs);
  }

  @Override
  public int hashCode() {
    byte[] mine = ciphertext;
    return mine == null ? System.identityHashCode(this) : Arrays.hashCode(mine);
  }
}
