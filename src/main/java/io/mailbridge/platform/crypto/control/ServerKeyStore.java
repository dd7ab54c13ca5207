package io.mailbridge.platform.crypto.control;

import io.mailbridge.platform.crypto.entity.ServerKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** Reads and writes {@code server_key} rows, each write in a transaction of its own. */
@ApplicationScoped
public class ServerKeyStore {

  @PersistenceContext EntityManager em;

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public ServerKey find(String kind) {
    return em.find(ServerKey.class, kind);
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void insert(ServerKey key) {
    em.persist(key);
  }
}
