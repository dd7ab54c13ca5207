package io.mailbridge.platform.security.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Hashes and checks passwords with PBKDF2-HMAC-SHA512 through Jakarta Security. */
@ApplicationScoped
public class Passwords {

  static final int MIN_LENGTH = 12;
  private static final String ALGORITHM = "PBKDF2WithHmacSHA512";
  private static final int SALT_BYTES = 32;
  private static final int KEY_BYTES = 64;

  @Inject Pbkdf2PasswordHash hash;

  @Inject
  @ConfigProperty(name = "mailbridge.password.iterations", defaultValue = "210000")
  int iterations;

  // Compared against when the account does not exist, so a miss costs as long as a hit.
  private String decoy;

  @PostConstruct
  void configure() {
    hash.initialize(
        Map.of(
            "Pbkdf2PasswordHash.Algorithm", ALGORITHM,
            "Pbkdf2PasswordHash.Iterations", Integer.toString(iterations),
            "Pbkdf2PasswordHash.SaltSizeBytes", Integer.toString(SALT_BYTES),
            "Pbkdf2PasswordHash.KeySizeBytes", Integer.toString(KEY_BYTES)));
    decoy = decoy(iterations, new SecureRandom());
  }

  /**
   * A stored hash in the encoded form Jakarta Security specifies for {@link Pbkdf2PasswordHash}
   * ({@code <algorithm>:<iterations>:<base64(salt)>:<base64(hash)>}) with a random salt and a
   * random hash: checking a password against it derives one key with this server's parameters, as a
   * real check does, and matches nothing. Hashing a decoy password instead cost a whole derivation
   * (about half a second of a cold JVM) on the start-up path of every start.
   */
  static String decoy(int iterations, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(salt);
    random.nextBytes(key);
    Base64.Encoder base64 = Base64.getEncoder();
    return ALGORITHM
        + ":"
        + iterations
        + ":"
        + base64.encodeToString(salt)
        + ":"
        + base64.encodeToString(key);
  }

  public String hash(String password) {
    return hash.generate(password.toCharArray());
  }

  public boolean matches(String password, String storedHash) {
    return storedHash != null && hash.verify(password.toCharArray(), storedHash);
  }

  public void spendTimeOfOneCheck(String password) {
    hash.verify(password.toCharArray(), decoy);
  }

  /** Null when acceptable, else what is wrong with it. */
  public static String weakness(String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "must have at least " + MIN_LENGTH + " characters";
    }
    if (password.length() > 1024) {
      return "must have at most 1024 characters";
    }
    return null;
  }
}
