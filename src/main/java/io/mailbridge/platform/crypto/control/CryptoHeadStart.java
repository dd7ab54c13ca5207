package io.mailbridge.platform.crypto.control;

import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.service.spi.ServiceContributor;

/**
 * Loads the cryptography the key-encryption key needs (Tink's AEAD and PRF primitives, about a
 * second of class loading on two cores) on a thread of its own while Payara still deploys, so that
 * the start-up's first use of the key does not wait for it (README, "Start-up").
 *
 * <p>Hibernate building the persistence unit is the trigger, as for the schema migration: it is the
 * first of Mailbridge's code a deployment runs, seconds before the start-up uses the key.
 */
public class CryptoHeadStart implements ServiceContributor {

  @Override
  public void contribute(StandardServiceRegistryBuilder registry) {
    KeyEncryptionKey.registerPrimitivesEarly();
  }
}
