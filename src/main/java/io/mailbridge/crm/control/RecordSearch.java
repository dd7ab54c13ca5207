package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.database.control.MailbridgeDataSource;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Record ids of one type in id order after a cursor, optionally only those whose name has the given
 * prefix and those an address leads to; answered from the blind indexes.
 */
@ApplicationScoped
public class RecordSearch {

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  private static final int HASHES_PER_QUERY = 500;

  @Inject RecordIndexes indexes;
  @Inject ParticipantMatcher matcher;

  public List<String> ids(
      String orgId, RecordType type, String query, String email, String after, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT r.id FROM crm_record r WHERE r.org_id = ? AND r.type = ? AND r.id > ?");
    List<Object> params = new ArrayList<>(List.of(orgId, type.name(), after));
    if (query != null && !query.isBlank()) {
      if (RecordIndexes.normalizeName(query).length() < RecordIndexes.MIN_PREFIX) {
        throw new InvalidField("q", "needs at least " + RecordIndexes.MIN_PREFIX + " characters");
      }
      sql.append(" AND EXISTS (SELECT 1 FROM record_index i WHERE i.org_id = r.org_id")
          .append(" AND i.record_id = r.id AND i.kind = ? AND i.value_hash = ?)");
      params.add(RecordIndexes.NAME);
      params.add(indexes.namePrefixHash(orgId, query));
    }
    if (email != null && !email.isBlank()) {
      List<String> hashes;
      String kind;
      if (type.hasEmails()) {
        kind = RecordIndexes.EMAIL;
        hashes = List.of(indexes.emailHash(orgId, email));
      } else if (type == RecordType.ACCOUNTS) {
        kind = RecordIndexes.DOMAIN;
        hashes =
            matcher.accountDomains(email).stream().map(d -> indexes.domainHash(orgId, d)).toList();
        if (hashes.isEmpty()) {
          return List.of();
        }
      } else {
        throw new InvalidField("email", type.path() + " cannot be searched by address");
      }
      sql.append(" AND EXISTS (SELECT 1 FROM record_index i WHERE i.org_id = r.org_id")
          .append(" AND i.record_id = r.id AND i.kind = ? AND i.value_hash IN (")
          .append(String.join(",", Collections.nCopies(hashes.size(), "?")))
          .append("))");
      params.add(kind);
      params.addAll(hashes);
    }
    sql.append(" ORDER BY r.id LIMIT ?");
    params.add(limit);
    try (Connection c = dataSource.getConnection();
        PreparedStatement select = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < params.size(); i++) {
        select.setObject(i + 1, params.get(i));
      }
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot search records", e);
    }
  }

  /**
   * For index hashes of one kind (an address, a domain, a name prefix), the ids of the records of
   * this type that carry each; hashes nothing carries are absent. One query per 500 hashes.
   */
  public Map<String, Set<String>> idsByHash(
      String orgId, RecordType type, String kind, Collection<String> hashes) {
    Map<String, Set<String>> ids = new HashMap<>();
    List<String> distinct = List.copyOf(new LinkedHashSet<>(hashes));
    for (int from = 0; from < distinct.size(); from += HASHES_PER_QUERY) {
      List<String> chunk =
          distinct.subList(from, Math.min(distinct.size(), from + HASHES_PER_QUERY));
      String sql =
          "SELECT value_hash, record_id FROM record_index WHERE org_id = ? AND kind = ?"
              + " AND record_type = ? AND value_hash IN ("
              + String.join(",", Collections.nCopies(chunk.size(), "?"))
              + ")";
      try (Connection c = dataSource.getConnection();
          PreparedStatement select = c.prepareStatement(sql)) {
        select.setString(1, orgId);
        select.setString(2, kind);
        select.setString(3, type.name());
        for (int i = 0; i < chunk.size(); i++) {
          select.setString(i + 4, chunk.get(i));
        }
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            ids.computeIfAbsent(rs.getString(1), h -> new HashSet<>()).add(rs.getString(2));
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("Cannot look records up by index", e);
      }
    }
    return ids;
  }
}
