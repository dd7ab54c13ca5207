package io.mailbridge.platform.security.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Hashes and checks passwords with PBKDF2-HMAC-SHA512 through Jakarta Security. */
@ApplicationScoped
public class Passwords {

  static final int MIN_LENGTH = 12;

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
            "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA512",
            "Pbkdf2PasswordHash.Iterations", Integer.toString(iterations),
            "Pbkdf2PasswordHash.SaltSizeBytes", "32",
            "Pbkdf2PasswordHash.KeySizeBytes", "64"));
    decoy = hash.generate("decoy password that matches nothing".toCharArray());
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
