package io.mailbridge.sync.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** An org's choice of what syncs which way; an org without a row syncs nothing. */
@Entity
@Table(name = "sync_settings")
public class SyncSettings {

  @Id
  @Column(name = "org_id", length = 32)
  private String orgId;

  @Enumerated(EnumType.STRING)
  @Column(name = "contacts", nullable = false, length = 16)
  private SyncDirection contacts;

  @Enumerated(EnumType.STRING)
  @Column(name = "events", nullable = false, length = 16)
  private SyncDirection events;

  @Column(name = "include_leads", nullable = false)
  private boolean includeLeads;

  /** Every CRM record goes to every user's mailbox, not only those the user owns or follows. */
  @Column(name = "all_records", nullable = false)
  private boolean allRecords;

  @Column(name = "updated_by", nullable = false, length = 32)
  private String updatedBy;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected SyncSettings() {}

  public SyncSettings(String orgId) {
    this.orgId = Objects.requireNonNull(orgId, "orgId");
    this.contacts = SyncDirection.OFF;
    this.events = SyncDirection.OFF;
  }

  public void replace(
      SyncDirection contacts,
      SyncDirection events,
      boolean includeLeads,
      boolean allRecords,
      String updatedBy,
      Instant at) {
    this.allRecords = allRecords;
    this.contacts = Objects.requireNonNull(contacts);
    this.events = Objects.requireNonNull(events);
    this.includeLeads = includeLeads;
    this.updatedBy = Objects.requireNonNull(updatedBy);
    this.updatedAt = at;
  }

  public String orgId() {
    return orgId;
  }

  public SyncDirection contacts() {
    return contacts;
  }

  public SyncDirection events() {
    return events;
  }

  public boolean includeLeads() {
    return includeLeads;
  }

  public boolean allRecords() {
    return allRecords;
  }
}
