package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.config.control.ApiProblem;
import io.mailbridge.platform.config.control.MailbridgeDataSource;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;

/**
 * Record ids of one type in id order after a cursor, optionally only those whose name has the given
 * prefix and those an address leads to; answered from the blind indexes.
 */
@ApplicationScoped
public class RecordSearch {

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

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
        throw ApiProblem.invalidField(
            "q", "needs at least " + RecordIndexes.MIN_PREFIX + " characters");
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
        throw ApiProblem.invalidField("email", type.path() + " cannot be searched by address");
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
}
