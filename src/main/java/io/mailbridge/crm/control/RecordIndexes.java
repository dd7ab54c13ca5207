package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.crypto.control.BlindIndex;
import io.mailbridge.platform.database.control.TransactionConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The blind indexes that find records without decrypting them: keyed hashes of each address, each
 * domain, and each prefix of the name and of its words, in {@code record_index}.
 */
@ApplicationScoped
public class RecordIndexes {

  static final String EMAIL = "email";
  static final String DOMAIN = "domain";
  static final String NAME = "name";
  static final int MIN_PREFIX = 2;
  static final int MAX_PREFIX = 20;

  @Inject TransactionConnection connection;

  @Inject BlindIndex blindIndex;

  /** A record whose index rows are to be written. */
  public record Indexed(String orgId, String recordId, RecordType type, ValidatedRecord fields) {}

  /** Replaces the index rows of records; the records' own rows must already be flushed. */
  public void write(Collection<Indexed> records) {
    write(records, true);
  }

  /** Writes the index rows of records that have none yet (just created). */
  public void writeNew(Collection<Indexed> records) {
    write(records, false);
  }

  private void write(Collection<Indexed> records, boolean replace) {
    try {
      connection.run(
          c -> {
            try (PreparedStatement delete =
                    c.prepareStatement("DELETE FROM record_index WHERE record_id = ?");
                PreparedStatement insert =
                    c.prepareStatement(
                        "INSERT INTO record_index (org_id, kind, value_hash, record_id, record_type)"
                            + " VALUES (?, ?, ?, ?, ?)")) {
              for (Indexed record : records) {
                if (replace) {
                  delete.setString(1, record.recordId());
                  delete.addBatch();
                }
                for (String[] entry : entries(record)) {
                  insert.setString(1, record.orgId());
                  insert.setString(2, entry[0]);
                  insert.setString(3, entry[1]);
                  insert.setString(4, record.recordId());
                  insert.setString(5, record.type().name());
                  insert.addBatch();
                }
              }
              if (replace) {
                delete.executeBatch();
              }
              insert.executeBatch();
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot write the record indexes", e);
    }
  }

  public String emailHash(String orgId, String email) {
    return blindIndex.forOrg(orgId, EMAIL, RecordFields.normalizeEmail(email));
  }

  public String domainHash(String orgId, String domain) {
    return blindIndex.forOrg(orgId, DOMAIN, RecordFields.normalizeDomain(domain));
  }

  /** The hash a name search for {@code query} looks up. */
  public String namePrefixHash(String orgId, String query) {
    String normalized = normalizeName(query);
    return blindIndex.forOrg(
        orgId, NAME, normalized.substring(0, Math.min(MAX_PREFIX, normalized.length())));
  }

  private Collection<String[]> entries(Indexed record) {
    // Keyed by kind and hash: two values may normalize to the same hash (the index trims).
    java.util.Map<String, String[]> entries = new java.util.LinkedHashMap<>();
    ValidatedRecord fields = record.fields();
    for (String email : fields.emails()) {
      put(entries, EMAIL, emailHash(record.orgId(), email));
    }
    for (String domain : fields.domains()) {
      put(entries, DOMAIN, domainHash(record.orgId(), domain));
    }
    for (String prefix : namePrefixes(fields.searchName())) {
      put(entries, NAME, blindIndex.forOrg(record.orgId(), NAME, prefix));
    }
    return entries.values();
  }

  private static void put(java.util.Map<String, String[]> entries, String kind, String hash) {
    entries.putIfAbsent(kind + ":" + hash, new String[] {kind, hash});
  }

  /**
   * Prefixes of the whole name and of each of its words, from {@value #MIN_PREFIX} to {@value
   * #MAX_PREFIX} characters (a one-letter search would match a large part of any CRM).
   */
  static Set<String> namePrefixes(String name) {
    Set<String> prefixes = new LinkedHashSet<>();
    String normalized = normalizeName(name);
    if (normalized.isEmpty()) {
      return prefixes;
    }
    addPrefixes(prefixes, normalized);
    for (String word : normalized.split(" ")) {
      addPrefixes(prefixes, word);
    }
    return prefixes;
  }

  static String normalizeName(String name) {
    return name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
  }

  private static void addPrefixes(Set<String> prefixes, String text) {
    int end = Math.min(MAX_PREFIX, text.length());
    for (int i = MIN_PREFIX; i <= end; i++) {
      if (text.charAt(i - 1) != ' ') {
        prefixes.add(text.substring(0, i));
      }
    }
  }
}
