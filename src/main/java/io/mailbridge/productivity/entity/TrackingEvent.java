package io.mailbridge.productivity.entity;

import io.mailbridge.platform.base.OpaqueId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/**
 * One open or click of a tracked email, appended and never changed (so two nodes recording at once
 * need no lock); machine fetches are kept, flagged with why, rather than counted as reads. No
 * address and no user agent is stored.
 */
@Entity
@Table(name = "tracking_event")
public class TrackingEvent {

  /** What the recipient's side fetched. */
  public enum Kind {
    OPEN,
    CLICK
  }

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "tracked_email_id", nullable = false, length = 32)
  private String trackedEmailId;

  @Enumerated(EnumType.STRING)
  @Column(name = "kind", nullable = false, length = 8)
  private Kind kind;

  // The link's position in the email for a click; -1 for an open.
  @Column(name = "link_index", nullable = false)
  private int linkIndex;

  // Null for a person; else why it looks like a machine (e.g. proxy_apple, scanner, too_soon).
  @Column(name = "machine_reason", length = 32)
  private String machineReason;

  @Column(name = "occurred_at", nullable = false)
  private Instant occurredAt;

  protected TrackingEvent() {}

  public TrackingEvent(
      String orgId,
      String trackedEmailId,
      Kind kind,
      int linkIndex,
      String machineReason,
      Instant occurredAt) {
    if ((kind == Kind.OPEN) != (linkIndex == -1)) {
      throw new IllegalArgumentException("a click names its link, an open none");
    }
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.trackedEmailId = Objects.requireNonNull(trackedEmailId);
    this.kind = Objects.requireNonNull(kind);
    this.linkIndex = linkIndex;
    this.machineReason = machineReason;
    this.occurredAt = Objects.requireNonNull(occurredAt);
  }

  public Kind kind() {
    return kind;
  }

  public int linkIndex() {
    return linkIndex;
  }

  public String machineReason() {
    return machineReason;
  }

  public boolean isMachine() {
    return machineReason != null;
  }

  public Instant occurredAt() {
    return occurredAt;
  }
}
