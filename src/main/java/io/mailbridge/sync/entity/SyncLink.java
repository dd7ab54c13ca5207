package io.mailbridge.sync.entity;

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

/**
 * A CRM record and the contact in one user's mailbox that stand for each other: the contact's
 * version marks as Mailbridge last wrote or read them (its own writes are recognised when they come
 * back), who made the pair, and the fields both sides last agreed on (sealed): the merge's base.
 */
@Entity
@Table(name = "sync_link")
public class SyncLink {

  public static final String TABLE = "sync_link";

  /** Who made the pair: Mailbridge created the contact from the CRM, or a person made it. */
  public enum Origin {
    CRM,
    MAIL
  }

  /** What a pair stands for: a contact and a record, or a calendar event and a CRM event. */
  public enum Item {
    CONTACT,
    EVENT
  }

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
  @Column(name = "item", nullable = false, length = 8)
  private Item item = Item.CONTACT;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "user_id", nullable = false, length = 32)
  private String userId;

  @Column(name = "crm_id", nullable = false, length = 32)
  private String crmId;

  @Column(name = "remote_id", nullable = false, length = 512)
  private String remoteId;

  @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
  @Column(name = "origin", nullable = false, length = 8)
  private Origin origin;

  @Column(name = "change_key", length = 255)
  private String changeKey;

  @Column(name = "etag", length = 255)
  private String etag;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "base", nullable = false)
  private SealedValue base;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected SyncLink() {}

  public SyncLink(
      String orgId, String userId, String crmId, String remoteId, Origin origin, Instant now) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.userId = Objects.requireNonNull(userId);
    this.crmId = Objects.requireNonNull(crmId);
    this.remoteId = Objects.requireNonNull(remoteId);
    this.origin = Objects.requireNonNull(origin);
    this.updatedAt = now;
  }

  /** A pair of a calendar event and a CRM event. */
  public static SyncLink event(
      String orgId, String userId, String crmId, String remoteId, Origin origin, Instant now) {
    SyncLink link = new SyncLink(orgId, userId, crmId, remoteId, origin, now);
    link.item = Item.EVENT;
    return link;
  }

  /** Both sides agree on {@code baseJson}; the contact now has these version marks. */
  public void agreed(String changeKey, String etag, String baseJson, Instant now) {
    this.changeKey = changeKey;
    this.etag = etag;
    this.base = SealedValue.of(Objects.requireNonNull(baseJson), binding());
    this.updatedAt = now;
  }

  public String id() {
    return id;
  }

  public Item item() {
    return item;
  }

  public String crmId() {
    return crmId;
  }

  public String remoteId() {
    return remoteId;
  }

  public Origin origin() {
    return origin;
  }

  public String changeKey() {
    return changeKey;
  }

  public String etag() {
    return etag;
  }

  public String baseJson() {
    return SealedValue.openText(base, binding());
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "base", orgId, id);
  }
}
