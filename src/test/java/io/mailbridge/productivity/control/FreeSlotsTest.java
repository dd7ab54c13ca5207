package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.mailbox.control.MailboxCalendar.BusyTime;
import io.mailbridge.productivity.control.FreeSlots.Slot;
import io.mailbridge.productivity.control.FreeSlots.WorkingHours;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreeSlotsTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

  private static List<Slot> hourly(Instant now, ZoneId zone, int days, List<BusyTime> busy) {
    return FreeSlots.compute(
        now, zone, WorkingHours.OFFICE, days, Duration.ofHours(1), Duration.ZERO, busy, 100);
  }

  private static List<Instant> starts(List<Slot> slots) {
    return slots.stream().map(Slot::start).toList();
  }

  @Test
  void nineOClockStaysNineOClockAcrossTheSpringChange() {
    // Friday 27 March 2026 (CET, UTC+1) to Monday 30 March (CEST, UTC+2): Europe moved on the 29th.
    List<Slot> slots = hourly(Instant.parse("2026-03-27T05:00:00Z"), BERLIN, 4, List.of());
    assertEquals(16, slots.size(), "eight on Friday, none at the weekend, eight on Monday");
    assertEquals(Instant.parse("2026-03-27T08:00:00Z"), slots.get(0).start());
    assertEquals(Instant.parse("2026-03-27T16:00:00Z"), slots.get(7).end());
    assertEquals(Instant.parse("2026-03-30T07:00:00Z"), slots.get(8).start());
    assertEquals(Instant.parse("2026-03-30T15:00:00Z"), slots.get(15).end());
  }

  @Test
  void nineOClockStaysNineOClockAcrossTheAutumnChange() {
    // Friday 30 October 2026 (EDT, UTC-4) to Monday 2 November (EST, UTC-5): the US moved on the
    // 1st.
    List<Slot> slots = hourly(Instant.parse("2026-10-30T12:00:00Z"), NEW_YORK, 4, List.of());
    assertEquals(Instant.parse("2026-10-30T13:00:00Z"), slots.get(0).start());
    assertEquals(Instant.parse("2026-11-02T14:00:00Z"), slots.get(8).start());
    assertEquals(Instant.parse("2026-11-02T22:00:00Z"), slots.get(15).end());
  }

  @Test
  void theSameCalendarGivesDifferentSlotsInAnotherTimeZone() {
    Instant now = Instant.parse("2026-12-01T00:00:00Z"); // Tuesday
    List<Slot> tokyo = hourly(now, TOKYO, 1, List.of());
    // In New York it is still Monday evening: Monday's hours are over, Tuesday's come next.
    List<Slot> newYork = hourly(now, NEW_YORK, 2, List.of());
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), tokyo.get(0).start());
    assertEquals(8, tokyo.size());
    assertEquals(Instant.parse("2026-12-01T14:00:00Z"), newYork.get(0).start());
    assertEquals(8, newYork.size());
  }

  @Test
  void busyTimesAndTheNoticeAreLeftOut() {
    Instant now = Instant.parse("2026-12-01T08:10:00Z"); // Tuesday, 09:10 in Berlin
    List<BusyTime> busy =
        List.of(
            new BusyTime(
                Instant.parse("2026-12-01T10:30:00Z"), Instant.parse("2026-12-01T11:15:00Z")));
    List<Slot> slots =
        FreeSlots.compute(
            now,
            BERLIN,
            WorkingHours.OFFICE,
            1,
            Duration.ofHours(1),
            Duration.ofHours(1),
            busy,
            100);
    // 09:00 and 10:00 Berlin are within the hour of notice; 11:00 and 12:00 overlap the busy time.
    assertEquals(
        List.of(
            Instant.parse("2026-12-01T12:00:00Z"),
            Instant.parse("2026-12-01T13:00:00Z"),
            Instant.parse("2026-12-01T14:00:00Z"),
            Instant.parse("2026-12-01T15:00:00Z")),
        starts(slots));
  }

  @Test
  void aWallClockTimeThatDoesNotExistIsNotOffered() {
    // New York skips 02:00-03:00 on Sunday 8 March 2026; working hours 01:00-05:00 that day.
    WorkingHours night =
        new WorkingHours(EnumSet.of(DayOfWeek.SUNDAY), LocalTime.of(1, 0), LocalTime.of(5, 0));
    List<Slot> slots =
        FreeSlots.compute(
            Instant.parse("2026-03-08T05:00:00Z"), // midnight in New York
            NEW_YORK,
            night,
            1,
            Duration.ofHours(1),
            Duration.ZERO,
            List.of(),
            100);
    // 01:00 EST (06:00Z), then 03:00 and 04:00 EDT (07:00Z, 08:00Z); 02:00 never happens.
    assertEquals(
        List.of(
            Instant.parse("2026-03-08T06:00:00Z"),
            Instant.parse("2026-03-08T07:00:00Z"),
            Instant.parse("2026-03-08T08:00:00Z")),
        starts(slots));
  }

  @Test
  void atMostTheAskedNumberOfSlots() {
    List<Slot> slots =
        FreeSlots.compute(
            Instant.parse("2026-12-01T00:00:00Z"),
            BERLIN,
            WorkingHours.OFFICE,
            14,
            Duration.ofMinutes(30),
            Duration.ZERO,
            List.of(),
            5);
    assertEquals(5, slots.size());
  }
}
