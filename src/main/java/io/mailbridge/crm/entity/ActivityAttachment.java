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

/** The n-th attachment of an activity: its sealed description and the blob with its bytes. */
@Entity
@Table(name = "activity_attachment")
public class ActivityAttachment {

  public static final String TABLE = "activity_attachment";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "activity_id", nullable = false, length = 32)
  private String activityId;

  @Column(name = "n", nullable = false)
  private int n;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  /** Null for an attachment kept as a description only (the org stores no attachment bytes). */
  @Column(name = "blob_id", length = 32)
  private String blobId;

  /** JSON: name, contentType, size, and sha256 when the bytes are stored. */
  @Convert(converter = SealedValueConverter.class)
  @Column(name = "meta", nullable = false)
  private SealedValue meta;

  protected ActivityAttachment() {}

  public ActivityAttachment(
      String orgId, String activityId, int n, String blobId, String metaJson) {
    this.id = OpaqueId.next();
    this.orgId = orgId;
    this.activityId = activityId;
    this.n = n;
    this.blobId = blobId;
    this.meta = SealedValue.of(metaJson, binding());
  }

  public int n() {
    return n;
  }

  public String blobId() {
    return blobId;
  }

  public String metaJson() {
    return SealedValue.openText(meta, binding());
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "meta", orgId, id);
  }
}
