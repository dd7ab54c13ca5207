package io.mailbridge.capture.entity;

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

/**
 * A mailbox of the org captured org-wide without its user connecting it: a user of the org's
 * Microsoft 365 tenant read with the app's token ({@code provider} "graph", {@code
 * /users/{graphUser}}), of its Google Workspace read with the service account's delegation
 * ("gmail", {@code sub} = graphUser), or of its Exchange server read by the service account
 * impersonating the address ("ews"); whether a group brought it in, and whether it is still on the
 * list. Its capture cursor has the same id.
 */
@Entity
@Table(name = "capture_org_mailbox")
public class OrgMailbox {

  public static final String TABLE = "capture_org_mailbox";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  /** Keyed hash of the address, so listing the same user again finds the row. */
  @Column(name = "address_index", nullable = false, length = 64)
  private String addressIndex;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "address", nullable = false)
  private SealedValue address;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "graph_user", nullable = false)
  private SealedValue graphUser;

  /** {@code MailboxKind.provider()} of the reader: "graph", "gmail" or "ews". */
  @Column(name = "provider", nullable = false, length = 16)
  private String provider;

  @Column(name = "via_group", nullable = false)
  private boolean viaGroup;

  @Column(name = "active", nullable = false)
  private boolean active;

  /** Whom captured activities name as their owner: the admin who listed the user. */
  @Column(name = "owner_user_id", nullable = false, length = 32)
  private String ownerUserId;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected OrgMailbox() {}

  public OrgMailbox(
      String orgId, String provider, String addressIndex, String address, Instant now) {
    this.id = OpaqueId.next();
    this.provider = Objects.requireNonNull(provider, "provider");
    this.orgId = Objects.requireNonNull(orgId, "orgId");
    this.addressIndex = Objects.requireNonNull(addressIndex, "addressIndex");
    this.address = SealedValue.of(Objects.requireNonNull(address), binding("address"));
    this.createdAt = now;
    this.updatedAt = now;
  }

  /**
   * On the list (again): read as {@code graphUser} (Graph's user id or name; EWS: the address
   * impersonated), brought in by a group or not.
   */
  public void listed(String graphUser, boolean viaGroup, String ownerUserId, Instant now) {
    this.graphUser = SealedValue.of(Objects.requireNonNull(graphUser), binding("graph_user"));
    this.viaGroup = viaGroup;
    this.ownerUserId = Objects.requireNonNull(ownerUserId);
    this.active = true;
    this.updatedAt = now;
  }

  /** Off the list: capture stops at once. */
  public void unlisted(Instant now) {
    active = false;
    updatedAt = now;
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public String address() {
    return SealedValue.openText(address, binding("address"));
  }

  public String graphUser() {
    return SealedValue.openText(graphUser, binding("graph_user"));
  }

  public String provider() {
    return provider;
  }

  public boolean viaGroup() {
    return viaGroup;
  }

  public boolean active() {
    return active;
  }

  public String ownerUserId() {
    return ownerUserId;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
