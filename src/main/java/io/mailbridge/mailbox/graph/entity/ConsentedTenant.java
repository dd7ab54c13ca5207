package io.mailbridge.mailbox.graph.entity;

import io.mailbridge.platform.base.OpaqueId;
import io.mailbridge.platform.crypto.entity.RowBinding;
import io.mailbridge.platform.crypto.entity.SealedValue;
import io.mailbridge.platform.crypto.entity.SealedValueConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** A Microsoft 365 tenant whose admin consented to the org's app; its users may sign in. */
@Entity
@Table(name = "consented_tenant")
public class ConsentedTenant {

  public static final String TABLE = "consented_tenant";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  /** Global keyed hash of the tenant id: a token names its tenant before the org is known. */
  @Column(name = "tenant_index", nullable = false, length = 64)
  private String tenantIndex;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "tenant_id", nullable = false)
  private SealedValue tenantId;

  @Column(name = "consented_by", length = 32)
  private String consentedBy;

  @Column(name = "consented_at", nullable = false)
  private Instant consentedAt;

  protected ConsentedTenant() {}

  public ConsentedTenant(
      String orgId, String tenantIndex, String tenantId, String consentedBy, Instant consentedAt) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.tenantIndex = Objects.requireNonNull(tenantIndex);
    this.tenantId =
        SealedValue.of(
            Objects.requireNonNull(tenantId), new RowBinding(TABLE, "tenant_id", orgId, id));
    this.consentedBy = consentedBy;
    this.consentedAt = Objects.requireNonNull(consentedAt);
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public String tenantId() {
    return tenantId.openText(new RowBinding(TABLE, "tenant_id", orgId, id));
  }

  public String consentedBy() {
    return consentedBy;
  }

  public Instant consentedAt() {
    return consentedAt;
  }
}
