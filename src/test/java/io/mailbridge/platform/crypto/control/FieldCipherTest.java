package io.mailbridge.platform.crypto.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.mailbridge.platform.crypto.entity.RowBinding;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FieldCipherTest {

  @Test
  void theKeyIdOfACiphertextIsTheKeyThatMadeIt() throws Exception {
    AeadConfig.register();
    KeysetHandle first = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    KeysetHandle rotated =
        KeysetHandle.newBuilder(first)
            .addEntry(
                KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                    .withRandomId()
                    .makePrimary())
            .build();
    byte[] aad = new RowBinding("t", "c", "org", "row").associatedData();
    byte[] old =
        first
            .getPrimitive(RegistryConfiguration.get(), Aead.class)
            .encrypt("x".getBytes(StandardCharsets.UTF_8), aad);
    byte[] fresh =
        rotated
            .getPrimitive(RegistryConfiguration.get(), Aead.class)
            .encrypt("x".getBytes(StandardCharsets.UTF_8), aad);

    assertEquals(first.getPrimary().getId() & 0xffffffffL, FieldCipher.keyIdOf(old));
    assertEquals(rotated.getPrimary().getId() & 0xffffffffL, FieldCipher.keyIdOf(fresh));
    assertNotEquals(FieldCipher.keyIdOf(old), FieldCipher.keyIdOf(fresh));
    assertEquals(-1, FieldCipher.keyIdOf(new byte[] {0, 1, 2}));
    assertEquals(-1, FieldCipher.keyIdOf(null));
  }

  @Test
  void theRowBindingSeparatesTablesColumnsOrgsAndRows() {
    RowBinding base = new RowBinding("app_user", "email", "org1", "row1");
    assertNotEquals(
        new String(base.associatedData()),
        new String(new RowBinding("app_user", "display_name", "org1", "row1").associatedData()));
    assertNotEquals(
        new String(base.associatedData()),
        new String(new RowBinding("app_user", "email", "org2", "row1").associatedData()));
    assertNotEquals(
        new String(base.associatedData()),
        new String(new RowBinding("app_user", "email", "org1", "row2").associatedData()));
    // The separator keeps "ab"+"c" apart from "a"+"bc".
    assertNotEquals(
        new String(new RowBinding("ab", "c", "o", "r").associatedData()),
        new String(new RowBinding("a", "bc", "o", "r").associatedData()));
  }
}
