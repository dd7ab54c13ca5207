package io.mailbridge.productivity.control;

import io.mailbridge.mailbox.control.MailboxCalendar.BusyTime;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Free slots of a calendar: back-to-back slots of the wanted length inside the working hours of
 * each working day, on the wall clock of the rep's time zone (so 09:00 stays 09:00 across a
 * daylight-saving change), later than a minimum notice, and overlapping no busy time.
 */
public final class FreeSlots {

  private FreeSlots() {}

  /** A slot offered for booking. */
  public record Slot(Instant start, Instant end) {
    public Slot {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException("A slot must end after it starts");
      }
    }

    boolean overlaps(Instant otherStart, Instant otherEnd) {
      return start.isBefore(otherEnd) && otherStart.isBefore(end);
    }
  }

  /** The rep's working week: days, and the hours of each on the wall clock. */
  public record WorkingHours(Set<DayOfWeek> days, LocalTime start, LocalTime end) {
    public static final WorkingHours OFFICE =
        new WorkingHours(
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
            LocalTime.of(9, 0),
            LocalTime.of(17, 0));

    public WorkingHours {
      days = days == null || days.isEmpty() ? Set.of() : EnumSet.copyOf(days);
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException("Working hours must end after they start");
      }
    }
  }

  /**
   * The free slots from the day of {@code now} (in {@code zone}) over {@code days} calendar days,
   * the first at least {@code notice} after {@code now}, at most {@code max} of them.
   */
  public static List<Slot> compute(
      Instant now,
      ZoneId zone,
      WorkingHours hours,
      int days,
      Duration length,
      Duration notice,
      List<BusyTime> busy,
      int max) {
    Instant earliest = now.plus(notice);
    List<Slot> slots = new ArrayList<>();
    LocalDate first = now.atZone(zone).toLocalDate();
    for (int d = 0; d < days && slots.size() < max; d++) {
      LocalDate day = first.plusDays(d);
      if (!hours.days().contains(day.getDayOfWeek())) {
        continue;
      }
      // Wall-clock times of the day; each converts to an instant with that day's offset.
      ZonedDateTime dayEnd = ZonedDateTime.of(day, hours.end(), zone);
      for (LocalTime at = hours.start(); slots.size() < max; at = at.plus(length)) {
        ZonedDateTime start = ZonedDateTime.of(day, at, zone);
        ZonedDateTime end = start.plus(length);
        if (!start.toLocalTime().equals(at)) {
          // The clock skipped this time (spring forward): no meeting starts at an hour that is not.
          if (at.plus(length).isBefore(at)) {
            break;
          }
          continue;
        }
        if (end.isAfter(dayEnd) || !end.toLocalDate().equals(day)) {
          break;
        }
        Slot slot = new Slot(start.toInstant(), end.toInstant());
        if (!slot.start().isBefore(earliest) && isFree(slot, busy)) {
          slots.add(slot);
        }
        if (at.plus(length).isBefore(at)) {
          break; // the clock went round midnight
        }
      }
    }
    return slots;
  }

  static boolean isFree(Slot slot, List<BusyTime> busy) {
    for (BusyTime b : busy) {
      if (slot.overlaps(b.start(), b.end())) {
        return false;
      }
    }
    return true;
  }
}
