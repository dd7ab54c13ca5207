package io.mailbridge.sync.control;

import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.sync.entity.SyncSettings;
import io.mailbridge.sync.entity.SyncUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;

/** Reads and replaces an org's sync settings; an org that never chose has everything off. */
@ApplicationScoped
public class OrgSyncSettings {

  @PersistenceContext EntityManager em;
  @Inject AuditLog audit;

  Clock clock = Clock.systemUTC();

  public SyncChoice of(String orgId) {
    SyncSettings stored = em.find(SyncSettings.class, orgId);
    return stored == null
        ? SyncChoice.OFF
        : new SyncChoice(
            stored.contacts(), stored.events(), stored.includeLeads(), stored.allRecords());
  }

  @Transactional
  public SyncChoice replace(String orgId, String adminId, SyncChoice choice) {
    SyncSettings stored = em.find(SyncSettings.class, orgId);
    if (stored != null
        && (stored.allRecords() != choice.allRecords()
            || stored.includeLeads() != choice.includeLeads())) {
      // Which records are each user's changed: every user's next push reads the CRM's feed from
      // its start, adding what is theirs now and taking out what no longer is (pairs that stay
      // unchanged cost no provider call).
      em.createQuery("UPDATE SyncUser u SET u.crmSeq = :start WHERE u.orgId = :org")
          .setParameter("start", SyncUser.FROM_START)
          .setParameter("org", orgId)
          .executeUpdate();
    }
    boolean made = stored == null;
    if (made) {
      stored = new SyncSettings(orgId);
    }
    stored.replace(
        choice.contacts(),
        choice.events(),
        choice.includeLeads(),
        choice.allRecords(),
        adminId,
        clock.instant());
    if (made) {
      em.persist(stored);
    }
    audit.record(
        orgId,
        adminId,
        "sync.settings",
        orgId,
        "changed",
        "contacts "
            + choice.contacts().wireName()
            + ", events "
            + choice.events().wireName()
            + (choice.includeLeads() ? ", with leads" : "")
            + (choice.allRecords() ? ", every record to every user" : ", owned or followed"));
    return choice;
  }
}
