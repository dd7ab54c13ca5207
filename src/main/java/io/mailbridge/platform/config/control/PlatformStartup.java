package io.mailbridge.platform.config.control;

import io.mailbridge.platform.crypto.control.KeyEncryptionKey;
import io.mailbridge.platform.security.control.FirstAdmin;
import io.mailbridge.platform.security.control.TokenSigningKey;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Start-up after migration: loads the key-encryption key and the token signing key, creates the
 * first admin on an empty database, then declares the server ready.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
public class PlatformStartup {

  private static final Logger LOG = Logger.getLogger(PlatformStartup.class.getName());

  @Inject KeyEncryptionKey kek;
  @Inject TokenSigningKey signingKey;
  @Inject FirstAdmin firstAdmin;
  @Inject StartupState state;
  @Inject SchemaMigration migration;

  @PostConstruct
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void start() {
    if (!migration.isComplete()) {
      return;
    }
    kek.aead();
    signingKey.load();
    try {
      firstAdmin.createIfNoOrgExists();
    } catch (IllegalStateException e) {
      LOG.log(Level.SEVERE, e.getMessage());
    }
    state.markReady();
  }
}
