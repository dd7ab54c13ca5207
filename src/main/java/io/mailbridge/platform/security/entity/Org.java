package io.mailbridge.platform.security.entity;

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

/** A customer organisation: every other row belongs to exactly one. */
@Entity
@Table(name = "org")
public class Org {

  public static final String TABLE = "org";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "name", nullable = false)
  private SealedValue name;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected Org() {}

  /** The org's keys must exist before its name can be sealed; see {@code Orgs.create}. */
  public Org(String id, Instant createdAt) {
    this.id = Objects.requireNonNull(id);
    this.createdAt = createdAt;
  }

  public static Org withNewId(Instant createdAt) {
    return new Org(OpaqueId.next(), createdAt);
  }

  public void rename(String newName) {
    if (newName == null || newName.isBlank()) {
      throw new IllegalArgumentException("An org needs a name");
    }
    this.name = SealedValue.of(newName.strip(), binding());
  }

  public String id() {
    return id;
  }

  public String name() {
    return SealedValue.openText(name, binding());
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "name", id, id);
  }
}
