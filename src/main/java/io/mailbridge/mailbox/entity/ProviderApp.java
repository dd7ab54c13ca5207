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

/**
 * An org's app registration at Google or Microsoft: the client that users consent to, its secret
 * (or, for Microsoft, a certificate), and which Workspace domains or Entra tenants may connect.
 */
@Entity
@Table(name = "provider_app")
public class ProviderApp {

  public static final String TABLE = "provider_app";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Enumerated(EnumType.STRING)
  @Column(name = "provider", nullable = false, length = 16)
  private MailProvider provider;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "client_id", nullable = false)
  private SealedValue clientId;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "client_secret")
  private SealedValue clientSecret;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "private_key")
  private SealedValue privateKey;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "certificate")
  private SealedValue certificate;

  /** Workspace domains (Google) or tenant ids (Microsoft), one per line; empty allows any. */
  @Convert(converter = SealedValueConverter.class)
  @Column(name = "allowed", nullable = false)
  private SealedValue allowed;

  @Column(name = "connections_blocked", nullable = false)
  private boolean connectionsBlocked;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected ProviderApp() {}

  public ProviderApp(String orgId, MailProvider provider) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.provider = Objects.requireNonNull(provider);
  }

  /** Replaces the settings; a null secret or key keeps the stored one. */
  public void update(
      String clientId,
      String clientSecret,
      String privateKeyPem,
      String certificatePem,
      List<String> allowed,
      boolean connectionsBlocked,
      Instant now) {
    this.clientId = SealedValue.of(Objects.requireNonNull(clientId), binding("client_id"));
    if (clientSecret != null) {
      this.clientSecret = SealedValue.of(clientSecret, binding("client_secret"));
      this.privateKey = null;
      this.certificate = null;
    }
    if (privateKeyPem != null) {
      this.privateKey = SealedValue.of(privateKeyPem, binding("private_key"));
      this.certificate = SealedValue.of(certificatePem, binding("certificate"));
      this.clientSecret = null;
    }
    this.allowed = SealedValue.of(String.join("\n", allowed), binding("allowed"));
    this.connectionsBlocked = connectionsBlocked;
    this.updatedAt = now;
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public MailProvider provider() {
    return provider;
  }

  public String clientId() {
    return SealedValue.openText(clientId, binding("client_id"));
  }

  public String clientSecret() {
    return SealedValue.openText(clientSecret, binding("client_secret"));
  }

  public String privateKeyPem() {
    return SealedValue.openText(privateKey, binding("private_key"));
  }

  public String certificatePem() {
    return SealedValue.openText(certificate, binding("certificate"));
  }

  public boolean hasClientSecret() {
    return clientSecret != null;
  }

  public boolean hasCertificate() {
    return certificate != null;
  }

  public List<String> allowed() {
    String text = SealedValue.openText(allowed, binding("allowed"));
    return text == null || text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
  }

  public boolean connectionsBlocked() {
    return connectionsBlocked;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
