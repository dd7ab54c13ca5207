package io.mailbridge.platform.security.entity;

import io.mailbridge.platform.base.OpaqueId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** A signed-in Outlook add-in, held by an HttpOnly cookie whose value is stored only as a hash. */
@Entity
@Table(name = "addin_session")
public class AddinSession {

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "user_id", nullable = false, length = 32)
  private String userId;

  /** The Exchange identity link that opened it; removing the link ends the session. */
  @Column(name = "identity_id", length = 32)
  private String identityId;

  /**
   * The mailbox connection (Microsoft Graph access) the sign-in that opened it made; the add-in
   * reads mail through exactly this one, whatever else the user connected.
   */
  @Column(name = "mailbox_id", length = 32)
  private String mailboxId;

  @Column(name = "token_hash", nullable = false, length = 64)
  private String tokenHash;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "expires_at", nullable = false)
  private Instant expiresAt;

  @Column(name = "revoked_at")
  private Instant revokedAt;

  protected AddinSession() {}

  public AddinSession(
      String orgId,
      String userId,
      String identityId,
      String tokenHash,
      Instant createdAt,
      Instant expiresAt) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.userId = Objects.requireNonNull(userId);
    this.identityId = identityId;
    this.tokenHash = Objects.requireNonNull(tokenHash);
    this.createdAt = createdAt;
    this.expiresAt = expiresAt;
  }

  public String id() {
    return id;
  }

  public void useMailbox(String mailboxId) {
    this.mailboxId = Objects.requireNonNull(mailboxId);
  }

  /** Null for sessions whose sign-in made no mailbox connection (Exchange on-premises). */
  public String mailboxId() {
    return mailboxId;
  }

  public String orgId() {
    return orgId;
  }

  public String userId() {
    return userId;
  }

  public boolean isValidAt(Instant now) {
    return revokedAt == null && now.isBefore(expiresAt);
  }

  public Instant expiresAt() {
    return expiresAt;
  }
}
