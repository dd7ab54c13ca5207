package io.mailbridge.mailbox.graph.control;

import io.mailbridge.mailbox.graph.entity.ConsentedTenant;
import io.mailbridge.platform.crypto.control.BlindIndex;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Microsoft 365 tenants whose admins consented to an org's app: the tenants whose users may
 * sign the Outlook add-in in with Entra ID.
 */
@ApplicationScoped
public class ConsentedTenants {

  static final String INDEX_KIND = "entra-tenant";

  @PersistenceContext EntityManager em;
  @Inject BlindIndex blindIndex;

  Clock clock = Clock.systemUTC();

  /** Records a consent; answers false when the org already had this tenant. */
  @Transactional
  public boolean record(String orgId, String tenantId, String adminId) {
    String index = blindIndex.global(INDEX_KIND, tenantId);
    boolean known =
        !em.createQuery(
                "SELECT t FROM ConsentedTenant t WHERE t.orgId = :org AND t.tenantIndex = :index",
                ConsentedTenant.class)
            .setParameter("org", orgId)
            .setParameter("index", index)
            .getResultList()
            .isEmpty();
    if (!known) {
      em.persist(new ConsentedTenant(orgId, index, tenantId, adminId, clock.instant()));
    }
    return !known;
  }

  /** Every org whose app this tenant consented to. */
  public Set<String> orgsConsenting(String tenantId) {
    return new LinkedHashSet<>(
        em.createQuery(
                "SELECT t.orgId FROM ConsentedTenant t WHERE t.tenantIndex = :index", String.class)
            .setParameter("index", blindIndex.global(INDEX_KIND, tenantId))
            .getResultList());
  }

  public List<ConsentedTenant> ofOrg(String orgId) {
    return em.createQuery(
            "SELECT t FROM ConsentedTenant t WHERE t.orgId = :org ORDER BY t.consentedAt",
            ConsentedTenant.class)
        .setParameter("org", orgId)
        .getResultList();
  }
}
