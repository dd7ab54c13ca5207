package io.mailbridge.platform.security.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decoy an unknown account's password is checked against costs one key derivation with the
 * server's parameters, and making it costs none at start-up.
 */
class PasswordsTest {

  @Test
  void theDecoyIsAStoredHashOfTheServersParametersWithARandomSaltAndKey() {
    String decoy = Passwords.decoy(210_000, new SecureRandom());

    String[] parts = decoy.split(":");
    assertEquals(4, parts.length, decoy);
    assertEquals("PBKDF2WithHmacSHA512", parts[0]);
    assertEquals("210000", parts[1]);
    assertEquals(32, Base64.getDecoder().decode(parts[2]).length, "salt bytes");
    assertEquals(64, Base64.getDecoder().decode(parts[3]).length, "key bytes");
    assertNotEquals(decoy, Passwords.decoy(210_000, new SecureRandom()));
  }

  @Test
  void startingDerivesNoKeyAndAnUnknownAccountsCheckUsesTheDecoy() {
    RecordingHash recording = new RecordingHash();
    Passwords passwords = new Passwords();
    passwords.hash = recording;
    passwords.iterations = 300_000;

    passwords.configure();
    assertEquals(List.of(), recording.generated, "no key derived at start-up");
    assertEquals("300000", recording.parameters.get("Pbkdf2PasswordHash.Iterations"));

    passwords.spendTimeOfOneCheck("a guessed password");
    assertEquals(1, recording.verified.size());
    String[] decoy = recording.verified.get(0).split(":");
    assertEquals(recording.parameters.get("Pbkdf2PasswordHash.Algorithm"), decoy[0]);
    assertEquals("300000", decoy[1]);
    assertArrayEquals("a guessed password".toCharArray(), recording.checkedPassword);
  }

  private static final class RecordingHash implements Pbkdf2PasswordHash {
    Map<String, String> parameters;
    final List<String> generated = new ArrayList<>();
    final List<String> verified = new ArrayList<>();
    char[] checkedPassword;

    @Override
    public void initialize(Map<String, String> parameters) {
      this.parameters = parameters;
    }

    @Override
    public String generate(char[] password) {
      generated.add(new String(password));
      return "PBKDF2WithHmacSHA512:1024:AAAA:AAAA";
    }

    @Override
    public boolean verify(char[] password, String hashedPassword) {
      checkedPassword = password.clone();
      verified.add(hashedPassword);
      return false;
    }
  }
}
