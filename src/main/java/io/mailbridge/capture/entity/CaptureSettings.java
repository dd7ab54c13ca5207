package io.mailbridge.capture.entity;

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
 * An org's capture settings as stored: numbers and switches plain, the address and domain lists as
 * one sealed JSON document (they name people and customers). Ranges are checked by the control.
 */
@Entity
@Table(name = "capture_settings")
public class CaptureSettings {

  public static final String TABLE = "capture_settings";

  /** The org's id: one row per org, and key rotation finds rows by an id column. */
  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "backfill_days", nullable = false)
  private int backfillDays;

  @Column(name = "retention_days", nullable = false)
  private int retentionDays;

  @Column(name = "capture_internal", nullable = false)
  private boolean captureInternal;

  @Column(name = "capture_automated", nullable = false)
  private boolean captureAutomated;

  @Column(name = "capture_unmatched", nullable = false)
  private boolean captureUnmatched;

  @Column(name = "store_attachments", nullable = false)
  private boolean storeAttachments;

  /** Whether retention keeps manually logged activities (it deletes captured ones). */
  @Column(name = "retain_logged", nullable = false)
  private boolean retainLogged = true;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "lists", nullable = false)
  private SealedValue lists;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected CaptureSettings() {}

  public CaptureSettings(String orgId) {
    this.orgId = Objects.requireNonNull(orgId, "orgId");
    this.id = orgId;
  }

  /** Replaces every setting; {@code listsJson} holds the lists and the private category. */
  public void replace(
      int backfillDays,
      int retentionDays,
      boolean captureInternal,
      boolean captureAutomated,
      boolean captureUnmatched,
      boolean storeAttachments,
      boolean retainLogged,
      String listsJson,
      Instant now) {
    this.backfillDays = backfillDays;
    this.retentionDays = retentionDays;
    this.captureInternal = captureInternal;
    this.captureAutomated = captureAutomated;
    this.captureUnmatched = captureUnmatched;
    this.storeAttachments = storeAttachments;
    this.retainLogged = retainLogged;
    this.lists = SealedValue.of(Objects.requireNonNull(listsJson, "listsJson"), binding());
    this.updatedAt = now;
  }

  public String orgId() {
    return orgId;
  }

  public int backfillDays() {
    return backfillDays;
  }

  public int retentionDays() {
    return retentionDays;
  }

  public boolean captureInternal() {
    return captureInternal;
  }

  public boolean captureAutomated() {
    return captureAutomated;
  }

  public boolean captureUnmatched() {
    return captureUnmatched;
  }

  public boolean storeAttachments() {
    return storeAttachments;
  }

  public boolean retainLogged() {
    return retainLogged;
  }

  public String listsJson() {
    return SealedValue.openText(lists, binding());
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "lists", orgId, id);
  }
}
