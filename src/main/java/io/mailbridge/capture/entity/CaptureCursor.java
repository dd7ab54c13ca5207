package io.mailbridge.capture.entity;

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
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Objects;

/**
 * Where capture of one mailbox stands: switched on or off, backfilling or live, the provider's
 * positions (page tokens and delta links, one set per folder, as a sealed document), how many items
 * it has seen, captured and skipped, and the health shown to people. Every capture run reads from
 * and writes back to this row, so a restart resumes exactly where the last run stopped.
 */
@Entity
@Table(name = "capture_cursor")
public class CaptureCursor {

  public static final String TABLE = "capture_cursor";
  private static final int MAX_REASON = 500;

  /** The mailbox connection's id. */
  @Id
  @Column(name = "id", length = 32)
  private String mailboxId;

  @Version
  @Column(name = "version", nullable = false)
  private long version;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "user_id", nullable = false, length = 32)
  private String userId;

  @Column(name = "provider", nullable = false, length = 16)
  private String provider;

  @Column(name = "enabled", nullable = false)
  private boolean enabled;

  @Enumerated(EnumType.STRING)
  @Column(name = "phase", nullable = false, length = 16)
  private CapturePhase phase;

  @Enumerated(EnumType.STRING)
  @Column(name = "state", nullable = false, length = 24)
  private CaptureState state;

  @Column(name = "reason", length = MAX_REASON)
  private String reason;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "positions")
  private SealedValue positions;

  @Column(name = "backfill_since")
  private Instant backfillSince;

  @Column(name = "seen", nullable = false)
  private long seen;

  @Column(name = "captured", nullable = false)
  private long captured;

  @Column(name = "skipped", nullable = false)
  private long skipped;

  @Column(name = "last_progress_at")
  private Instant lastProgressAt;

  @Column(name = "last_change_at")
  private Instant lastChangeAt;

  @Column(name = "throttled_until")
  private Instant throttledUntil;

  /** The secret Graph echoes in each notification for this mailbox (random, per cursor). */
  @Convert(converter = SealedValueConverter.class)
  @Column(name = "client_state", nullable = false)
  private SealedValue clientState;

  /** The provider's push subscription for this mailbox, when one is open. */
  @Column(name = "subscription_id", length = 200)
  private String subscriptionId;

  @Column(name = "subscription_expires_at")
  private Instant subscriptionExpiresAt;

  /** The provider's push channel on the mailbox's calendar (Google Calendar), when one is open. */
  @Column(name = "calendar_channel_id", length = 64)
  private String calendarChannelId;

  @Column(name = "calendar_resource_id", length = 200)
  private String calendarResourceId;

  @Column(name = "calendar_channel_expires_at")
  private Instant calendarChannelExpiresAt;

  @Column(name = "calendar_watch_failed_at")
  private Instant calendarWatchFailedAt;

  /** Failed runs since the last page read. */
  @Column(name = "failures", nullable = false)
  private int failures;

  /** The first sync request (notification, poll, switch) not followed by a page read yet. */
  @Column(name = "requested_since")
  private Instant requestedSince;

  /**
   * The backfill's size as the provider estimated it when the backfill started (-1: the provider
   * gives none), with the {@code seen} counter and the time at that moment: percent and ETA.
   */
  @Column(name = "backfill_total")
  private Long backfillTotal;

  @Column(name = "backfill_base")
  private Long backfillBase;

  @Column(name = "backfill_started_at")
  private Instant backfillStartedAt;

  /** Why the provider cannot push to Mailbridge (the mailbox is polled), since when. */
  @Column(name = "no_push_reason", length = MAX_REASON)
  private String noPushReason;

  @Column(name = "no_push_at")
  private Instant noPushAt;

  /** When the provider last forgot a folder's position and it was read again, and why. */
  @Column(name = "last_resync_at")
  private Instant lastResyncAt;

  @Column(name = "last_resync", length = MAX_REASON)
  private String lastResync;

  /** The provider asked for the push subscription to be renewed (Graph reauthorizationRequired). */
  @Column(name = "push_renew_due", nullable = false)
  private boolean pushRenewDue;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected CaptureCursor() {}

  public CaptureCursor(
      String mailboxId,
      String orgId,
      String userId,
      String provider,
      String clientState,
      Instant now) {
    this.mailboxId = Objects.requireNonNull(mailboxId, "mailboxId");
    this.orgId = Objects.requireNonNull(orgId, "orgId");
    this.userId = Objects.requireNonNull(userId, "userId");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.clientState =
        SealedValue.of(
            Objects.requireNonNull(clientState, "clientState"),
            new RowBinding(TABLE, "client_state", orgId, mailboxId));
    this.phase = CapturePhase.BACKFILLING;
    this.state = CaptureState.OFF;
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** Switches capture on: a fresh cursor starts its backfill from {@code since}. */
  public void switchOn(Instant since, Instant now) {
    if (!enabled && phase == CapturePhase.BACKFILLING && positions == null) {
      backfillSince = since;
    }
    if (!enabled) {
      failures = 0; // a new start: failures and waits from before are no longer evidence
      requestedSince = null;
    }
    enabled = true;
    state = running();
    reason = state == CaptureState.POLLING ? noPushReason : null;
    throttledUntil = null;
    updatedAt = now;
  }

  /** Switches capture off; positions and counters stay, so switching on again resumes. */
  public void switchOff(Instant now) {
    enabled = false;
    state = CaptureState.OFF;
    reason = null;
    throttledUntil = null;
    updatedAt = now;
  }

  /**
   * Everything captured from the mailbox was deleted: capture is off and starts from scratch (a new
   * backfill) when switched on again.
   */
  public void purged(Instant now) {
    enabled = false;
    state = CaptureState.OFF;
    phase = CapturePhase.BACKFILLING;
    positions = null;
    backfillSince = null;
    seen = 0;
    captured = 0;
    skipped = 0;
    reason = "Everything captured from this mailbox was purged";
    subscriptionId = null;
    subscriptionExpiresAt = null;
    calendarChannelId = null;
    calendarResourceId = null;
    calendarChannelExpiresAt = null;
    calendarWatchFailedAt = null;
    backfillTotal = null;
    backfillBase = null;
    backfillStartedAt = null;
    noPushReason = null;
    noPushAt = null;
    pushRenewDue = false;
    lastResyncAt = null;
    lastResync = null;
    updatedAt = now;
  }

  /**
   * The provider forgot a folder's position, which is read again from the start of its window:
   * health says so until the next time.
   */
  public void resynced(String why, Instant now) {
    lastResync = why == null || why.length() <= MAX_REASON ? why : why.substring(0, MAX_REASON);
    lastResyncAt = now;
    updatedAt = now;
  }

  public Instant lastResyncAt() {
    return lastResyncAt;
  }

  public String lastResync() {
    return lastResync;
  }

  /** One page read: counters, positions and phase move on; the health says it works. */
  public void advanced(
      String positionsJson,
      boolean live,
      long seenNow,
      long capturedNow,
      long skippedNow,
      boolean changed,
      Instant now) {
    this.positions = SealedValue.of(positionsJson, binding());
    if (live) {
      phase = CapturePhase.LIVE;
    }
    seen += seenNow;
    captured += capturedNow;
    skipped += skippedNow;
    lastProgressAt = now;
    if (changed) {
      lastChangeAt = now;
    }
    state = running();
    reason = state == CaptureState.POLLING ? noPushReason : null;
    throttledUntil = null;
    failures = 0;
    requestedSince = null;
    updatedAt = now;
  }

  /** A run failed: answers how many failed in a row since the last page read. */
  public int failedOnce(Instant now) {
    failures++;
    updatedAt = now;
    return failures;
  }

  /** A sync was asked for; the first request since the last page read is remembered. */
  public void requested(Instant now) {
    if (requestedSince == null) {
      requestedSince = now;
    }
  }

  public int failures() {
    return failures;
  }

  public Instant requestedSince() {
    return requestedSince;
  }

  /** The state of a mailbox that runs: backfilling, live, or live without push (polling). */
  private CaptureState running() {
    if (phase != CapturePhase.LIVE) {
      return CaptureState.BACKFILLING;
    }
    return noPushReason != null ? CaptureState.POLLING : CaptureState.LIVE;
  }

  /**
   * The provider cannot push changes to Mailbridge ({@code why} says why and what to do): a live
   * mailbox is {@code polling} until a subscription opens.
   */
  public void noPush(String why, Instant now) {
    noPushReason = why == null || why.length() <= MAX_REASON ? why : why.substring(0, MAX_REASON);
    noPushAt = now;
    subscriptionId = null;
    subscriptionExpiresAt = null;
    pushRenewDue = false;
    if (state == CaptureState.LIVE || state == CaptureState.POLLING) {
      state = running();
      reason = noPushReason;
    }
    updatedAt = now;
  }

  /** The provider asked for the push subscription to be renewed; the next sync does it. */
  public void renewalRequested(Instant now) {
    pushRenewDue = true;
    updatedAt = now;
  }

  /** A push channel on the calendar is open (null id: none any more). */
  public void calendarWatched(String id, String resourceId, Instant expiresAt, Instant now) {
    calendarChannelId = id;
    calendarResourceId = id == null ? null : resourceId;
    calendarChannelExpiresAt = id == null ? null : expiresAt;
    calendarWatchFailedAt = null;
    updatedAt = now;
  }

  /** Opening the calendar's channel failed now; it is tried again later, not at every sync. */
  public void calendarWatchFailed(Instant now) {
    calendarWatchFailedAt = now;
    updatedAt = now;
  }

  public String calendarChannelId() {
    return calendarChannelId;
  }

  public String calendarResourceId() {
    return calendarResourceId;
  }

  public Instant calendarChannelExpiresAt() {
    return calendarChannelExpiresAt;
  }

  public Instant calendarWatchFailedAt() {
    return calendarWatchFailedAt;
  }

  /** Whether the provider pushes anything for this mailbox: its mail or its calendar. */
  public boolean pushOpen() {
    return subscriptionId != null || calendarChannelId != null;
  }

  /** Capture stopped both channels at the provider; switched on again, it opens new ones. */
  public void pushStopped(Instant now) {
    pushRemoved(now);
    calendarWatched(null, null, null, now);
  }

  /** The provider removed the push subscription; the next sync opens a new one. */
  public void pushRemoved(Instant now) {
    subscriptionId = null;
    subscriptionExpiresAt = null;
    pushRenewDue = false;
    updatedAt = now;
  }

  /** The backfill's size as the provider estimated it now ({@code -1}: it gives none). */
  public void estimated(long total, Instant now) {
    backfillTotal = total;
    backfillBase = seen;
    backfillStartedAt = now;
    updatedAt = now;
  }

  public Long backfillTotal() {
    return backfillTotal;
  }

  public Long backfillBase() {
    return backfillBase;
  }

  public Instant backfillStartedAt() {
    return backfillStartedAt;
  }

  public String noPushReason() {
    return noPushReason;
  }

  public Instant noPushAt() {
    return noPushAt;
  }

  public boolean pushRenewDue() {
    return pushRenewDue;
  }

  /** The provider asked to wait until {@code until}. */
  public void throttled(Instant until, Instant now) {
    state = CaptureState.THROTTLED;
    throttledUntil = until;
    updatedAt = now;
  }

  /** Capture cannot go on until a person acts; {@code why} says what happened and what to do. */
  public void stopped(CaptureState stoppedState, String why, Instant now) {
    state = stoppedState;
    reason = why == null || why.length() <= MAX_REASON ? why : why.substring(0, MAX_REASON);
    updatedAt = now;
  }

  public String mailboxId() {
    return mailboxId;
  }

  public String orgId() {
    return orgId;
  }

  public String userId() {
    return userId;
  }

  public String provider() {
    return provider;
  }

  public boolean enabled() {
    return enabled;
  }

  public CapturePhase phase() {
    return phase;
  }

  public CaptureState state() {
    return state;
  }

  public String reason() {
    return reason;
  }

  /** The positions document, or null before the first page. */
  public String positionsJson() {
    return SealedValue.openText(positions, binding());
  }

  public Instant backfillSince() {
    return backfillSince;
  }

  public long seen() {
    return seen;
  }

  public long captured() {
    return captured;
  }

  public long skipped() {
    return skipped;
  }

  public Instant lastProgressAt() {
    return lastProgressAt;
  }

  public Instant lastChangeAt() {
    return lastChangeAt;
  }

  public Instant throttledUntil() {
    return throttledUntil;
  }

  public String clientState() {
    return SealedValue.openText(
        clientState, new RowBinding(TABLE, "client_state", orgId, mailboxId));
  }

  public String subscriptionId() {
    return subscriptionId;
  }

  public Instant subscriptionExpiresAt() {
    return subscriptionExpiresAt;
  }

  /** The push subscription the provider opened for this mailbox (null: none any more). */
  public void subscribed(String id, Instant expiresAt, Instant now) {
    subscriptionId = id;
    subscriptionExpiresAt = expiresAt;
    pushRenewDue = false;
    if (id != null && noPushReason != null) {
      noPushReason = null;
      noPushAt = null;
      if (state == CaptureState.POLLING) {
        state = CaptureState.LIVE;
        reason = null;
      }
    }
    updatedAt = now;
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "positions", orgId, mailboxId);
  }
}
