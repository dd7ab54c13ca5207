package io.mailbridge.platform.security.control;

import io.mailbridge.platform.crypto.control.OrgKeysets;
import io.mailbridge.platform.security.entity.Org;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;

/** Creates and finds orgs; a new org gets its own data keys before anything of it is stored. */
@ApplicationScoped
public class Orgs {

  @PersistenceContext EntityManager em;
  @Inject OrgKeysets keysets;

  Clock clock = Clock.systemUTC();

  @Transactional
  public Org create(String name) {
    Org org = Org.withNewId(clock.instant());
    keysets.createFor(org.id());
    org.rename(name);
    em.persist(org);
    return org;
  }

  public boolean anyExists() {
    return !em.createQuery("SELECT o.id FROM Org o", String.class)
        .setMaxResults(1)
        .getResultList()
        .isEmpty();
  }
}
