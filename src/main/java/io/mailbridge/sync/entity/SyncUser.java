package io.mailbridge.sync.entity;

import io.mailbridge.platform.crypto.entity.RowBinding;
import io.mailbridge.platform.crypto.entity.SealedValue;
import io.mailbridge.platform.crypto.entity.SealedValueConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Objects;

/**
 * One user's contact and event sync: the mailbox and folder it writes to, where the mailbox's
 * change feeds stand (sealed: delta links), how far the CRM's feeds were sent, what the status page
 * shows of each kind, and the lease that keeps a second node out while one syncs.
 */
@Entity
@Table(name = "sync_user")
public class SyncUser {

  public static final String TABLE = "sync_user";

  /** Before the first run: the CRM's feed is read from its start (records before it are 0). */
  public static final long FROM_START = -1;

  /** The user's id: one row per user. */
  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Version
  @Column(name = "version", nullable = false)
  private long version;

  @Column(name = "mailbox_id", length = 32)
  private String mailboxId;

  @Column(name = "folder_id", length = 512)
  private String folderId;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "delta_link")
  private SealedValue deltaLink;

  @Column(name = "crm_seq", nullable = false)
  private long crmSeq = FROM_START;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "event_link")
  private SealedValue eventLink;

  @Column(name = "event_seq", nullable = false)
  private long eventSeq = FROM_START;

  @Column(name = "last_sync_at")
  private Instant lastSyncAt;

  @Column(name = "items_in", nullable = false)
  private long itemsIn;

  @Column(name = "items_out", nullable = false)
  private long itemsOut;

  @Column(name = "conflicts", nullable = false)
  private long conflicts;

  @Column(name = "event_last_sync_at")
  private Instant eventLastSyncAt;

  @Column(name = "event_items_in", nullable = false)
  private long eventItemsIn;

  @Column(name = "event_items_out", nullable = false)
  private long eventItemsOut;

  @Column(name = "event_conflicts", nullable = false)
  private long eventConflicts;

  /** Recent errors, newest first, as a JSON array of {@code {"at","reason"}}. */
  @Column(name = "errors", length = 4000)
  private String errors;

  @Column(name = "lease_owner", length = 64)
  private String leaseOwner;

  @Column(name = "lease_until")
  private Instant leaseUntil;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected SyncUser() {}

  public SyncUser(String orgId, String userId, Instant now) {
    this.orgId = Objects.requireNonNull(orgId, "orgId");
    this.id = Objects.requireNonNull(userId, "userId");
    this.updatedAt = now;
  }

  /** Starts over with another mailbox: its folder and feed are new. */
  public void useMailbox(String mailboxId, Instant now) {
    this.mailboxId = mailboxId;
    this.folderId = null;
    this.deltaLink = null;
    this.crmSeq = FROM_START;
    this.eventLink = null;
    this.eventSeq = FROM_START;
    this.updatedAt = now;
  }

  public void useFolder(String folderId, Instant now) {
    this.folderId = folderId;
    this.updatedAt = now;
  }

  /** Where the mailbox's feed goes on (a next or delta link), or null to read it from the start. */
  public void position(String link, Instant now) {
    this.deltaLink = link == null ? null : SealedValue.of(link, binding());
    this.updatedAt = now;
  }

  public String position() {
    return deltaLink == null ? null : SealedValue.openText(deltaLink, binding());
  }

  /** Where the calendar's feed goes on, or null to read the calendar from the start. */
  public void eventPosition(String link, Instant now) {
    this.eventLink =
        link == null ? null : SealedValue.of(link, new RowBinding(TABLE, "event_link", orgId, id));
    this.updatedAt = now;
  }

  public String eventPosition() {
    return eventLink == null
        ? null
        : SealedValue.openText(eventLink, new RowBinding(TABLE, "event_link", orgId, id));
  }

  public void eventsSentUpTo(long seq, Instant now) {
    this.eventSeq = seq;
    this.updatedAt = now;
  }

  public long eventSeq() {
    return eventSeq;
  }

  public void sentUpTo(long seq, Instant now) {
    this.crmSeq = seq;
    this.updatedAt = now;
  }

  /** Adds a step's counts to the kind's totals. */
  public void counted(SyncLink.Item item, int in, int out, int conflicts, Instant now) {
    if (item == SyncLink.Item.EVENT) {
      this.eventItemsIn += in;
      this.eventItemsOut += out;
      this.eventConflicts += conflicts;
    } else {
      this.itemsIn += in;
      this.itemsOut += out;
      this.conflicts += conflicts;
    }
    this.updatedAt = now;
  }

  /** Notes the end of a complete round of the kind. */
  public void synced(SyncLink.Item item, Instant now) {
    if (item == SyncLink.Item.EVENT) {
      this.eventLastSyncAt = now;
    } else {
      this.lastSyncAt = now;
    }
    this.updatedAt = now;
  }

  public void errors(String json, Instant now) {
    this.errors = json;
    this.updatedAt = now;
  }

  /** Gives the lease back with the run's own commit, so no one reads a state it has not written. */
  public void release() {
    this.leaseOwner = null;
    this.leaseUntil = null;
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public String mailboxId() {
    return mailboxId;
  }

  public String folderId() {
    return folderId;
  }

  public long crmSeq() {
    return crmSeq;
  }

  /** When the state last changed: a run's progress, its success or its error. */
  public Instant updatedAt() {
    return updatedAt;
  }

  /** The end of the last complete round of either kind, or null before the first. */
  public Instant lastSyncAt() {
    if (lastSyncAt == null || eventLastSyncAt == null) {
      return lastSyncAt == null ? eventLastSyncAt : lastSyncAt;
    }
    return lastSyncAt.isAfter(eventLastSyncAt) ? lastSyncAt : eventLastSyncAt;
  }

  /** The end of the kind's last complete round, or null before the first. */
  public Instant lastSyncAt(SyncLink.Item item) {
    return item == SyncLink.Item.EVENT ? eventLastSyncAt : lastSyncAt;
  }

  public long itemsIn(SyncLink.Item item) {
    return item == SyncLink.Item.EVENT ? eventItemsIn : itemsIn;
  }

  public long itemsOut(SyncLink.Item item) {
    return item == SyncLink.Item.EVENT ? eventItemsOut : itemsOut;
  }

  public long conflicts(SyncLink.Item item) {
    return item == SyncLink.Item.EVENT ? eventConflicts : conflicts;
  }

  public String errors() {
    return errors;
  }

  public String leaseOwner() {
    return leaseOwner;
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "delta_link", orgId, id);
  }
}
