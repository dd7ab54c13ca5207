package io.mailbridge.productivity.entity;

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
 * A message a user scheduled to be sent from one of their mailboxes at a chosen time: the MIME
 * (attachments inside) sealed like every body, its Message-ID (the key that says whether it was
 * sent already), the records to log it to, and its state. The transitions live here; a {@code
 * generation} counts reschedules so that the job of an earlier time does nothing.
 */
@Entity
@Table(name = "scheduled_send")
public class ScheduledSend {

  public static final String TABLE = "scheduled_send";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "user_id", nullable = false, length = 32)
  private String userId;

  @Column(name = "mailbox_id", nullable = false, length = 32)
  private String mailboxId;

  @Column(name = "message_id", nullable = false, length = 255)
  private String messageId;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "mime", nullable = false)
  private SealedValue mime;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "subject")
  private SealedValue subject;

  @Column(name = "record_ids", nullable = false, length = 4000)
  private String recordIds;

  @Column(name = "send_at", nullable = false)
  private Instant sendAt;

  @Enumerated(EnumType.STRING)
  @Column(name = "state", nullable = false, length = 16)
  private ScheduledSendState state;

  @Column(name = "generation", nullable = false)
  private int generation;

  @Column(name = "attempts", nullable = false)
  private int attempts;

  @Column(name = "last_error", length = 500)
  private String lastError;

  @Column(name = "sent_at")
  private Instant sentAt;

  @Column(name = "activity_id", length = 32)
  private String activityId;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected ScheduledSend() {}

  public ScheduledSend(
      String orgId,
      String userId,
      String mailboxId,
      String messageId,
      byte[] mimeBytes,
      String subjectText,
      List<String> records,
      Instant sendAt,
      Instant now) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.userId = Objects.requireNonNull(userId);
    this.mailboxId = Objects.requireNonNull(mailboxId);
    this.messageId = Objects.requireNonNull(messageId);
    this.mime = SealedValue.of(mimeBytes, binding("mime"));
    this.subject = subjectText == null ? null : SealedValue.of(subjectText, binding("subject"));
    this.recordIds = String.join(",", records);
    this.sendAt = Objects.requireNonNull(sendAt);
    this.state = ScheduledSendState.SCHEDULED;
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** Moves the send to another time; only before it is sent (a failed one is scheduled again). */
  public void reschedule(Instant at, Instant now) {
    if (state != ScheduledSendState.SCHEDULED && state != ScheduledSendState.FAILED) {
      throw new IllegalStateException(state.name());
    }
    sendAt = Objects.requireNonNull(at);
    state = ScheduledSendState.SCHEDULED;
    generation++;
    attempts = 0;
    lastError = null;
    updatedAt = now;
  }

  /** Cancels the send; only while no job is sending it and it was not sent. */
  public void cancel(Instant now) {
    if (state != ScheduledSendState.SCHEDULED && state != ScheduledSendState.FAILED) {
      throw new IllegalStateException(state.name());
    }
    state = ScheduledSendState.CANCELLED;
    generation++;
    updatedAt = now;
  }

  /**
   * A job of {@code jobGeneration} takes the send to send it (again, after a node died while
   * sending); false when it is not that job's to send: rescheduled, cancelled, sent or failed.
   */
  public boolean startSending(int jobGeneration, Instant now) {
    boolean ours =
        jobGeneration == generation
            && (state == ScheduledSendState.SCHEDULED || state == ScheduledSendState.SENDING)
            && !sendAt.isAfter(now);
    if (ours) {
      state = ScheduledSendState.SENDING;
      attempts++;
      updatedAt = now;
    }
    return ours;
  }

  /** The message is in Sent Items. */
  public void sent(Instant at) {
    state = ScheduledSendState.SENT;
    sentAt = at;
    lastError = null;
    updatedAt = at;
  }

  /** An attempt failed in a way that may pass: the job tries again later. */
  public void willRetry(String reason, Instant now) {
    if (state == ScheduledSendState.SENDING) {
      state = ScheduledSendState.SCHEDULED;
    }
    lastError = shortened(reason);
    updatedAt = now;
  }

  /** Mailbridge stopped trying; the reason is shown to the user. */
  public void failed(String reason, Instant now) {
    state = ScheduledSendState.FAILED;
    lastError = shortened(reason);
    updatedAt = now;
  }

  /** The sent message was logged as this activity. */
  public void logged(String activity, Instant now) {
    activityId = activity;
    updatedAt = now;
  }

  /** The sent message could not be logged (a record was deleted meanwhile, …); it stays sent. */
  public void notLogged(String reason, Instant now) {
    lastError = shortened("Sent, but not logged: " + reason);
    updatedAt = now;
  }

  /** Whether the sent message still waits to be logged to its records. */
  public boolean awaitsLogging() {
    return state == ScheduledSendState.SENT
        && activityId == null
        && lastError == null
        && !recordIds.isEmpty();
  }

  private static String shortened(String reason) {
    String text = reason == null ? "unknown" : reason;
    return text.length() > 500 ? text.substring(0, 497) + "..." : text;
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

  public String mailboxId() {
    return mailboxId;
  }

  public String messageId() {
    return messageId;
  }

  public byte[] mime() {
    return mime.openBytes(binding("mime"));
  }

  public String subject() {
    return SealedValue.openText(subject, binding("subject"));
  }

  public List<String> recordIds() {
    return recordIds.isEmpty() ? List.of() : Arrays.asList(recordIds.split(","));
  }

  public Instant sendAt() {
    return sendAt;
  }

  public ScheduledSendState state() {
    return state;
  }

  public int generation() {
    return generation;
  }

  public int attempts() {
    return attempts;
  }

  /** Why the last attempt failed (or why the send failed), in words; null when none did. */
  public String lastError() {
    return lastError;
  }

  public Instant sentAt() {
    return sentAt;
  }

  public String activityId() {
    return activityId;
  }

  public Instant createdAt() {
    return createdAt;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
