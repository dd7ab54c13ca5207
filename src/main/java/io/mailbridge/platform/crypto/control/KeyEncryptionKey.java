package io.mailbridge.platform.crypto.control;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PrfConfig;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The operator's key-encryption key: a Tink keyset file that wraps every data key Mailbridge
 * stores. The embedded default generates one under the data directory on first start.
 */
@ApplicationScoped
public class KeyEncryptionKey {

  static final String KEK_PATH = "mailbridge.kek.path";
  private static final Logger LOG = Logger.getLogger(KeyEncryptionKey.class.getName());

  private static final AtomicBoolean EARLY = new AtomicBoolean();
  private static boolean registered;

  @Inject MailbridgeSettings settings;

  private volatile Aead aead;

  public Aead aead() {
    Aead loaded = aead;
    if (loaded == null) {
      synchronized (this) {
        if (aead == null) {
          aead = load();
        }
        loaded = aead;
      }
    }
    return loaded;
  }

  /**
   * Registers Tink's primitives on a daemon thread of its own, once per class loader; {@link #aead}
   * then finds them registered, or waits for the registration under way.
   */
  static void registerPrimitivesEarly() {
    if (!EARLY.compareAndSet(false, true)) {
      return;
    }
    Thread thread =
        new Thread(
            () -> {
              try {
                registerPrimitives();
              } catch (GeneralSecurityException | RuntimeException e) {
                // Loading the key registers them again and reports what went wrong.
                LOG.fine(() -> "Registering Tink's primitives early failed: " + e);
              }
            },
            "mailbridge-crypto-head-start");
    thread.setContextClassLoader(KeyEncryptionKey.class.getClassLoader());
    thread.setDaemon(true);
    thread.start();
  }

  private static synchronized void registerPrimitives() throws GeneralSecurityException {
    if (!registered) {
      AeadConfig.register();
      PrfConfig.register();
      registered = true;
    }
  }

  private Aead load() {
    try {
      registerPrimitives();
      Optional<String> configured = settings.value(KEK_PATH);
      Path path =
          configured.isPresent()
              ? Path.of(configured.get())
              : settings.createDataDir().resolve("kek.json");
      if (!Files.exists(path)) {
        if (configured.isPresent()) {
          throw new IllegalStateException(
              "The key-encryption key file named by " + KEK_PATH + " does not exist: " + path);
        }
        generate(path);
      }
      KeysetHandle handle =
          TinkJsonProtoKeysetFormat.parseKeyset(
              Files.readString(path, StandardCharsets.UTF_8), InsecureSecretKeyAccess.get());
      return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Cannot load the key-encryption key", e);
    }
  }

  private static void generate(Path path) throws IOException, GeneralSecurityException {
    KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    String json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    try {
      Files.createFile(
          path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException raced) {
      return; // another node or thread created it first; use theirs
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(path);
    }
    Files.writeString(path, json, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    LOG.warning(
        "Generated a new key-encryption key at "
            + path
            + " (owner-only permissions). Back it up: without it the stored data cannot be read.");
  }
}
