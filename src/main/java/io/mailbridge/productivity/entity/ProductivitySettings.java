package io.mailbridge.productivity.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** One org's productivity switches; an org without a row has the defaults (tracking off). */
@Entity
@Table(name = "productivity_settings")
public class ProductivitySettings {

  @Id
  @Column(name = "org_id", length = 32)
  private String orgId;

  @Column(name = "tracking_enabled", nullable = false)
  private boolean trackingEnabled;

  // Domain names, comma-separated: names the org publishes in every address, not secrets.
  @Column(name = "internal_domains", nullable = false, length = 4000)
  private String internalDomains;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected ProductivitySettings() {}

  public ProductivitySettings(String orgId) {
    this.orgId = Objects.requireNonNull(orgId);
    this.internalDomains = "";
    this.updatedAt = Instant.EPOCH;
  }

  public void change(boolean trackingEnabled, List<String> internalDomains, Instant at) {
    for (String domain : internalDomains) {
      if (domain.isEmpty() || domain.contains(",")) {
        throw new IllegalArgumentException("not a domain: " + domain);
      }
    }
    this.trackingEnabled = trackingEnabled;
    this.internalDomains = String.join(",", internalDomains);
    this.updatedAt = Objects.requireNonNull(at);
  }

  public String orgId() {
    return orgId;
  }

  public boolean trackingEnabled() {
    return trackingEnabled;
  }

  public List<String> internalDomains() {
    return internalDomains.isEmpty() ? List.of() : Arrays.asList(internalDomains.split(","));
  }
}
