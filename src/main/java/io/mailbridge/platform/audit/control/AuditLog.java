package io.mailbridge.platform.audit.control;

import io.mailbridge.platform.audit.entity.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Writes and reads an org's audit trail. Callers pass words for a person and ids, never tokens,
 * secrets or mail content.
 */
@ApplicationScoped
public class AuditLog {

  @PersistenceContext EntityManager em;

  Clock clock = Clock.systemUTC();

  /** Records an event in the caller's transaction, or in a new one when there is none. */
  @Transactional
  public void record(
      String orgId,
      String actorUserId,
      String action,
      String subjectId,
      String outcome,
      String detail) {
    em.persist(
        new AuditEvent(orgId, clock.instant(), actorUserId, action, subjectId, outcome, detail));
  }

  /**
   * Records an event that must stay even when the caller's transaction rolls back (a refresh that
   * failed, a revocation the provider did not confirm).
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void recordApart(
      String orgId,
      String actorUserId,
      String action,
      String subjectId,
      String outcome,
      String detail) {
    record(orgId, actorUserId, action, subjectId, outcome, detail);
  }

  /** Newest first; {@code before} is the position of the last event of the previous page. */
  public List<AuditEvent> page(String orgId, AuditPosition before, int limit) {
    if (before == null) {
      return em.createQuery(
              "SELECT e FROM AuditEvent e WHERE e.orgId = :org"
                  + " ORDER BY e.occurredAt DESC, e.id DESC",
              AuditEvent.class)
          .setParameter("org", orgId)
          .setMaxResults(limit)
          .getResultList();
    }
    return em.createQuery(
            "SELECT e FROM AuditEvent e WHERE e.orgId = :org AND (e.occurredAt < :at"
                + " OR (e.occurredAt = :at AND e.id < :id)) ORDER BY e.occurredAt DESC, e.id DESC",
            AuditEvent.class)
        .setParameter("org", orgId)
        .setParameter("at", before.occurredAt())
        .setParameter("id", before.id())
        .setMaxResults(limit)
        .getResultList();
  }

  /** Where a page ended: the time and id of its last event. */
  public record AuditPosition(Instant occurredAt, String id) {}
}
