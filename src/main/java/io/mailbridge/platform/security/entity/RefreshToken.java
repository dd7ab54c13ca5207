package io.mailbridge.platform.security.entity;

import io.mailbridge.platform.base.OpaqueId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One issued refresh token, kept only as a hash. Tokens of one login form a family: using a token
 * retires it, and using a retired one revokes the whole family.
 */
@Entity
@Table(name = "refresh_token")
public class RefreshToken {

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "user_id", nullable = false, length = 32)
  private String userId;

  @Column(name = "family_id", nullable = false, length = 32)
  private String familyId;

  @Column(name = "token_hash", nullable = false, length = 64)
  private String tokenHash;

  @Column(name = "issued_at", nullable = false)
  private Instant issuedAt;

  @Column(name = "expires_at", nullable = false)
  private Instant expiresAt;

  @Column(name = "used_at")
  private Instant usedAt;

  @Column(name = "revoked_at")
  private Instant revokedAt;

  protected RefreshToken() {}

  public RefreshToken(
      String orgId,
      String userId,
      String familyId,
      String tokenHash,
      Instant issuedAt,
      Instant expiresAt) {
    this.id = OpaqueId.next();
    this.orgId = orgId;
    this.userId = userId;
    this.familyId = familyId;
    this.tokenHash = tokenHash;
    this.issuedAt = issuedAt;
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

  public String familyId() {
    return familyId;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public boolean isRetired() {
    return usedAt != null || revokedAt != null;
  }
}
