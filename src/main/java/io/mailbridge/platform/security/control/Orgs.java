package io.mailbridge.platform.security.control;

import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.crypto.control.OrgKeysets;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.entity.Org;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;

/**
 * Creates, finds and renames orgs; a new org gets its own data keys before anything of it is
 * stored.
 */
@ApplicationScoped
public class Orgs {

  @PersistenceContext EntityManager em;
  @Inject OrgKeysets keysets;
  @Inject AuditLog audit;

  static final int MAX_NAME = 200;

  Clock clock = Clock.systemUTC();

  @Transactional
  public Org create(String name) {
    Org org = Org.withNewId(clock.instant());
    keysets.createFor(org.id());
    org.rename(name);
    em.persist(org);
    return org;
  }

  public Org find(String orgId) {
    Org org = orgId == null ? null : em.find(Org.class, orgId);
    if (org == null) {
      throw new NotFound("Organisation");
    }
    return org;
  }

  /**
   * An admin renames its org; the old and new names stay out of the audit trail (they are sealed).
   */
  @Transactional
  public Org rename(String orgId, String adminId, String name) {
    String trimmed = name == null ? null : name.strip();
    if (trimmed == null || trimmed.isEmpty() || trimmed.length() > MAX_NAME) {
      throw new InvalidField("name", "must have 1 to " + MAX_NAME + " characters");
    }
    Org org = find(orgId);
    org.rename(trimmed);
    audit.record(orgId, adminId, "org.rename", orgId, "changed", "Organisation renamed");
    return org;
  }

  public boolean anyExists() {
    return !em.createQuery("SELECT o.id FROM Org o", String.class)
        .setMaxResults(1)
        .getResultList()
        .isEmpty();
  }
}
