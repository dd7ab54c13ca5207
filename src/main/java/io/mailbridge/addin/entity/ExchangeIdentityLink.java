package io.mailbridge.addin.entity;

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
import java.util.Objects;

/** An Exchange user linked to a CRM user, so the add-in signs in without a password. */
@Entity
@Table(name = "exchange_identity")
public class ExchangeIdentityLink {

  public static final String TABLE = "exchange_identity";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "user_id", nullable = false, length = 32)
  private String userId;

  /** Global keyed hash of the identity: a token arrives before its org is known. */
  @Column(name = "identity_index", nullable = false, length = 64)
  private String identityIndex;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "metadata_url", nullable = false)
  private SealedValue metadataUrl;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "exchange_user_id", nullable = false)
  private SealedValue exchangeUserId;

  /** The address Outlook reported when the link was made; shown to people, never trusted. */
  @Convert(converter = SealedValueConverter.class)
  @Column(name = "mailbox", nullable = false)
  private SealedValue mailbox;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "last_used_at")
  private Instant lastUsedAt;

  protected ExchangeIdentityLink() {}

  public ExchangeIdentityLink(
      String orgId,
      String userId,
      String identityIndex,
      String metadataUrl,
      String exchangeUserId,
      String mailbox,
      Instant createdAt) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.userId = Objects.requireNonNull(userId);
    this.identityIndex = Objects.requireNonNull(identityIndex);
    this.metadataUrl = SealedValue.of(Objects.requireNonNull(metadataUrl), binding("metadata_url"));
    this.exchangeUserId =
        SealedValue.of(Objects.requireNonNull(exchangeUserId), binding("exchange_user_id"));
    this.mailbox = SealedValue.of(mailbox == null ? "" : mailbox, binding("mailbox"));
    this.createdAt = createdAt;
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

  public String metadataUrl() {
    return metadataUrl.openText(binding("metadata_url"));
  }

  public String exchangeUserId() {
    return exchangeUserId.openText(binding("exchange_user_id"));
  }

  public String mailbox() {
    return mailbox.openText(binding("mailbox"));
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant lastUsedAt() {
    return lastUsedAt;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
