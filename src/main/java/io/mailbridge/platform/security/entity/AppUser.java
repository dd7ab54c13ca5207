package io.mailbridge.platform.security.entity;

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
import java.time.Instant;
import java.util.Objects;

/** A CRM user of one org who signs in to Mailbridge; email and name are stored encrypted. */
@Entity
@Table(name = "app_user")
public class AppUser {

  public static final String TABLE = "app_user";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "email", nullable = false)
  private SealedValue email;

  /** Keyed hash of the normalized address, global because login happens before the org is known. */
  @Column(name = "email_index", nullable = false, length = 64)
  private String emailIndex;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "display_name", nullable = false)
  private SealedValue displayName;

  @Enumerated(EnumType.STRING)
  @Column(name = "role", nullable = false, length = 16)
  private Role role;

  @Column(name = "disabled", nullable = false)
  private boolean disabled;

  @Column(name = "password_hash", nullable = false, length = 512)
  private String passwordHash;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected AppUser() {}

  public AppUser(
      String orgId,
      String email,
      String emailIndex,
      String displayName,
      Role role,
      String passwordHash,
      Instant createdAt) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.email = SealedValue.of(Objects.requireNonNull(email), binding("email"));
    this.emailIndex = Objects.requireNonNull(emailIndex);
    this.role = Objects.requireNonNull(role);
    this.passwordHash = Objects.requireNonNull(passwordHash);
    this.createdAt = createdAt;
    rename(displayName);
  }

  public void rename(String newName) {
    if (newName == null || newName.isBlank()) {
      throw new IllegalArgumentException("A user needs a display name");
    }
    this.displayName = SealedValue.of(newName.strip(), binding("display_name"));
  }

  public void changeRole(Role newRole) {
    this.role = Objects.requireNonNull(newRole);
  }

  public void disable() {
    this.disabled = true;
  }

  public void enable() {
    this.disabled = false;
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public String email() {
    return SealedValue.openText(email, binding("email"));
  }

  public String displayName() {
    return SealedValue.openText(displayName, binding("display_name"));
  }

  public Role role() {
    return role;
  }

  public boolean isDisabled() {
    return disabled;
  }

  public String passwordHash() {
    return passwordHash;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
