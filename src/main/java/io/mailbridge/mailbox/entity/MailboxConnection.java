package io.mailbridge.mailbox.entity;

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
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.hibernate.annotations.DynamicUpdate;

/**
 * A mailbox a user connected with OAuth: whose it is, what the provider granted, and the tokens,
 * sealed. The refresh lease is written only by conditional updates (see the token refresh).
 */
@Entity
@DynamicUpdate // the lease columns are written by conditional updates; never write stale copies
@Table(name = "mailbox_connection")
public class MailboxConnection {

  public static final String TABLE = "mailbox_connection";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "user_id", nullable = false, length = 32)
  private String userId;

  @Enumerated(EnumType.STRING)
  @Column(name = "provider", nullable = false, length = 16)
  private MailProvider provider;

  /** Keyed hash of the account address, so connecting the same account again updates the row. */
  @Column(name = "account_index", nullable = false, length = 64)
  private String accountIndex;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "address", nullable = false)
  private SealedValue address;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "tenant_id")
  private SealedValue tenantId;

  /** Granted scopes, space-separated, as the provider reported them. */
  @Column(name = "scopes", nullable = false, length = 4000)
  private String scopes;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "access_token")
  private SealedValue accessToken;

  @Column(name = "access_expires_at")
  private Instant accessExpiresAt;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "refresh_token")
  private SealedValue refreshToken;

  @Enumerated(EnumType.STRING)
  @Column(name = "state", nullable = false, length = 24)
  private ConnectionState state;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "last_used_at")
  private Instant lastUsedAt;

  @Column(name = "refreshed_at")
  private Instant refreshedAt;

  @Column(name = "grant_version", nullable = false)
  private long grantVersion;

  @Column(name = "refresh_owner", length = 64)
  private String refreshOwner;

  @Column(name = "refresh_lease_until")
  private Instant refreshLeaseUntil;

  protected MailboxConnection() {}

  public MailboxConnection(
      String orgId,
      String userId,
      MailProvider provider,
      String accountIndex,
      String address,
      Instant createdAt) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.userId = Objects.requireNonNull(userId);
    this.provider = Objects.requireNonNull(provider);
    this.accountIndex = Objects.requireNonNull(accountIndex);
    this.address = SealedValue.of(Objects.requireNonNull(address), binding("address"));
    this.createdAt = createdAt;
    this.state = ConnectionState.ACTIVE;
    this.scopes = "";
  }

  /**
   * Stores a fresh grant: after a consent, or after a refresh (a null refresh token keeps ours).
   */
  public void granted(
      String accessToken,
      Instant accessExpiresAt,
      String refreshToken,
      List<String> scopes,
      String tenantId,
      Instant now) {
    this.accessToken = SealedValue.of(Objects.requireNonNull(accessToken), binding("access_token"));
    this.accessExpiresAt = accessExpiresAt;
    if (refreshToken != null) {
      this.refreshToken = SealedValue.of(refreshToken, binding("refresh_token"));
    }
    if (scopes != null && !scopes.isEmpty()) {
      this.scopes = String.join(" ", scopes);
    }
    if (tenantId != null) {
      this.tenantId = SealedValue.of(tenantId, binding("tenant_id"));
    }
    this.state = ConnectionState.ACTIVE;
    this.refreshedAt = now;
    this.grantVersion++;
    this.refreshOwner = null;
    this.refreshLeaseUntil = null;
  }

  /** The provider refused the refresh token: it is useless now, so it is dropped with the rest. */
  public void reauthRequired() {
    this.state = ConnectionState.REAUTH_REQUIRED;
    this.accessToken = null;
    this.accessExpiresAt = null;
    this.refreshToken = null;
    this.grantVersion++;
    this.refreshOwner = null;
    this.refreshLeaseUntil = null;
  }

  /** Gives up a refresh lease this owner holds, leaving the tokens as they are. */
  public void releaseLease(String owner) {
    if (owner.equals(refreshOwner)) {
      this.refreshOwner = null;
      this.refreshLeaseUntil = null;
    }
  }

  public void usedAt(Instant when) {
    this.lastUsedAt = when;
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public String userId() {
    return userId;
  }

  public MailProvider provider() {
    return provider;
  }

  public String address() {
    return address.openText(binding("address"));
  }

  public String tenantId() {
    return SealedValue.openText(tenantId, binding("tenant_id"));
  }

  public List<String> scopes() {
    return scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(" "));
  }

  public String accessToken() {
    return SealedValue.openText(accessToken, binding("access_token"));
  }

  public Instant accessExpiresAt() {
    return accessExpiresAt;
  }

  public String refreshToken() {
    return SealedValue.openText(refreshToken, binding("refresh_token"));
  }

  public ConnectionState state() {
    return state;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant lastUsedAt() {
    return lastUsedAt;
  }

  public Instant refreshedAt() {
    return refreshedAt;
  }

  public long grantVersion() {
    return grantVersion;
  }

  public String refreshOwner() {
    return refreshOwner;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
