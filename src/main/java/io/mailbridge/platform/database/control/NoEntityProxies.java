package io.mailbridge.platform.database.control;

import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.bytecode.internal.none.BytecodeProviderImpl;
import org.hibernate.bytecode.spi.BytecodeProvider;
import org.hibernate.service.spi.ServiceContributor;

/**
 * Gives Hibernate its bytecode-free provider, so it builds no Byte Buddy proxy for any entity.
 *
 * <p>Hibernate 6.6 takes its bytecode provider from a {@code ServiceLoader} and no longer reads
 * {@code hibernate.bytecode.provider}: with Byte Buddy on the class path it generated a proxy
 * factory for every entity at each start (about a second of CPU), although no entity has an
 * association or a lazy attribute and nothing calls {@code getReference}. A provided service wins
 * over Hibernate's initiator, so the service loader is never asked and Byte Buddy is not in the WAR
 * at all (README, "Start-up").
 */
public final class NoEntityProxies implements ServiceContributor {

  @Override
  public void contribute(StandardServiceRegistryBuilder registry) {
    registry.addService(BytecodeProvider.class, new BytecodeProviderImpl());
  }
}
