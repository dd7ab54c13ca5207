package io.mailbridge.platform.audit.control;

import io.mailbridge.platform.audit.entity.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
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

  /**
   * Newest first, only the events the query admits; {@code before} is the position of the last
   * event of the previous page. The position does not depend on the query, so a cursor stays valid
   * on every page of a filtered list.
   */
  public List<AuditEvent> page(String orgId, AuditQuery query, AuditPosition before, int limit) {
    // Only plain columns are compared here: detail is sealed, the database cannot read it.
    StringBuilder jpql = new StringBuilder("SELECT e FROM AuditEvent e WHERE e.orgId = :org");
    if (query.action() != null) {
      jpql.append(" AND e.action = :action");
    }
    if (query.outcome() != null) {
      jpql.append(" AND e.outcome = :outcome");
    }
    if (query.from() != null) {
      jpql.append(" AND e.occurredAt >= :since");
    }
    if (query.to() != null) {
      jpql.append(" AND e.occurredAt < :until");
    }
    if (before != null) {
      jpql.append(" AND (e.occurredAt < :at OR (e.occurredAt = :at AND e.id < :id))");
    }
    jpql.append(" ORDER BY e.occurredAt DESC, e.id DESC");
    TypedQuery<AuditEvent> select =
        em.createQuery(jpql.toString(), AuditEvent.class).setParameter("org", orgId);
    if (query.action() != null) {
      select.setParameter("action", query.action());
    }
    if (query.outcome() != null) {
      select.setParameter("outcome", query.outcome());
    }
    if (query.from() != null) {
      select.setParameter("since", query.from());
    }
    if (query.to() != null) {
      select.setParameter("until", query.to());
    }
    if (before != null) {
      select.setParameter("at", before.occurredAt()).setParameter("id", before.id());
    }
    return select.setMaxResults(limit).getResultList();
  }

  /** The actions and outcomes the org's trail holds, sorted, for choosing a filter. */
  public AuditChoices choices(String orgId) {
    return new AuditChoices(distinct("action", orgId), distinct("outcome", orgId));
  }

  private List<String> distinct(String column, String orgId) {
    return em.createQuery(
            "SELECT DISTINCT e."
                + column
                + " FROM AuditEvent e WHERE e.orgId = :org ORDER BY e."
                + column,
            String.class)
        .setParameter("org", orgId)
        .getResultList();
  }

  /**
   * Which events a page holds: exact action and outcome, {@code from} inclusive, {@code to}
   * exclusive; null means any.
   */
  public record AuditQuery(String action, String outcome, Instant from, Instant to) {
    public static final AuditQuery ALL = new AuditQuery(null, null, null, null);
  }

  /** The distinct actions and outcomes of an org's trail. */
  public record AuditChoices(List<String> actions, List<String> outcomes) {}

  /** Where a page ended: the time and id of its last event. */
  public record AuditPosition(Instant occurredAt, String id) {}
}
