package io.mailbridge.capture.entity;

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
 * One user's own excluded addresses and domains as stored: one sealed JSON document, like the org's
 * lists in {@link CaptureSettings} (they name people and customers). Checked by the control.
 */
@Entity
@Table(name = "capture_user_exclusions")
public class CaptureUserExclusions {

  public static final String TABLE = "capture_user_exclusions";

  /** The user's id: one row per user, and key rotation finds rows by an id column. */
  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "lists", nullable = false)
  private SealedValue lists;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected CaptureUserExclusions() {}

  public CaptureUserExclusions(String orgId, String userId) {
    this.orgId = Objects.requireNonNull(orgId, "orgId");
    this.id = Objects.requireNonNull(userId, "userId");
  }

  public void replace(String listsJson, Instant now) {
    this.lists = SealedValue.of(Objects.requireNonNull(listsJson, "listsJson"), binding());
    this.updatedAt = now;
  }

  public String userId() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public String listsJson() {
    return SealedValue.openText(lists, binding());
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "lists", orgId, id);
  }
}
