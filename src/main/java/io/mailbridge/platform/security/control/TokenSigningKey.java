package io.mailbridge.platform.security.control;

import io.mailbridge.platform.crypto.control.ServerKeys;
import io.mailbridge.platform.crypto.control.ServerKeys.GeneratedSecret;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Mailbridge's RSA key for signing its access tokens: generated on first start, stored wrapped by
 * the key-encryption key, and its public half published to MicroProfile JWT for verification.
 */
@ApplicationScoped
public class TokenSigningKey {

  static final String KIND = "jwt-signing";

  @Inject ServerKeys serverKeys;

  private volatile RSAPrivateKey privateKey;
  private volatile String keyId;

  public void load() {
    GeneratedSecret stored = serverKeys.secret(KIND, TokenSigningKey::generate);
    try {
      privateKey =
          (RSAPrivateKey)
              KeyFactory.getInstance("RSA")
                  .generatePrivate(new PKCS8EncodedKeySpec(stored.secret()));
      keyId =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(
                  MessageDigest.getInstance("SHA-256")
                      .digest(stored.publicPart().getBytes(StandardCharsets.US_ASCII)))
              .substring(0, 16);
      VerificationKeyConfigSource.publish(stored.publicPart());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot load the token signing key", e);
    }
  }

  RSAPrivateKey privateKey() {
    if (privateKey == null) {
      throw new IllegalStateException("The token signing key is not loaded yet");
    }
    return privateKey;
  }

  String keyId() {
    return keyId;
  }

  private static GeneratedSecret generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      String pem =
          "-----BEGIN PUBLIC KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(pair.getPublic().getEncoded())
              + "\n-----END PUBLIC KEY-----\n";
      return new GeneratedSecret(pair.getPrivate().getEncoded(), pem);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot generate the token signing key", e);
    }
  }
}
