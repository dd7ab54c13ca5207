package io.mailbridge.crm.control;

import io.mailbridge.crm.control.RecordImport.RowResult;
import io.mailbridge.crm.entity.CrmRecord;
import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.crypto.control.BlindIndex;
import io.mailbridge.platform.database.control.TransactionConnection;
import io.mailbridge.platform.problem.DomainProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Stores one batch of CSV rows in one transaction. A row updates the record of its type it matches
 * (contacts and leads by any address, accounts by any domain or else by exact name) or creates one;
 * under an import key, a row stored before with the same content is left alone. The import log
 * ({@code record_import_row}) is written in the same transaction as the records, so after an
 * interruption it names exactly the rows that were stored.
 */
@ApplicationScoped
public class RecordImportWriter {

  private static final String IMPORT = "import";
  private static final String IMPORT_ROW = "import-row";
  private static final int KEYS_PER_QUERY = 500;

  @PersistenceContext EntityManager em;

  @Inject TransactionConnection connection;

  @Inject Records records;
  @Inject RecordIndexes indexes;
  @Inject RecordSearch search;
  @Inject RecordChanges changes;
  @Inject BlindIndex blindIndex;

  Clock clock = Clock.systemUTC();

  /**
   * A valid row: its number, its validated fields, its cells as the JSON they were validated from,
   * and its key in the import log (null without an import key).
   */
  public record Row(long number, ValidatedRecord fields, JsonObject cells, String rowKey) {}

  /** The import log's key for the client's Idempotency-Key on this type: a keyed hash. */
  public String importKey(String orgId, RecordType type, String idempotencyKey) {
    return blindIndex.forOrg(orgId, IMPORT, sha256(type.name() + "\u0000" + idempotencyKey));
  }

  /** A digest of what a row stores, the same for rows that would store the same record. */
  public String contentDigest(ValidatedRecord fields) {
    return sha256(fields.json() + "\u0000" + fields.accountId() + "\u0000" + fields.contactId());
  }

  /**
   * The import log's key of a row: its content and which occurrence of that content in the file it
   * is, so moving or removing other rows does not change it. Keyed, as rows are guessable.
   */
  public String rowKey(String orgId, String contentDigest, int occurrence) {
    return blindIndex.forOrg(orgId, IMPORT_ROW, sha256(contentDigest + "\u0000" + occurrence));
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<RowResult> store(
      String orgId,
      String importerId,
      RecordType type,
      String importKey,
      Set<String> fileFields,
      List<Row> rows) {
    Instant now = clock.instant();
    Map<String, String> logged = importKey == null ? Map.of() : logged(orgId, importKey, rows);
    Map<String, Set<String>> stored = storedMatches(orgId, type, rows, logged);
    // Match keys of the records this batch created or changed: their index rows come at the end.
    Map<String, String> batchMatches = new HashMap<>();
    Map<String, CrmRecord> written = new LinkedHashMap<>();
    Map<String, ValidatedRecord> writtenFields = new HashMap<>();
    Set<String> created = new HashSet<>();
    Map<String, String> newLog = new LinkedHashMap<>();
    List<RowResult> results = new ArrayList<>();
    for (Row row : rows) {
      String loggedId = row.rowKey() == null ? null : logged.get(row.rowKey());
      if (loggedId != null) {
        results.add(new RowResult(row.number(), RowResult.UNCHANGED, loggedId, null));
        continue;
      }
      Set<String> candidates = candidates(orgId, type, row.fields(), stored, batchMatches);
      if (candidates.size() > 1) {
        results.add(
            RowResult.skipped(
                row.number(),
                "Row "
                    + row.number()
                    + " matches "
                    + candidates.size()
                    + " stored "
                    + type.path()
                    + " ("
                    + String.join(", ", candidates)
                    + "), so it is unclear which to update; merge them first."));
        continue;
      }
      CrmRecord record;
      ValidatedRecord fields;
      String outcome;
      if (candidates.isEmpty()) {
        fields = row.fields();
        record = new CrmRecord(orgId, type, now);
        record.replace(fields.json(), fields.accountId(), fields.contactId(), now);
        record.ownedBy(importerId);
        changes.stamp(record);
        em.persist(record);
        created.add(record.id());
        outcome = RowResult.CREATED;
      } else {
        String id = candidates.iterator().next();
        record = written.containsKey(id) ? written.get(id) : em.find(CrmRecord.class, id);
        try {
          fields = merge(type, record, row, fileFields);
        } catch (DomainProblem invalid) {
          results.add(
              RowResult.skipped(
                  row.number(),
                  "Row "
                      + row.number()
                      + " would update "
                      + id
                      + ", but together they are not valid: "
                      + invalid.getMessage()
                      + "."));
          continue;
        }
        if (sameAs(record, fields)) {
          outcome = RowResult.UNCHANGED;
        } else {
          record.replace(fields.json(), fields.accountId(), fields.contactId(), now);
          changes.stamp(record);
          outcome = RowResult.UPDATED;
        }
      }
      if (!outcome.equals(RowResult.UNCHANGED)) {
        written.put(record.id(), record);
        writtenFields.put(record.id(), fields);
      }
      for (String key : matchKeys(orgId, type, fields)) {
        batchMatches.put(key, record.id());
      }
      if (row.rowKey() != null) {
        newLog.put(row.rowKey(), record.id());
      }
      results.add(new RowResult(row.number(), outcome, record.id(), null));
    }
    em.flush();
    List<RecordIndexes.Indexed> fresh = new ArrayList<>();
    List<RecordIndexes.Indexed> changed = new ArrayList<>();
    for (Map.Entry<String, ValidatedRecord> entry : writtenFields.entrySet()) {
      RecordIndexes.Indexed indexed =
          new RecordIndexes.Indexed(orgId, entry.getKey(), type, entry.getValue());
      (created.contains(entry.getKey()) ? fresh : changed).add(indexed);
    }
    indexes.writeNew(fresh);
    indexes.write(changed);
    log(orgId, importKey, newLog, now);
    return results;
  }

  /**
   * The row applied to the stored record: the file's columns replace the stored values (an empty
   * cell clears one), except addresses and domains, which are added; other fields stay.
   */
  private ValidatedRecord merge(
      RecordType type, CrmRecord record, Row row, Set<String> fileFields) {
    JsonObject current = records.view(record);
    JsonObjectBuilder merged = CrmJson.object();
    for (String field : type.fields()) {
      if (!fileFields.contains(field)) {
        merged.add(field, current.getOrDefault(field, JsonValue.NULL));
      } else if (field.equals("emails") || field.equals("domains")) {
        Set<String> union = new LinkedHashSet<>();
        JsonValue stored = current.get(field);
        if (stored != null && stored.getValueType() == JsonValue.ValueType.ARRAY) {
          stored.asJsonArray().getValuesAs(JsonString.class).forEach(s -> union.add(s.getString()));
        }
        union.addAll(field.equals("emails") ? row.fields().emails() : row.fields().domains());
        JsonArrayBuilder array = CrmJson.array();
        union.forEach(array::add);
        merged.add(field, array);
      } else {
        merged.add(field, row.cells().getOrDefault(field, JsonValue.NULL));
      }
    }
    return RecordFields.validate(type, merged.build());
  }

  private static boolean sameAs(CrmRecord record, ValidatedRecord fields) {
    return record.json().equals(fields.json())
        && Objects.equals(record.accountId(), fields.accountId())
        && Objects.equals(record.contactId(), fields.contactId());
  }

  /** The stored records a row matches, by the keys of {@link #matchKeys}. */
  private Set<String> candidates(
      String orgId,
      RecordType type,
      ValidatedRecord fields,
      Map<String, Set<String>> stored,
      Map<String, String> batchMatches) {
    Set<String> byAddress = new LinkedHashSet<>();
    Set<String> byName = new LinkedHashSet<>();
    for (String key : matchKeys(orgId, type, fields)) {
      Set<String> target = key.startsWith(RecordIndexes.NAME + ":") ? byName : byAddress;
      target.addAll(stored.getOrDefault(key, Set.of()));
      if (batchMatches.containsKey(key)) {
        target.add(batchMatches.get(key));
      }
    }
    // An account whose domain matches is that account, whatever its name.
    return byAddress.isEmpty() ? byName : byAddress;
  }

  /**
   * What identifies a record of this type across imports: each address of a contact or lead, each
   * domain of an account and its exact name. Opportunities and cases have none.
   */
  private List<String> matchKeys(String orgId, RecordType type, ValidatedRecord fields) {
    List<String> keys = new ArrayList<>();
    if (type.hasEmails()) {
      for (String email : fields.emails()) {
        keys.add(RecordIndexes.EMAIL + ":" + indexes.emailHash(orgId, email));
      }
    } else if (type == RecordType.ACCOUNTS) {
      for (String domain : fields.domains()) {
        keys.add(RecordIndexes.DOMAIN + ":" + indexes.domainHash(orgId, domain));
      }
      keys.add(RecordIndexes.NAME + ":" + RecordIndexes.normalizeName(fields.searchName()));
    }
    return keys;
  }

  /** The stored records each match key of these rows leads to, read in a few queries. */
  private Map<String, Set<String>> storedMatches(
      String orgId, RecordType type, List<Row> rows, Map<String, String> logged) {
    Map<String, Set<String>> matches = new HashMap<>();
    if (!type.hasEmails() && type != RecordType.ACCOUNTS) {
      return matches;
    }
    Map<String, List<String>> hashesByKind = new HashMap<>();
    Map<String, String> namePrefixes = new HashMap<>();
    for (Row row : rows) {
      if (row.rowKey() != null && logged.containsKey(row.rowKey())) {
        continue;
      }
      for (String key : matchKeys(orgId, type, row.fields())) {
        int colon = key.indexOf(':');
        String kind = key.substring(0, colon);
        if (kind.equals(RecordIndexes.NAME)) {
          String name = key.substring(colon + 1);
          // The index has no prefix that ends in a space.
          String prefix = name.substring(0, Math.min(RecordIndexes.MAX_PREFIX, name.length()));
          namePrefixes.put(key, indexes.namePrefixHash(orgId, prefix.strip()));
        } else {
          hashesByKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(key.substring(colon + 1));
        }
      }
    }
    for (Map.Entry<String, List<String>> kind : hashesByKind.entrySet()) {
      search
          .idsByHash(orgId, type, kind.getKey(), kind.getValue())
          .forEach((hash, ids) -> matches.put(kind.getKey() + ":" + hash, ids));
    }
    if (!namePrefixes.isEmpty()) {
      // The name index holds prefixes: the records it finds are candidates, compared by name.
      Set<String> candidateIds = new HashSet<>();
      search
          .idsByHash(orgId, type, RecordIndexes.NAME, namePrefixes.values())
          .values()
          .forEach(candidateIds::addAll);
      for (CrmRecord candidate : records.load(List.copyOf(candidateIds))) {
        String name = records.view(candidate).getString("name", "");
        String key = RecordIndexes.NAME + ":" + RecordIndexes.normalizeName(name);
        if (namePrefixes.containsKey(key)) {
          matches.computeIfAbsent(key, k -> new HashSet<>()).add(candidate.id());
        }
      }
    }
    return matches;
  }

  /** Which of these rows the import log has, and the record each became. */
  private Map<String, String> logged(String orgId, String importKey, List<Row> rows) {
    List<String> keys = rows.stream().map(Row::rowKey).filter(Objects::nonNull).toList();
    Map<String, String> found = new HashMap<>();
    for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
      List<String> chunk = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY));
      String sql =
          "SELECT row_key, record_id FROM record_import_row WHERE org_id = ? AND import_key = ?"
              + " AND row_key IN ("
              + String.join(",", Collections.nCopies(chunk.size(), "?"))
              + ")";
      try {
        connection.run(
            c -> {
              try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setString(1, orgId);
                select.setString(2, importKey);
                for (int i = 0; i < chunk.size(); i++) {
                  select.setString(i + 3, chunk.get(i));
                }
                try (ResultSet rs = select.executeQuery()) {
                  while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                  }
                }
              }
              return null;
            });
      } catch (SQLException e) {
        throw new IllegalStateException("Cannot read the import log", e);
      }
    }
    return found;
  }

  private void log(String orgId, String importKey, Map<String, String> rows, Instant now) {
    if (importKey == null || rows.isEmpty()) {
      return;
    }
    try {
      connection.run(
          c -> {
            try (PreparedStatement insert =
                c.prepareStatement(
                    "INSERT INTO record_import_row (org_id, import_key, row_key, record_id,"
                        + " created_at) VALUES (?, ?, ?, ?, ?)")) {
              for (Map.Entry<String, String> row : rows.entrySet()) {
                insert.setString(1, orgId);
                insert.setString(2, importKey);
                insert.setString(3, row.getKey());
                insert.setString(4, row.getValue());
                insert.setTimestamp(5, Timestamp.from(now));
                insert.addBatch();
              }
              insert.executeBatch();
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot write the import log", e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
