package io.mailbridge.productivity.entity;

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
 * The booking of an offer: one row per offer at most (a unique offer id in the database), so of two
 * recipients who book at the same moment exactly one gets the row. Who booked (name and address) is
 * sealed; the meeting's id at the provider and the logged activity follow once made.
 */
@Entity
@Table(name = "availability_booking")
public class AvailabilityBooking {

  public static final String TABLE = "availability_booking";

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "offer_id", nullable = false, length = 32, unique = true)
  private String offerId;

  @Column(name = "slot_start", nullable = false)
  private Instant slotStart;

  @Column(name = "slot_end", nullable = false)
  private Instant slotEnd;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "attendee_name", nullable = false)
  private SealedValue attendeeName;

  @Convert(converter = SealedValueConverter.class)
  @Column(name = "attendee_email", nullable = false)
  private SealedValue attendeeEmail;

  @Column(name = "event_id", length = 1024)
  private String eventId;

  @Column(name = "activity_id", length = 32)
  private String activityId;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected AvailabilityBooking() {}

  public AvailabilityBooking(
      String orgId,
      String offerId,
      Instant slotStart,
      Instant slotEnd,
      String name,
      String email,
      Instant now) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.offerId = Objects.requireNonNull(offerId);
    this.slotStart = Objects.requireNonNull(slotStart);
    this.slotEnd = Objects.requireNonNull(slotEnd);
    this.attendeeName = SealedValue.of(Objects.requireNonNull(name), binding("attendee_name"));
    this.attendeeEmail = SealedValue.of(Objects.requireNonNull(email), binding("attendee_email"));
    this.createdAt = now;
  }

  /** The meeting was made at the provider and (when records matched) logged. */
  public void confirmed(String providerEventId, String loggedActivityId) {
    this.eventId = providerEventId;
    this.activityId = loggedActivityId;
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  public String offerId() {
    return offerId;
  }

  public Instant slotStart() {
    return slotStart;
  }

  public Instant slotEnd() {
    return slotEnd;
  }

  public String attendeeName() {
    return attendeeName.openText(binding("attendee_name"));
  }

  public String attendeeEmail() {
    return attendeeEmail.openText(binding("attendee_email"));
  }

  public String eventId() {
    return eventId;
  }

  public String activityId() {
    return activityId;
  }

  private RowBinding binding(String column) {
    return new RowBinding(TABLE, column, orgId, id);
  }
}
