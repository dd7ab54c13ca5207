package io.mailbridge.productivity.entity;

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
 * A text shortcut: a name and a text with merge fields, owned by one user or (owner null) shared by
 * the whole org. Name and text are sealed like every other text people write.
 */
@Entity
@Table(name = "shortcut")
public class Shortcut {

  public static final String TABLE = "shortcut";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "owner_id", length = 32)
  private String ownerId;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "name", nullable = false)
  private SealedValue name;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "text", nullable = false)
  private SealedValue text;

  @Column(name = "created_by", nullable = false, length = 32)
  private String createdBy;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected Shortcut() {}

  /** A shortcut of {@code ownerId}, or of the whole org when {@code ownerId} is null. */
  public Shortcut(String orgId, String ownerId, String createdBy, Instant at) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.ownerId = ownerId;
    this.createdBy = Objects.requireNonNull(createdBy);
    this.createdAt = Objects.requireNonNull(at);
    this.updatedAt = at;
  }

  public void write(String newName, String newText, Instant at) {
    if (newName == null || newName.isBlank() || newText == null || newText.isEmpty()) {
      throw new IllegalArgumentException("A shortcut needs a name and a text");
    }
    this.name = SealedValue.of(newName, binding("name"));
    this.text = SealedValue.of(newText, binding("text"));
    this.updatedAt = Objects.requireNonNull(at);
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  /** The owning user; null for an org shortcut. */
  public String ownerId() {
    return ownerId;
  }

  public boolean isOrgWide() {
    return ownerId == null;
  }

  public String name() {
    return SealedValue.openText(name, binding("name"));
  }

  public String text() {
    return SealedValue.openText(text, binding("text"));
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
