package io.mailbridge.productivity.entity;

import io.mailbridge.platform.base.OpaqueId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Free slots a rep offered from one of their calendars, bookable through a signed link until it
 * expires: the slots (start and end, epoch seconds), those found busy at the provider since, and
 * whether one was booked, which closes the others. Holds no detail of the calendar but the slots.
 */
@Entity
@Table(name = "availability_offer")
public class AvailabilityOffer {

  public static final String TABLE = "availability_offer";
  public static final int MAX_SLOTS = 60;

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "user_id", nullable = false, length = 32)
  private String userId;

  @Column(name = "mailbox_id", nullable = false, length = 32)
  private String mailboxId;

  @Column(name = "duration_minutes", nullable = false)
  private int durationMinutes;

  @Column(name = "time_zone", nullable = false, length = 64)
  private String timeZone;

  @Column(name = "slots", nullable = false, length = 2000)
  private String slots;

  @Column(name = "gone_slots", nullable = false, length = 2000)
  private String goneSlots;

  @Enumerated(EnumType.STRING)
  @Column(name = "state", nullable = false, length = 16)
  private AvailabilityOfferState state;

  @Column(name = "booked_start")
  private Instant bookedStart;

  @Column(name = "expires_at", nullable = false)
  private Instant expiresAt;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Version
  @Column(name = "version", nullable = false)
  private long version;

  protected AvailabilityOffer() {}

  public AvailabilityOffer(
      String orgId,
      String userId,
      String mailboxId,
      int durationMinutes,
      String timeZone,
      List<Instant[]> offered,
      Instant expiresAt,
      Instant now) {
    if (offered.isEmpty() || offered.size() > MAX_SLOTS) {
      throw new IllegalArgumentException("An offer has 1 to " + MAX_SLOTS + " slots");
    }
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.userId = Objects.requireNonNull(userId);
    this.mailboxId = Objects.requireNonNull(mailboxId);
    this.durationMinutes = durationMinutes;
    this.timeZone = Objects.requireNonNull(timeZone);
    this.slots = encode(offered);
    this.goneSlots = "";
    this.state = AvailabilityOfferState.OPEN;
    this.expiresAt = Objects.requireNonNull(expiresAt);
    this.createdAt = now;
  }

  /** The slot starting at {@code start} was found busy at the provider: no longer offered. */
  public void slotGone(Instant start) {
    Set<String> gone = new LinkedHashSet<>(split(goneSlots));
    gone.add(Long.toString(start.getEpochSecond()));
    goneSlots = String.join(",", gone);
  }

  /** A recipient booked this slot; every other slot closes with it. */
  public void booked(Instant start) {
    if (state != AvailabilityOfferState.OPEN) {
      throw new IllegalStateException(state.name());
    }
    state = AvailabilityOfferState.BOOKED;
    bookedStart = start;
  }

  /** The offered slots as start and end, in order. */
  public List<Instant[]> offered() {
    List<Instant[]> out = new ArrayList<>();
    for (String pair : split(slots)) {
      String[] se = pair.split("/");
      out.add(
          new Instant[] {
            Instant.ofEpochSecond(Long.parseLong(se[0])),
            Instant.ofEpochSecond(Long.parseLong(se[1]))
          });
    }
    return out;
  }

  /** The slots that can still be booked: none once one was booked, else those not found busy. */
  public List<Instant[]> open() {
    if (state != AvailabilityOfferState.OPEN) {
      return List.of();
    }
    Set<String> gone = new LinkedHashSet<>(split(goneSlots));
    return offered().stream()
        .filter(s -> !gone.contains(Long.toString(s[0].getEpochSecond())))
        .toList();
  }

  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  private static String encode(List<Instant[]> offered) {
    List<String> parts = new ArrayList<>();
    for (Instant[] s : offered) {
      parts.add(s[0].getEpochSecond() + "/" + s[1].getEpochSecond());
    }
    return String.join(",", parts);
  }

  private static List<String> split(String value) {
    return value == null || value.isEmpty() ? List.of() : List.of(value.split(","));
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

  public int durationMinutes() {
    return durationMinutes;
  }

  public String timeZone() {
    return timeZone;
  }

  public AvailabilityOfferState state() {
    return state;
  }

  public Instant bookedStart() {
    return bookedStart;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public Instant createdAt() {
    return createdAt;
  }
}
