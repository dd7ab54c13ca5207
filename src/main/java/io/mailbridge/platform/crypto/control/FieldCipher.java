package io.mailbridge.platform.crypto.control;

import io.mailbridge.platform.crypto.entity.RowBinding;
import io.mailbridge.platform.crypto.entity.ValueCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/** Encrypts and decrypts one field under its org's data keys, bound to its row. */
@ApplicationScoped
public class FieldCipher implements ValueCipher {

  @Inject OrgKeysets keysets;

  @Override
  public byte[] encrypt(RowBinding binding, byte[] plaintext) {
    try {
      return keysets.dataAead(binding.orgId()).encrypt(plaintext, binding.associatedData());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "Cannot encrypt " + binding.table() + "." + binding.column(), e);
    }
  }

  @Override
  public byte[] decrypt(RowBinding binding, byte[] ciphertext) {
    try {
      return keysets.dataAead(binding.orgId()).decrypt(ciphertext, binding.associatedData());
    } catch (GeneralSecurityException first) {
      // Another node may have rotated since this node cached the keys: read them once more.
      keysets.forget(binding.orgId());
      try {
        return keysets.dataAead(binding.orgId()).decrypt(ciphertext, binding.associatedData());
      } catch (GeneralSecurityException e) {
        throw new UnreadableValueException(binding);
      }
    }
  }

  /** The id of the data key a ciphertext was made with (Tink's 5-byte prefix). */
  public static long keyIdOf(byte[] ciphertext) {
    if (ciphertext == null || ciphertext.length < 5 || ciphertext[0] != 1) {
      return -1;
    }
    return ByteBuffer.wrap(ciphertext, 1, 4).getInt() & 0xffffffffL;
  }
}
