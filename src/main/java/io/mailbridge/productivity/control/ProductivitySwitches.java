package io.mailbridge.productivity.control;

import io.mailbridge.crm.control.RecordFields;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.productivity.entity.ProductivitySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and changes an org's productivity switches: tracking on or off, its internal domains. */
@ApplicationScoped
public class ProductivitySwitches {

  static final int MAX_DOMAINS = 100;
  private static final Pattern DOMAIN =
      Pattern.compile(
          "^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$");

  @PersistenceContext EntityManager em;
  @Inject AuditLog audit;

  Clock clock = Clock.systemUTC();

  /** The switches as the API shows them. */
  public record Switches(boolean trackingEnabled, List<String> internalDomains) {}

  /**
   * The org's switches; the defaults (tracking off, no internal domains) until an admin sets them.
   */
  public Switches of(String orgId) {
    ProductivitySettings stored = em.find(ProductivitySettings.class, orgId);
    return stored == null
        ? new Switches(false, List.of())
        : new Switches(stored.trackingEnabled(), stored.internalDomains());
  }

  /**
   * Replaces the org's switches (audited); domains are validated first, so a bad one changes
   * nothing.
   */
  @Transactional
  public Switches change(
      String orgId, String adminId, boolean trackingEnabled, List<String> internalDomains) {
    List<String> domains = normalize(internalDomains);
    ProductivitySettings stored = em.find(ProductivitySettings.class, orgId);
    if (stored == null) {
      stored = new ProductivitySettings(orgId);
      em.persist(stored);
    }
    boolean was = stored.trackingEnabled();
    stored.change(trackingEnabled, domains, clock.instant());
    audit.record(
        orgId,
        adminId,
        "productivity.settings",
        orgId,
        "changed",
        "Tracking "
            + (trackingEnabled ? "on" : "off")
            + (was == trackingEnabled ? " (unchanged)" : "")
            + ", "
            + domains.size()
            + " internal domain(s)");
    return new Switches(stored.trackingEnabled(), stored.internalDomains());
  }

  static List<String> normalize(List<String> raw) {
    if (raw == null) {
      return List.of();
    }
    if (raw.size() > MAX_DOMAINS) {
      throw new InvalidField("internalDomains", "at most " + MAX_DOMAINS + " domains");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String value = raw.get(i);
      String domain = value == null ? "" : RecordFields.normalizeDomain(value);
      if (!DOMAIN.matcher(domain).matches()) {
        throw new InvalidField(
            "internalDomains[" + i + "]",
            value == null ? "is required" : "\"" + value.strip() + "\" is not a domain name");
      }
      out.add(domain);
    }
    return new ArrayList<>(out);
  }
}
