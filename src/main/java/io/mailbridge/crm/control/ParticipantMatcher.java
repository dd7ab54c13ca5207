package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.database.control.MailbridgeDataSource;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Finds the CRM records of email participants from the blind indexes alone: contacts and leads by
 * address, accounts by the address's domain or a parent domain, never by a free-mail domain.
 * Capture calls it for every message, so it reads no sealed row.
 */
@ApplicationScoped
public class ParticipantMatcher {

  static final String DEFAULT_FREE_MAIL =
      "gmail.com,googlemail.com,yahoo.com,yahoo.co.uk,ymail.com,outlook.com,hotmail.com,live.com,"
          + "msn.com,icloud.com,me.com,mac.com,aol.com,gmx.com,gmx.de,gmx.net,web.de,mail.com,"
          + "proton.me,protonmail.com,yandex.com,yandex.ru,zoho.com,fastmail.com,qq.com,163.com";
  static final int MAX_PARTICIPANTS = 200;

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  @Inject RecordIndexes indexes;

  @Inject
  @ConfigProperty(name = "mailbridge.crm.free-mail-domains", defaultValue = DEFAULT_FREE_MAIL)
  List<String> freeMailDomains;

  private volatile Set<String> freeMail;

  /** The records one participant address leads to. */
  public record Match(
      String email, List<String> contactIds, List<String> leadIds, List<String> accountIds) {}

  /** One match per given address, in the order given. */
  public List<Match> match(String orgId, List<String> emails) {
    List<String> addresses =
        emails.stream()
            .map(RecordFields::normalizeEmail)
            .filter(e -> e != null && !e.isEmpty())
            .toList();
    Map<String, String> addressByHash = new HashMap<>();
    Map<String, List<String>> domainHashesByAddress = new LinkedHashMap<>();
    Map<String, String> domainByHash = new HashMap<>();
    for (String address : addresses) {
      addressByHash.put(indexes.emailHash(orgId, address), address);
      List<String> hashes = new ArrayList<>();
      for (String domain : accountDomains(address)) {
        String hash = indexes.domainHash(orgId, domain);
        hashes.add(hash);
        domainByHash.put(hash, domain);
      }
      domainHashesByAddress.put(address, hashes);
    }
    Map<String, List<String[]>> byEmailHash =
        lookup(orgId, RecordIndexes.EMAIL, addressByHash.keySet());
    Map<String, List<String[]>> byDomainHash =
        lookup(orgId, RecordIndexes.DOMAIN, domainByHash.keySet());

    List<Match> matches = new ArrayList<>();
    for (String address : addresses) {
      Set<String> contacts = new LinkedHashSet<>();
      Set<String> leads = new LinkedHashSet<>();
      Set<String> accounts = new LinkedHashSet<>();
      for (String[] hit : byEmailHash.getOrDefault(indexes.emailHash(orgId, address), List.of())) {
        (RecordType.LEADS.name().equals(hit[1]) ? leads : contacts).add(hit[0]);
      }
      for (String hash : domainHashesByAddress.get(address)) {
        for (String[] hit : byDomainHash.getOrDefault(hash, List.of())) {
          accounts.add(hit[0]);
        }
      }
      matches.add(
          new Match(address, List.copyOf(contacts), List.copyOf(leads), List.copyOf(accounts)));
    }
    return matches;
  }

  /**
   * The domains an address can match an account by: its own and each parent with at least two
   * labels (a.b.example.com → a.b.example.com, b.example.com, example.com); none for free mail.
   */
  public List<String> accountDomains(String email) {
    String normalized = RecordFields.normalizeEmail(email);
    int at = normalized == null ? -1 : normalized.lastIndexOf('@');
    if (at < 0 || at == normalized.length() - 1) {
      return List.of();
    }
    String domain = RecordFields.normalizeDomain(normalized.substring(at + 1));
    if (freeMail().contains(domain)) {
      return List.of();
    }
    List<String> candidates = new ArrayList<>();
    String current = domain;
    while (current.indexOf('.') > 0) {
      if (freeMail().contains(current)) {
        break;
      }
      candidates.add(current);
      current = current.substring(current.indexOf('.') + 1);
    }
    return candidates;
  }

  private Set<String> freeMail() {
    Set<String> set = freeMail;
    if (set == null) {
      set =
          freeMailDomains.stream()
              .map(String::strip)
              .filter(d -> !d.isEmpty())
              .map(RecordFields::normalizeDomain)
              .collect(Collectors.toUnmodifiableSet());
      freeMail = set;
    }
    return set;
  }

  /**
   * hash → [record id, record type] for every index row of this kind with one of the hashes. One
   * equality lookup per hash: H2 does not use the index's hash column for an IN list.
   */
  private Map<String, List<String[]>> lookup(String orgId, String kind, Collection<String> hashes) {
    Map<String, List<String[]>> found = new HashMap<>();
    if (hashes.isEmpty()) {
      return found;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT record_id, record_type FROM record_index"
                    + " WHERE org_id = ? AND kind = ? AND value_hash = ?")) {
      select.setString(1, orgId);
      select.setString(2, kind);
      for (String hash : hashes) {
        select.setString(3, hash);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            found
                .computeIfAbsent(hash, h -> new ArrayList<>())
                .add(new String[] {rs.getString(1), rs.getString(2)});
          }
        }
      }
      return found;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot look up participants", e);
    }
  }
}
