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
import java.util.Objects;

/**
 * An authorization a user started: its {@code state} and the browser that started it are kept as
 * hashes, the PKCE verifier and the OpenID nonce sealed. It is used once, before it expires.
 */
@Entity
@Table(name = "oauth_state")
public class OAuthState {

  public static final String TABLE = "oauth_state";

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

  @Enumerated(EnumType.STRING)
  @Column(name = "purpose", nullable = false, length = 16)
  private AuthorizationPurpose purpose;

  @Column(name = "state_hash", nullable = false, length = 64)
  private String stateHash;

  @Column(name = "browser_hash", nullable = false, length = 64)
  private String browserHash;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "code_verifier", nullable = false)
  private SealedValue codeVerifier;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "nonce", nullable = false)
  private SealedValue nonce;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "expires_at", nullable = false)
  private Instant expiresAt;

  @Column(name = "used_at")
  private Instant usedAt;

  protected OAuthState() {}

  public OAuthState(
      String orgId,
      String userId,
      MailProvider provider,
      AuthorizationPurpose purpose,
      String stateHash,
      String browserHash,
      String codeVerifier,
      String nonce,
      Instant createdAt,
      Instant expiresAt) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.userId = Objects.requireNonNull(userId);
    this.provider = Objects.requireNonNull(provider);
    this.purpose = Objects.requireNonNull(purpose);
    this.stateHash = Objects.requireNonNull(stateHash);
    this.browserHash = Objects.requireNonNull(browserHash);
    this.codeVerifier = SealedValue.of(codeVerifier, binding("code_verifier"));
    this.nonce = SealedValue.of(nonce, binding("nonce"));
    this.createdAt = createdAt;
    this.expiresAt = expiresAt;
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

  public String browserHash() {
    return browserHash;
  }

  public String codeVerifier() {
    return codeVerifier.openText(binding("code_verifier"));
  }

  public String nonce() {
    return nonce.openText(binding("nonce"));
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public Instant usedAt() {
    return usedAt;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
