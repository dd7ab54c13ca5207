package io.mailbridge.crm.entity;

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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * An email, event or task on the CRM's timelines. Everything it says (subject, participants,
 * bodies) is one sealed JSON document; only its time, whether an event is all-day and a keyed hash
 * of its identity are plain.
 */
@Entity
@Table(name = "activity")
public class Activity {

  public static final String TABLE = "activity";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Enumerated(EnumType.STRING)
  @Column(name = "type", nullable = false, length = 8)
  private ActivityType type;

  @Column(name = "message_key", length = 40)
  private String messageKey;

  @Column(name = "occurred_at", nullable = false)
  private Instant occurredAt;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "data", nullable = false)
  private SealedValue data;

  @Column(name = "created_by", length = 32)
  private String createdBy;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  /** The event's number in its org's change feed (0: never written since the feed began). */
  @Column(name = "change_seq", nullable = false)
  private long changeSeq;

  /** An event that covers whole days (its times are midnights in its zone). */
  @Column(name = "all_day", nullable = false)
  private boolean allDay;

  protected Activity() {}

  public Activity(
      String orgId,
      ActivityType type,
      String messageKey,
      Instant occurredAt,
      String json,
      String createdBy,
      Instant createdAt) {
    this(
        orgId,
        type,
        messageKey,
        occurredAt,
        Objects.requireNonNull(json).getBytes(StandardCharsets.UTF_8),
        createdBy,
        createdAt);
  }

  /**
   * An activity whose JSON document is already UTF-8 (an email's, written straight as bytes), so
   * its bodies are not encoded a second time.
   */
  public Activity(
      String orgId,
      ActivityType type,
      String messageKey,
      Instant occurredAt,
      byte[] utf8Json,
      String createdBy,
      Instant createdAt) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.type = Objects.requireNonNull(type);
    this.messageKey = messageKey;
    this.occurredAt = Objects.requireNonNull(occurredAt);
    this.data = SealedValue.of(ActivityDocument.pack(Objects.requireNonNull(utf8Json)), binding());
    this.createdBy = createdBy;
    this.createdAt = createdAt;
  }

  /** A newer version of the same event (moved, renamed): its document and time change. */
  public void revise(String json, Instant newOccurredAt) {
    this.data = SealedValue.of(ActivityDocument.pack(Objects.requireNonNull(json)), binding());
    this.occurredAt = Objects.requireNonNull(newOccurredAt);
  }

  /** Takes the next number of its org's change feed: event sync sends what changed after one. */
  public void changed(long seq) {
    this.changeSeq = seq;
  }

  /**
   * Names the event by its iCalendar UID once a calendar gave it one, so that capture finds this
   * activity when it meets the meeting in a calendar.
   */
  public void rekey(String messageKey) {
    this.messageKey = Objects.requireNonNull(messageKey);
  }

  /** Marks an event all-day or timed, as its latest version says. */
  public void allDay(boolean allDay) {
    this.allDay = allDay;
  }

  public boolean allDay() {
    return allDay;
  }

  public long changeSeq() {
    return changeSeq;
  }

  public String messageKey() {
    return messageKey;
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public ActivityType type() {
    return type;
  }

  public Instant occurredAt() {
    return occurredAt;
  }

  public String json() {
    return data == null ? null : ActivityDocument.unpack(data.openBytes(binding()));
  }

  public String createdBy() {
    return createdBy;
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "data", orgId, id);
  }
}
