package io.mailbridge.crm.entity;

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

/** An attachment's bytes, sealed, stored once per org however many activities carry them. */
@Entity
@Table(name = "attachment_blob")
public class AttachmentBlob {

  public static final String TABLE = "attachment_blob";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  /** Keyed hash of the content's SHA-256, so equal files are found without revealing the hash. */
  @Column(name = "content_key", nullable = false, length = 40)
  private String contentKey;

  @Column(name = "size", nullable = false)
  private long size;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "bytes", nullable = false)
  private SealedValue bytes;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected AttachmentBlob() {}

  public AttachmentBlob(String orgId, String contentKey, byte[] content, Instant createdAt) {
    this.id = OpaqueId.next();
    this.orgId = orgId;
    this.contentKey = contentKey;
    this.size = content.length;
    this.bytes = SealedValue.of(content, binding());
    this.createdAt = createdAt;
  }

  public String id() {
    return id;
  }

  public long size() {
    return size;
  }

  public byte[] content() {
    return bytes.openBytes(binding());
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "bytes", orgId, id);
  }
}
