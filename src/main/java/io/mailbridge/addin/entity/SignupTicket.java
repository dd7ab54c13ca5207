package io.mailbridge.addin.entity;

import io.mailbridge.platform.base.OpaqueId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A verified Exchange identity waiting to be linked to a CRM user: single use, short-lived, the
 * ticket stored as a hash and the identity sealed with a server key (its org is not known yet).
 */
@Entity
@Table(name = "signup_ticket")
public class SignupTicket {

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "ticket_hash", nullable = false, length = 64)
  private String ticketHash;

  @Column(name = "sealed_identity", nullable = false)
  private byte[] sealedIdentity;

  @Column(name = "candidate_orgs", nullable = false, length = 4000)
  private String candidateOrgs;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "expires_at", nullable = false)
  private Instant expiresAt;

  @Column(name = "used_at")
  private Instant usedAt;

  protected SignupTicket() {}

  public SignupTicket(
      String ticketHash,
      byte[] sealedIdentity,
      Set<String> candidateOrgs,
      Instant createdAt,
      Instant expiresAt) {
    this.id = OpaqueId.next();
    this.ticketHash = ticketHash;
    this.sealedIdentity = sealedIdentity.clone();
    this.candidateOrgs = String.join(",", candidateOrgs);
    this.createdAt = createdAt;
    this.expiresAt = expiresAt;
  }

  public String id() {
    return id;
  }

  public String ticketHash() {
    return ticketHash;
  }

  public byte[] sealedIdentity() {
    return sealedIdentity.clone();
  }

  public Set<String> candidateOrgs() {
    return new LinkedHashSet<>(Arrays.asList(candidateOrgs.split(",")));
  }

  public boolean isOpenAt(Instant now) {
    return usedAt == null && now.isBefore(expiresAt);
  }
}
