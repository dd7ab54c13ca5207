package io.mailbridge.mailbox.ews.entity;

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

/**
 * A notification subscription Exchange opened for one captured mailbox: streaming or pull, the
 * address it impersonates (sealed), the pull watermark and the server-affinity cookie.
 */
@Entity
@Table(name = "ews_subscription")
public class EwsSubscription {

  public static final String TABLE = "ews_subscription";
  public static final String STREAMING = "streaming";
  public static final String PULL = "pull";

  @Id
  @Column(name = "id", length = 500)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "kind", nullable = false, length = 16)
  private String kind;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "address", nullable = false)
  private SealedValue address;

  @Column(name = "watermark", length = 1000)
  private String watermark;

  @Column(name = "affinity_cookie", length = 1000)
  private String affinityCookie;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected EwsSubscription() {}

  public EwsSubscription(
      String id,
      String orgId,
      String kind,
      String address,
      String watermark,
      String affinityCookie,
      Instant now) {
    this.id = Objects.requireNonNull(id, "id");
    this.orgId = Objects.requireNonNull(orgId, "orgId");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.address = SealedValue.of(Objects.requireNonNull(address, "address"), binding());
    this.watermark = watermark;
    this.affinityCookie = affinityCookie;
    this.createdAt = now;
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "address", orgId, id);
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public String kind() {
    return kind;
  }

  public String address() {
    return SealedValue.openText(address, binding());
  }

  public String watermark() {
    return watermark;
  }

  public String affinityCookie() {
    return affinityCookie;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** The watermark of the last event read (pull). */
  public void readUpTo(String watermark) {
    this.watermark = watermark;
  }

  public void affinity(String cookie) {
    this.affinityCookie = cookie;
  }
}
