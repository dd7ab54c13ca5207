package io.mailbridge.productivity.entity;

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
 * An email prepared for tracking: who prepared it, when, and (sealed) the links that were in it and
 * the records chosen for it. The click redirect only ever goes to one of these links. Once the sent
 * email is stored in the CRM, the activity it became.
 */
@Entity
@Table(name = "tracked_email")
public class TrackedEmail {

  public static final String TABLE = "tracked_email";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "user_id", nullable = false, length = 32)
  private String userId;

  @Column(name = "prepared_at", nullable = false)
  private Instant preparedAt;

  // {"links":[url, …],"recordIds":[id, …]}: the links are what the rep wrote, so they are sealed.
  @Convert(converter = SealedValueConverter.class)
  @Column(name = "data", nullable = false)
  private SealedValue data;

  @Column(name = "activity_id", length = 32)
  private String activityId;

  protected TrackedEmail() {}

  /** Its id comes first because the email's tokens, made before it is stored, carry it. */
  public TrackedEmail(String id, String orgId, String userId, Instant preparedAt, String dataJson) {
    this.id = Objects.requireNonNull(id);
    this.orgId = Objects.requireNonNull(orgId);
    this.userId = Objects.requireNonNull(userId);
    this.preparedAt = Objects.requireNonNull(preparedAt);
    this.data = SealedValue.of(Objects.requireNonNull(dataJson), binding());
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

  public Instant preparedAt() {
    return preparedAt;
  }

  /** The CRM activity the sent email was stored as, or null while none is known. */
  public String activityId() {
    return activityId;
  }

  public String dataJson() {
    return SealedValue.openText(data, binding());
  }

  private RowBinding binding() {
    return new RowBinding(TABLE, "data", orgId, id);
  }
}
