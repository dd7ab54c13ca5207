package io.mailbridge.crm.entity;

import io.mailbridge.platform.base.OpaqueId;
import io.mailbridge.platform.crypto.entity.RowBinding;
import io.mailbridge.platform.crypto.entity.SealedValue;
import io.mailbridge.platform.crypto.entity.SealedValueConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Objects;

/**
 * A CRM record of any type. Its fields are one sealed JSON document; the links to an account and a
 * contact are plain ids so that they can be followed and cleared without decrypting.
 */
@Entity
@Table(name = "crm_record")
public class CrmRecord {

  public static final String TABLE = "crm_record";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Enumerated(EnumType.STRING)
  @Column(name = "type", nullable = false, length = 16)
  private RecordType type;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "data", nullable = false)
  private SealedValue data;

  @Column(name = "account_id", length = 32)
  private String accountId;

  @Column(name = "contact_id", length = 32)
  private String contactId;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  @Version
  @Column(name = "version", nullable = false)
  private long version;

  /** The org-wide number of this record's last write, for readers of the change feed. */
  @Column(name = "change_seq", nullable = false)
  private long changeSeq;

  /** The user the record belongs to: its maker, or whom it was given to; null for older ones. */
  @Column(name = "owner_user_id", length = 32)
  private String ownerUserId;

  protected CrmRecord() {}

  public CrmRecord(String orgId, RecordType type, Instant createdAt) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.type = Objects.requireNonNull(type);
    this.createdAt = createdAt;
    this.updatedAt = createdAt;
  }

  /** Replaces the fields; {@code json} is the validated field document. */
  public void replace(String json, String accountId, String contactId, Instant at) {
    this.data = SealedValue.of(Objects.requireNonNull(json), binding());
    this.accountId = accountId;
    this.contactId = contactId;
    this.updatedAt = at;
  }

  /** Stamps a write with the next number of the org's change feed. */
  public void changed(long seq) {
    this.changeSeq = seq;
  }

  /** Gives the record to a user (or to nobody). */
  public void ownedBy(String userId) {
    this.ownerUserId = userId;
  }

  public String ownerUserId() {
    return ownerUserId;
  }

  public long changeSeq() {
    return changeSeq;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public RecordType type() {
    return type;
  }

  public String json() {
    return SealedValue.openText(data, binding());
  }

  public String accountId() {
    return accountId;
  }

  public String contactId() {
    return contactId;
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "data", orgId, id);
  }
}
