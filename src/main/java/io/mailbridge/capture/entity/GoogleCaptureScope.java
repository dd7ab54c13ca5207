package io.mailbridge.capture.entity;

import io.mailbridge.platform.crypto.entity.RowBinding;
import io.mailbridge.platform.crypto.entity.SealedValue;
import io.mailbridge.platform.crypto.entity.SealedValueConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Objects;

/**
 * Which users of an org's Google Workspace are captured org-wide with a service account's
 * domain-wide delegation: the service account's JSON key file (sealed, never shown), what may be
 * shown of it (client email, key id, client id), the listed users (sealed), and who chose them.
 */
@Entity
@Table(name = "capture_google_scope")
public class GoogleCaptureScope {

  public static final String TABLE = "capture_google_scope";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Version
  @Column(name = "version", nullable = false)
  private long version;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "service_account_key", nullable = false)
  private SealedValue serviceAccountKey;

  @Column(name = "client_email", nullable = false, length = 320)
  private String clientEmail;

  @Column(name = "key_id", nullable = false, length = 100)
  private String keyId;

  @Column(name = "client_id", length = 100)
  private String clientId;

  /** {@code ["ada@example.com", …]}. */
  @Convert(converter = SealedValueConverter.class)
  @Column(name = "users", nullable = false)
  private SealedValue users;

  @Column(name = "configured_by", nullable = false, length = 32)
  private String configuredBy;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected GoogleCaptureScope() {}

  public GoogleCaptureScope(String orgId) {
    this.id = Objects.requireNonNull(orgId, "orgId");
    this.orgId = orgId;
  }

  /** A new key file, with what may be shown of it. */
  public void key(String keyJson, String clientEmail, String keyId, String clientId) {
    this.serviceAccountKey =
        SealedValue.of(Objects.requireNonNull(keyJson), binding("service_account_key"));
    this.clientEmail = Objects.requireNonNull(clientEmail);
    this.keyId = Objects.requireNonNull(keyId);
    this.clientId = clientId;
  }

  /** The admin {@code by} listed these users ({@code usersJson}, a JSON array). */
  public void listed(String usersJson, String by, Instant now) {
    this.users = SealedValue.of(Objects.requireNonNull(usersJson), binding("users"));
    this.configuredBy = Objects.requireNonNull(by);
    this.updatedAt = now;
  }

  public String orgId() {
    return orgId;
  }

  public boolean hasKey() {
    return serviceAccountKey != null;
  }

  public String serviceAccountKey() {
    return SealedValue.openText(serviceAccountKey, binding("service_account_key"));
  }

  public String clientEmail() {
    return clientEmail;
  }

  public String keyId() {
    return keyId;
  }

  public String clientId() {
    return clientId;
  }

  public String usersJson() {
    return SealedValue.openText(users, binding("users"));
  }

  public String configuredBy() {
    return configuredBy;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
