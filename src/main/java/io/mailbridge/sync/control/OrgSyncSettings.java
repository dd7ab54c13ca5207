package io.mailbridge.sync.control;

import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.sync.entity.SyncSettings;
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
        : new SyncChoice(stored.contacts(), stored.events(), stored.includeLeads());
  }

  @Transactional
  public SyncChoice replace(String orgId, String adminId, SyncChoice choice) {
    SyncSettings stored = em.find(SyncSettings.class, orgId);
    if (stored == null) {
      stored = new SyncSettings(orgId);
      stored.replace(
          choice.contacts(), choice.events(), choice.includeLeads(), adminId, clock.instant());
      em.persist(stored);
    } else {
      stored.replace(
          choice.contacts(), choice.events(), choice.includeLeads(), adminId, clock.instant());
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
            + (choice.includeLeads() ? ", with leads" : ""));
    return choice;
  }
}
