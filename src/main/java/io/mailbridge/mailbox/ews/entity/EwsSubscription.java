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
 * A notification subscription Exchange opened for one captured mailbox: streaming, pull or push,
 * the address it impersonates (sealed), the pull watermark, the server-affinity cookie and, for
 * push, the hash of its callback token, its status frequency and when Exchange last posted for it.
 */
@Entity
@Table(name = "ews_subscription")
public class EwsSubscription {

  public static final String TABLE = "ews_subscription";
  public static final String STREAMING = "streaming";
  public static final String PULL = "pull";
  public static final String PUSH = "push";

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

  /** Hex SHA-256 of the push callback's token; the token itself is kept nowhere. */
  @Column(name = "push_token_hash", length = 64)
  private String pushTokenHash;

  @Column(name = "status_minutes")
  private Integer statusMinutes;

  @Column(name = "last_seen_at")
  private Instant lastSeenAt;

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

  /** Makes this a push subscription: its token's hash and the StatusFrequency asked for. */
  public void pushedTo(String tokenHash, int statusMinutes) {
    this.pushTokenHash = Objects.requireNonNull(tokenHash, "tokenHash");
    this.statusMinutes = statusMinutes;
  }

  public String pushTokenHash() {
    return pushTokenHash;
  }

  /** The StatusFrequency (minutes) of a push subscription; null for the other kinds. */
  public Integer statusMinutes() {
    return statusMinutes;
  }

  /** When Exchange last posted a notification or a status event for it; null before the first. */
  public Instant lastSeenAt() {
    return lastSeenAt;
  }

  public void seen(Instant at) {
    this.lastSeenAt = at;
  }
}
