package io.mailbridge.platform.crypto.entity;

/**
 * Encrypts and decrypts one sealed field bound to its row; the crypto services provide it, the
 * converter hands it to the values it loads and stores.
 */
public interface ValueCipher {

  byte[] encrypt(RowBinding binding, byte[] plaintext);

  byte[] decrypt(RowBinding binding, byte[] ciphertext);
}
