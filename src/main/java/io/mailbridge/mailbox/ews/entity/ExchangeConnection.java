package io.mailbridge.mailbox.ews.entity;

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
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An org's connection to its Exchange server: where EWS is (or the address autodiscover starts
 * from), the service account and its sealed password, the CAs it trusts and which users are
 * captured. One per org.
 */
@Entity
@Table(name = ExchangeConnection.TABLE)
public class ExchangeConnection {

  public static final String TABLE = "exchange_connection";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "ews_url", length = 2000)
  private String ewsUrl;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "autodiscover_email")
  private SealedValue autodiscoverEmail;

  @Column(name = "auth", nullable = false, length = 8)
  private String auth;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "username", nullable = false)
  private SealedValue username;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "password")
  private SealedValue password;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "account_domain")
  private SealedValue domain;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "ca_bundle")
  private SealedValue caBundle;

  @Column(name = "users_linked", nullable = false)
  private boolean usersLinked;

  /** The captured addresses, one per line, when not {@code usersLinked}. */
  @Convert(converter = SealedValueConverter.class)
  @Column(name = "captured_users")
  private SealedValue users;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected ExchangeConnection() {}

  public ExchangeConnection(String orgId) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
  }

  /** Replaces the settings; a null password keeps the stored one. */
  public void update(
      String ewsUrl,
      String autodiscoverEmail,
      String auth,
      String username,
      String password,
      String domain,
      String caBundlePem,
      List<String> users,
      Instant now) {
    this.ewsUrl = ewsUrl;
    this.autodiscoverEmail = SealedValue.of(autodiscoverEmail, binding("autodiscover_email"));
    this.auth = Objects.requireNonNull(auth);
    this.username = SealedValue.of(Objects.requireNonNull(username), binding("username"));
    if (password != null) {
      this.password = SealedValue.of(password, binding("password"));
    }
    this.domain = SealedValue.of(domain, binding("account_domain"));
    this.caBundle =
        caBundlePem == null || caBundlePem.isEmpty()
            ? null
            : SealedValue.of(caBundlePem, binding("ca_bundle"));
    this.usersLinked = users == null;
    this.users =
        users == null ? null : SealedValue.of(String.join("\n", users), binding("captured_users"));
    this.updatedAt = now;
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public String ewsUrl() {
    return ewsUrl;
  }

  public String autodiscoverEmail() {
    return SealedValue.openText(autodiscoverEmail, binding("autodiscover_email"));
  }

  public String auth() {
    return auth;
  }

  public String username() {
    return SealedValue.openText(username, binding("username"));
  }

  public String password() {
    return SealedValue.openText(password, binding("password"));
  }

  public boolean hasPassword() {
    return password != null;
  }

  public String domain() {
    return SealedValue.openText(domain, binding("account_domain"));
  }

  public String caBundlePem() {
    return SealedValue.openText(caBundle, binding("ca_bundle"));
  }

  /** The captured addresses, or null when all users linked to CRM users are captured. */
  public List<String> users() {
    if (usersLinked) {
      return null;
    }
    String text = SealedValue.openText(users, binding("captured_users"));
    return text == null || text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
