package io.mailbridge.platform.audit.entity;

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

/** One thing that happened in an org that an admin may have to account for later. */
@Entity
@Table(name = "audit_event")
public class AuditEvent {

  public static final String TABLE = "audit_event";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "occurred_at", nullable = false)
  private Instant occurredAt;

  @Column(name = "actor_user_id", length = 32)
  private String actorUserId;

  @Column(name = "action", nullable = false, length = 64)
  private String action;

  @Column(name = "subject_id", length = 32)
  private String subjectId;

  @Column(name = "outcome", nullable = false, length = 32)
  private String outcome;

  /** Words for a person; they may name a mailbox, so they are sealed like other addresses. */
  @Convert(converter = SealedValueConverter.class)
  @Column(name = "detail")
  private SealedValue detail;

  protected AuditEvent() {}

  public AuditEvent(
      String orgId,
      Instant occurredAt,
      String actorUserId,
      String action,
      String subjectId,
      String outcome,
      String detail) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.occurredAt = Objects.requireNonNull(occurredAt);
    this.actorUserId = actorUserId;
    this.action = Objects.requireNonNull(action);
    this.subjectId = subjectId;
    this.outcome = Objects.requireNonNull(outcome);
    this.detail = SealedValue.of(detail, binding());
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public Instant occurredAt() {
    return occurredAt;
  }

  public String actorUserId() {
    return actorUserId;
  }

  public String action() {
    return action;
  }

  public String subjectId() {
    return subjectId;
  }

  public String outcome() {
    return outcome;
  }

  public String detail() {
    return SealedValue.openText(detail, binding());
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "detail", orgId, id);
  }
}
