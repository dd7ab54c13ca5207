package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.CrmRecord;
import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.database.control.TransactionConnection;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotAllowed;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.control.Users;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Creates, reads, changes, deletes and lists the CRM records of one org. */
@ApplicationScoped
public class Records {

  @PersistenceContext EntityManager em;
  @Inject TransactionConnection connection;
  @Inject RecordIndexes indexes;
  @Inject RecordSearch search;
  @Inject RecordChanges changes;
  @Inject RecordFollows follows;
  @Inject Users users;

  Clock clock = Clock.systemUTC();

  /** One page of records as JSON and the cursor of the next page, if any. */
  public record RecordPage(List<JsonObject> items, String next) {}

  /** Creates a record owned by {@code ownerUserId}, the user who makes it (null: nobody). */
  @Transactional
  public JsonObject create(String orgId, RecordType type, JsonObject body, String ownerUserId) {
    ValidatedRecord fields = RecordFields.validate(type, body);
    checkLinks(orgId, fields);
    CrmRecord record = new CrmRecord(orgId, type, clock.instant());
    record.replace(fields.json(), fields.accountId(), fields.contactId(), clock.instant());
    record.ownedBy(ownerUserId);
    changes.stamp(record);
    em.persist(record);
    em.flush();
    indexes.writeNew(List.of(new RecordIndexes.Indexed(orgId, record.id(), type, fields)));
    return view(record);
  }

  public JsonObject get(String orgId, RecordType type, String id) {
    return view(find(orgId, type, id));
  }

  @Transactional
  public JsonObject update(String orgId, RecordType type, String id, JsonObject body) {
    CrmRecord record = find(orgId, type, id);
    if (body != null
        && body.containsKey("id")
        && !JsonValue.NULL.equals(body.get("id"))
        && !id.equals(body.getString("id", ""))) {
      throw new InvalidField("id", "does not match the record in the path");
    }
    ValidatedRecord fields = RecordFields.validate(type, body);
    checkLinks(orgId, fields);
    record.replace(fields.json(), fields.accountId(), fields.contactId(), clock.instant());
    changes.stamp(record);
    em.flush();
    indexes.write(List.of(new RecordIndexes.Indexed(orgId, record.id(), type, fields)));
    return view(record);
  }

  @Transactional
  public void delete(String orgId, RecordType type, String id) {
    CrmRecord record = find(orgId, type, id);
    String column =
        type == RecordType.ACCOUNTS
            ? "accountId"
            : type == RecordType.CONTACTS ? "contactId" : null;
    if (column != null) {
      // Records that pointed here keep existing, without the link.
      em.createQuery(
              "UPDATE CrmRecord r SET r."
                  + column
                  + " = NULL WHERE r.orgId = :org AND r."
                  + column
                  + " = :id")
          .setParameter("org", orgId)
          .setParameter("id", id)
          .executeUpdate();
    }
    changes.removed(record, clock.instant());
    follows.forget(record.id());
    em.remove(record);
  }

  /**
   * Gives the record to another user of the org: its admins may, and its owner; the change enters
   * the feed, so contact sync moves the record from one user's mailbox to the other's.
   */
  @Transactional
  public JsonObject giveTo(
      String orgId, RecordType type, String id, String callerId, boolean admin, String userId) {
    CrmRecord record = find(orgId, type, id);
    if (!admin && !callerId.equals(record.ownerUserId())) {
      throw new NotAllowed("Only the record's owner or an admin can give it to someone else");
    }
    if (userId == null || userId.isBlank()) {
      throw new InvalidField("userId", "is required");
    }
    if (users.findActive(orgId, userId).isEmpty()) {
      throw new InvalidField("userId", "is not an active user of this organisation");
    }
    record.ownedBy(userId);
    changes.stamp(record);
    return view(record);
  }

  /**
   * Follows ({@code following}) or stops following a record the caller can see; the change enters
   * the feed, so contact sync adds the record to the follower's mailbox or takes it out.
   */
  @Transactional
  public void follow(String orgId, RecordType type, String id, String userId, boolean following) {
    CrmRecord record = find(orgId, type, id);
    boolean changed =
        following
            ? follows.follow(orgId, userId, record.id(), clock.instant())
            : follows.unfollow(userId, record.id());
    if (changed) {
      changes.stamp(record);
    }
  }

  public RecordPage page(
      String orgId, RecordType type, String query, String email, String cursor, int limit) {
    if (limit < 1 || limit > 200) {
      throw new InvalidField("limit", "must be between 1 and 200");
    }
    List<String> ids =
        search.ids(orgId, type, query, email, cursor == null ? "" : cursor, limit + 1);
    boolean more = ids.size() > limit;
    List<String> pageIds = more ? ids.subList(0, limit) : ids;
    List<JsonObject> items = new ArrayList<>();
    for (CrmRecord record : load(pageIds)) {
      items.add(view(record));
    }
    return new RecordPage(items, more ? pageIds.get(pageIds.size() - 1) : null);
  }

  /** The record with this id in this org, whatever its type. */
  public Optional<CrmRecord> findAnyType(String orgId, String id) {
    CrmRecord record = id == null ? null : em.find(CrmRecord.class, id);
    return record == null || !record.orgId().equals(orgId) ? Optional.empty() : Optional.of(record);
  }

  /** A record as the API shows it, with its kind as named in the API path ("contacts", …). */
  public record TypedView(String type, JsonObject fields) {}

  /**
   * The record with this id in this org as the API shows it, whatever its type; for other parts
   * (merge fields in text shortcuts) that must not see the record entity.
   */
  public Optional<TypedView> viewAnyType(String orgId, String id) {
    return findAnyType(orgId, id).map(r -> new TypedView(r.type().path(), view(r)));
  }

  /**
   * The type of each of the org's records among these ids, looked up one by one through one
   * prepared statement: for links, which need nothing else. Loading the records through a query
   * with an {@code IN} list cost capture about a twentieth of its CPU per page, mostly in Hibernate
   * translating the query anew for each length of list and the database parsing it anew. Ids that
   * are gone or another org's are left out.
   */
  public Map<String, RecordType> typesOf(String orgId, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    try {
      return connection.run(
          c -> {
            Map<String, RecordType> types = new HashMap<>();
            try (PreparedStatement select =
                c.prepareStatement(
                    "SELECT type FROM " + CrmRecord.TABLE + " WHERE id = ? AND org_id = ?")) {
              select.setString(2, orgId);
              for (String id : ids) {
                select.setString(1, id);
                try (ResultSet rs = select.executeQuery()) {
                  if (rs.next()) {
                    types.put(id, RecordType.valueOf(rs.getString(1)));
                  }
                }
              }
            }
            return types;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot look up the records to link", e);
    }
  }

  /** Records by id in the given order; ids that are gone are left out. */
  public List<CrmRecord> load(List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<CrmRecord> found =
        em.createQuery("SELECT r FROM CrmRecord r WHERE r.id IN :ids", CrmRecord.class)
            .setParameter("ids", ids)
            .getResultList();
    List<CrmRecord> ordered = new ArrayList<>();
    for (String id : ids) {
      found.stream().filter(r -> r.id().equals(id)).findFirst().ifPresent(ordered::add);
    }
    return ordered;
  }

  /** The API's JSON for a record: its id and every field of its type, absent ones as null. */
  public JsonObject view(CrmRecord record) {
    JsonObject data;
    try (var reader = Json.createReader(new StringReader(record.json()))) {
      data = reader.readObject();
    }
    JsonObjectBuilder view = CrmJson.object().add("id", record.id());
    CrmJson.addNullable(view, "ownerId", record.ownerUserId());
    for (String field : record.type().fields()) {
      if (field.equals("accountId")) {
        CrmJson.addNullable(view, field, record.accountId());
      } else if (field.equals("contactId")) {
        CrmJson.addNullable(view, field, record.contactId());
      } else {
        view.add(field, data.getOrDefault(field, JsonValue.NULL));
      }
    }
    return view.build();
  }

  CrmRecord find(String orgId, RecordType type, String id) {
    return findAnyType(orgId, id)
        .filter(r -> r.type() == type)
        .orElseThrow(() -> new NotFound("Record"));
  }

  void checkLinks(String orgId, ValidatedRecord fields) {
    if (fields.accountId() != null
        && findAnyType(orgId, fields.accountId())
            .filter(r -> r.type() == RecordType.ACCOUNTS)
            .isEmpty()) {
      throw new InvalidField("accountId", "no such account");
    }
    if (fields.contactId() != null
        && findAnyType(orgId, fields.contactId())
            .filter(r -> r.type() == RecordType.CONTACTS)
            .isEmpty()) {
      throw new InvalidField("contactId", "no such contact");
    }
  }
}
