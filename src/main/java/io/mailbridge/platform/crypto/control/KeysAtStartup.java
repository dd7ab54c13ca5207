package io.mailbridge.platform.crypto.control;

import io.mailbridge.platform.startup.control.PlatformStarted;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Loads the key-encryption key at start-up, so a wrong or missing key stops the server early. */
@ApplicationScoped
public class KeysAtStartup {

  @Inject KeyEncryptionKey kek;

  void load(@Observes @Priority(PlatformStarted.KEYS) PlatformStarted started) {
    kek.aead();
  }
}
