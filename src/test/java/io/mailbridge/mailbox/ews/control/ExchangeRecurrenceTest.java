package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mailbridge.mailbox.control.EventFields;
import io.mailbridge.mailbox.ews.stubs.DayOfWeekIndexType;
import io.mailbridge.mailbox.ews.stubs.DayOfWeekType;
import io.mailbridge.mailbox.ews.stubs.MonthNamesType;
import io.mailbridge.mailbox.ews.stubs.RecurrenceType;
import io.mailbridge.message.RecurrenceRule;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeRecurrenceTest {

  private static RecurrenceType of(String rule, LocalDate firstDay, int shift) {
    return ExchangeRecurrence.of(RecurrenceRule.parse(rule), firstDay, shift);
  }

  @Test
  void aWeeklyRuleIsEwsWeeklyRecurrenceAndComesBackTheSame() {
    String rule = "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10";
    RecurrenceType recurrence = of(rule, LocalDate.of(2026, 12, 1), 0);
    assertEquals(1, recurrence.getWeeklyRecurrence().getInterval());
    assertEquals(
        List.of(DayOfWeekType.TUESDAY, DayOfWeekType.THURSDAY),
        recurrence.getWeeklyRecurrence().getDaysOfWeek());
    assertEquals(10, recurrence.getNumberedRecurrence().getNumberOfOccurrences());
    assertEquals("2026-12-01", recurrence.getNumberedRecurrence().getStartDate().toXMLFormat());
    assertEquals(rule, ExchangeRecurrence.rule(recurrence, 0));
  }

  @Test
  void dailyMonthlyAndYearlyRulesGoAndComeBack() {
    LocalDate first = LocalDate.of(2026, 12, 8);
    for (String rule :
        List.of(
            "RRULE:FREQ=DAILY;INTERVAL=2;UNTIL=20270131",
            "RRULE:FREQ=MONTHLY;BYMONTHDAY=8",
            "RRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU;COUNT=4",
            "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=8",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1FR")) {
      String normalized = RecurrenceRule.parse(rule).format();
      assertEquals(normalized, ExchangeRecurrence.rule(of(rule, first, 0), 0), rule);
    }
    RecurrenceType relative = of("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1FR", first, 0);
    assertEquals(
        DayOfWeekIndexType.LAST, relative.getRelativeYearlyRecurrence().getDayOfWeekIndex());
    assertEquals(MonthNamesType.MARCH, relative.getRelativeYearlyRecurrence().getMonth());
  }

  @Test
  void aYearlyRuleWithAnIntervalCannotBeSaid() {
    assertNull(of("RRULE:FREQ=YEARLY;INTERVAL=2", LocalDate.of(2026, 12, 8), 0));
  }

  @Test
  void aSeriesInAZoneWindowsKnowsKeepsItsOwnWeekdaysAndStartDate() {
    // Tuesday 00:30 in Paris is Monday 23:30 UTC; Exchange reads the pattern in Paris' zone.
    Instant start = Instant.parse("2026-12-07T23:30:00Z");
    RecurrenceType recurrence =
        ExchangeEventBook.recurrence(series(start, "Europe/Paris", "RRULE:FREQ=WEEKLY;BYDAY=TU"));
    assertEquals(List.of(DayOfWeekType.TUESDAY), recurrence.getWeeklyRecurrence().getDaysOfWeek());
    assertEquals("2026-12-08", recurrence.getNoEndRecurrence().getStartDate().toXMLFormat());
    assertEquals("RRULE:FREQ=WEEKLY;BYDAY=TU", ExchangeRecurrence.rule(recurrence, 0));
  }

  @Test
  void weekdaysMoveWithTheDayASeriesZoneWindowsDoesNotKnowIsBehindUtc() {
    // CLDR 42 has no Windows zone for Ciudad Juárez: the series goes in UTC, as before.
    // Monday 23:30 there (UTC-7) is Tuesday 06:30 UTC.
    Instant start = Instant.parse("2026-12-08T06:30:00Z");
    String zone = "America/Ciudad_Juarez";
    RecurrenceType recurrence =
        ExchangeEventBook.recurrence(series(start, zone, "RRULE:FREQ=WEEKLY;BYDAY=MO"));
    assertEquals(List.of(DayOfWeekType.TUESDAY), recurrence.getWeeklyRecurrence().getDaysOfWeek());
    assertEquals("2026-12-08", recurrence.getNoEndRecurrence().getStartDate().toXMLFormat());
    assertEquals(
        "RRULE:FREQ=WEEKLY;BYDAY=MO",
        ExchangeRecurrence.rule(recurrence, ExchangeEventBook.shift(start, zone)));
    assertEquals("UTC", ExchangeEventBook.zone(zone).getId());
  }

  @Test
  void theInstanceIndexCountsThePatternsOccurrencesFromTheFirst() {
    LocalDate first = LocalDate.of(2027, 3, 16); // a Tuesday
    RecurrenceRule weekly = RecurrenceRule.parse("RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6");
    assertEquals(1, ExchangeRecurrence.index(weekly, first, first));
    assertEquals(2, ExchangeRecurrence.index(weekly, first, LocalDate.of(2027, 3, 18)));
    assertEquals(5, ExchangeRecurrence.index(weekly, first, LocalDate.of(2027, 3, 30)));
    assertEquals(0, ExchangeRecurrence.index(weekly, first, LocalDate.of(2027, 3, 17)), "a Wed");
    assertEquals(0, ExchangeRecurrence.index(weekly, first, LocalDate.of(2027, 4, 6)), "past 6");
    assertEquals(0, ExchangeRecurrence.index(weekly, first, LocalDate.of(2027, 3, 9)), "before");
    RecurrenceRule fortnightly = RecurrenceRule.parse("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU");
    assertEquals(2, ExchangeRecurrence.index(fortnightly, first, LocalDate.of(2027, 3, 30)));
    assertEquals(0, ExchangeRecurrence.index(fortnightly, first, LocalDate.of(2027, 3, 23)));
    RecurrenceRule secondTuesday = RecurrenceRule.parse("RRULE:FREQ=MONTHLY;BYDAY=2TU");
    assertEquals(
        3,
        ExchangeRecurrence.index(
            secondTuesday, LocalDate.of(2027, 1, 12), LocalDate.of(2027, 3, 9)));
    RecurrenceRule lastDay = RecurrenceRule.parse("RRULE:FREQ=MONTHLY;BYMONTHDAY=31");
    assertEquals(
        2,
        ExchangeRecurrence.index(lastDay, LocalDate.of(2027, 1, 31), LocalDate.of(2027, 2, 28)),
        "the last day of a shorter month");
    RecurrenceRule daily = RecurrenceRule.parse("RRULE:FREQ=DAILY;INTERVAL=3;UNTIL=20270401");
    assertEquals(4, ExchangeRecurrence.index(daily, first, LocalDate.of(2027, 3, 25)));
    assertEquals(0, ExchangeRecurrence.index(daily, first, LocalDate.of(2027, 4, 3)));
  }

  private static EventFields series(Instant start, String zone, String rule) {
    return new EventFields(
        "Early",
        start,
        start.plusSeconds(1800),
        zone,
        null,
        null,
        List.of(),
        rule,
        List.of(),
        false,
        false);
  }
}
