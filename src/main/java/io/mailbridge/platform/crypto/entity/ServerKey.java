package io.mailbridge.platform.crypto.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * Server-wide key material that belongs to no org (Mailbridge's token signing key, the login index
 * key), stored wrapped by the key-encryption key.
 */
@Entity
@Table(name = "server_key")
public class ServerKey {

  @Id
  @Column(name = "kind", length = 64)
  private String kind;

  @Column(name = "wrapped_secret", nullable = false)
  private byte[] wrappedSecret;

  @Column(name = "public_part", length = 4000)
  private String publicPart;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected ServerKey() {}

  public ServerKey(String kind, byte[] wrappedSecret, String publicPart, Instant createdAt) {
    this.kind = kind;
    this.wrappedSecret = wrappedSecret;
    this.publicPart = publicPart;
    this.createdAt = createdAt;
  }

  public String kind() {
    return kind;
  }

  public byte[] wrappedSecret() {
    return wrappedSecret;
  }

  public String publicPart() {
    return publicPart;
  }
}
