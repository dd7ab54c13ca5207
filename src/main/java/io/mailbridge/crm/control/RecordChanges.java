package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.CrmRecord;
import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The CRM's change feed: each write of a record takes the next number of its org's counter, a
 * deletion leaves a removal with its number, and a reader (contact sync) asks for what changed
 * after the number it saw last. The counter's row stays locked until the writing transaction
 * commits, so numbers become visible in the order they were taken and no reader skips one.
 */
@ApplicationScoped
public class RecordChanges {

  @PersistenceContext EntityManager em;
  @Inject Records records;

  /**
   * One change of a record as a reader sees it: its API view and when it was written, or only its
   * id and type when it was deleted. {@code type} is the API's name ("contacts", "leads").
   */
  public record RecordChange(
      String id,
      String type,
      long seq,
      JsonObject fields,
      Instant changedAt,
      boolean removed,
      String ownerId) {}

  /** Stamps a record that is being written with the next number of its org's feed. */
  void stamp(CrmRecord record) {
    record.changed(next(record.orgId()));
  }

  /** Notes a deletion in the feed; called before the record's row goes. */
  void removed(CrmRecord record, Instant at) {
    em.createNativeQuery(
            "INSERT INTO crm_record_removal (record_id, org_id, type, change_seq, removed_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .setParameter(1, record.id())
        .setParameter(2, record.orgId())
        .setParameter(3, record.type().name())
        .setParameter(4, next(record.orgId()))
        .setParameter(5, SqlTime.utc(at))
        .executeUpdate();
  }

  /** The next number of the org's feed, for any write that enters it (records and events). */
  long next(String orgId) {
    int updated =
        em.createNativeQuery(
                "UPDATE crm_change_counter SET last_seq = last_seq + 1 WHERE org_id = ?")
            .setParameter(1, orgId)
            .executeUpdate();
    if (updated == 0) {
      // The org's first write: the feed starts after the records that existed before it (0).
      em.createNativeQuery("INSERT INTO crm_change_counter (org_id, last_seq) VALUES (?, 1)")
          .setParameter(1, orgId)
          .executeUpdate();
    }
    return ((Number)
            em.createNativeQuery("SELECT last_seq FROM crm_change_counter WHERE org_id = ?")
                .setParameter(1, orgId)
                .getSingleResult())
        .longValue();
  }

  /**
   * Whether any record of these types (API names) was written or deleted after {@code afterSeq}.
   */
  public boolean anySince(String orgId, Collection<String> types, long afterSeq) {
    List<RecordType> kinds = types.stream().map(RecordChanges::type).toList();
    boolean written =
        !em.createQuery(
                "SELECT r.id FROM CrmRecord r WHERE r.orgId = :org AND r.type IN :types"
                    + " AND r.changeSeq > :after",
                String.class)
            .setParameter("org", orgId)
            .setParameter("types", kinds)
            .setParameter("after", afterSeq)
            .setMaxResults(1)
            .getResultList()
            .isEmpty();
    return written
        || !em.createNativeQuery(
                "SELECT record_id FROM crm_record_removal WHERE org_id = :org"
                    + " AND change_seq > :after AND type IN (:types)")
            .setParameter("org", orgId)
            .setParameter("after", afterSeq)
            .setParameter("types", kinds.stream().map(RecordType::name).toList())
            .setMaxResults(1)
            .getResultList()
            .isEmpty();
  }

  /**
   * Up to {@code limit} changes of records of these types (API names) after {@code afterSeq}, in
   * feed order. A record written twice shows once, with its latest state.
   */
  public List<RecordChange> since(
      String orgId, Collection<String> types, long afterSeq, int limit) {
    List<RecordType> kinds = types.stream().map(RecordChanges::type).toList();
    List<RecordChange> found = new ArrayList<>();
    for (CrmRecord record :
        em.createQuery(
                "SELECT r FROM CrmRecord r WHERE r.orgId = :org AND r.type IN :types"
                    + " AND r.changeSeq > :after ORDER BY r.changeSeq",
                CrmRecord.class)
            .setParameter("org", orgId)
            .setParameter("types", kinds)
            .setParameter("after", afterSeq)
            .setMaxResults(limit)
            .getResultList()) {
      found.add(change(record));
    }
    @SuppressWarnings("unchecked")
    List<Object[]> removals =
        em.createNativeQuery(
                "SELECT record_id, type, change_seq, removed_at FROM crm_record_removal"
                    + " WHERE org_id = ? AND change_seq > ? ORDER BY change_seq")
            .setParameter(1, orgId)
            .setParameter(2, afterSeq)
            .setMaxResults(limit)
            .getResultList();
    for (Object[] row : removals) {
      RecordType type = RecordType.valueOf((String) row[1]);
      if (kinds.contains(type)) {
        found.add(
            new RecordChange(
                (String) row[0],
                type.path(),
                ((Number) row[2]).longValue(),
                null,
                instant(row[3]),
                true,
                null));
      }
    }
    found.sort(Comparator.comparingLong(RecordChange::seq));
    return found.size() > limit ? List.copyOf(found.subList(0, limit)) : found;
  }

  /** The record as it is now, if it exists in this org and has one of these types. */
  public Optional<RecordChange> current(String orgId, Collection<String> types, String id) {
    return records
        .findAnyType(orgId, id)
        .filter(r -> types.contains(r.type().path()))
        .map(this::change);
  }

  /**
   * Checks an API body for a record of this type as a write would, outside any transaction's
   * interceptor, so a caller that skips a refused record keeps its own transaction usable.
   */
  public void validate(String orgId, String type, JsonObject body) {
    records.checkLinks(orgId, RecordFields.validate(type(type), body));
  }

  /**
   * Creates a record of this type (API name) from an API body, as {@code POST} by {@code
   * ownerUserId} would.
   */
  @Transactional
  public RecordChange create(String orgId, String type, JsonObject body, String ownerUserId) {
    JsonObject view = records.create(orgId, type(type), body, ownerUserId);
    return change(records.find(orgId, type(type), view.getString("id")));
  }

  /** Replaces a record's fields from an API body, as {@code PUT} would. */
  @Transactional
  public RecordChange update(String orgId, String type, String id, JsonObject body) {
    records.update(orgId, type(type), id, body);
    return change(records.find(orgId, type(type), id));
  }

  private RecordChange change(CrmRecord record) {
    return new RecordChange(
        record.id(),
        record.type().path(),
        record.changeSeq(),
        records.view(record),
        record.updatedAt(),
        false,
        record.ownerUserId());
  }

  private static Instant instant(Object column) {
    return column instanceof java.sql.Timestamp t
        ? SqlTime.instant(t.toLocalDateTime())
        : column instanceof java.time.LocalDateTime l ? SqlTime.instant(l) : (Instant) column;
  }

  private static RecordType type(String path) {
    return RecordType.fromPath(path)
        .orElseThrow(() -> new InvalidField("type", "no such record type"));
  }
}
