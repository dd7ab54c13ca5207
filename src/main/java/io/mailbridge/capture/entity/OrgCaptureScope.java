package io.mailbridge.capture.entity;

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
 * Which users of an org's Microsoft 365 tenant are captured org-wide (app-only): the admin's choice
 * (addresses or a group) as a sealed document, who made it, and when the group's members were last
 * read and with what problem.
 */
@Entity
@Table(name = "capture_org_scope")
public class OrgCaptureScope {

  public static final String TABLE = "capture_org_scope";
  private static final int MAX_PROBLEM = 500;

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Version
  @Column(name = "version", nullable = false)
  private long version;

  /** {@code {"users":[…]}} or {@code {"group":"…"}}. */
  @Convert(converter = SealedValueConverter.class)
  @Column(name = "chosen", nullable = false)
  private SealedValue chosen;

  @Column(name = "configured_by", nullable = false, length = 32)
  private String configuredBy;

  @Column(name = "members_read_at")
  private Instant membersReadAt;

  @Column(name = "problem", length = MAX_PROBLEM)
  private String problem;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected OrgCaptureScope() {}

  public OrgCaptureScope(String orgId) {
    this.id = Objects.requireNonNull(orgId, "orgId");
    this.orgId = orgId;
  }

  /** A new choice of the admin {@code by}; a group's members are read again. */
  public void chosen(String chosenJson, String by, Instant now) {
    this.chosen = SealedValue.of(Objects.requireNonNull(chosenJson), binding());
    this.configuredBy = Objects.requireNonNull(by);
    this.membersReadAt = null;
    this.problem = null;
    this.updatedAt = now;
  }

  /** The group's members were read (problem null), or could not be (problem in words). */
  public void membersRead(String why, Instant now) {
    if (why == null) {
      membersReadAt = now;
    }
    problem = why == null || why.length() <= MAX_PROBLEM ? why : why.substring(0, MAX_PROBLEM);
    updatedAt = now;
  }

  public String orgId() {
    return orgId;
  }

  public String chosenJson() {
    return SealedValue.openText(chosen, binding());
  }

  public String configuredBy() {
    return configuredBy;
  }

  public Instant membersReadAt() {
    return membersReadAt;
  }

  public String problem() {
    return problem;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "chosen", orgId, id);
  }
}
