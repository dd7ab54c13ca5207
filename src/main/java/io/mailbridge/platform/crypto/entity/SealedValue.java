package io.mailbridge.platform.crypto.entity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A field that is stored encrypted. New values are sealed by {@link SealedValueConverter} when the
 * row is written; loaded values stay ciphertext until the owning entity opens them with its own
 * {@link RowBinding}, which is what ties a ciphertext to its row. The converter hands over the
 * {@link ValueCipher} either way, so a value never looks for one itself.
 */
public final class SealedValue {

  private final byte[] plaintext;
  private final RowBinding binding;
  private final ValueCipher cipher;
  private volatile byte[] ciphertext;

  private SealedValue(byte[] plaintext, RowBinding binding, byte[] ciphertext, ValueCipher cipher) {
    this.plaintext = plaintext;
    this.binding = binding;
    this.ciphertext = ciphertext;
    this.cipher = cipher;
  }

  public static SealedValue of(String text, RowBinding binding) {
    return text == null ? null : of(text.getBytes(StandardCharsets.UTF_8), binding);
  }

  public static SealedValue of(byte[] bytes, RowBinding binding) {
    return bytes == null ? null : new SealedValue(bytes.clone(), binding, null, null);
  }

  /** A stored value, opened later with {@code cipher} when its entity reads it. */
  static SealedValue fromDatabase(byte[] ciphertext, ValueCipher cipher) {
    return ciphertext == null ? null : new SealedValue(null, null, ciphertext, cipher);
  }

  /** The stored form; a new value is encrypted once and the result kept. */
  byte[] ciphertext(ValueCipher cipher) {
    byte[] sealed = ciphertext;
    if (sealed == null) {
      synchronized (this) {
        if (ciphertext == null) {
          ciphertext = cipher.encrypt(binding, plaintext);
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
    return cipher.decrypt(expected, ciphertext);
  }

  public String openText(RowBinding expected) {
    return new String(openBytes(expected), StandardCharsets.UTF_8);
  }

  public static String openText(SealedValue value, RowBinding expected) {
    return value == null ? null : value.openText(expected);
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
