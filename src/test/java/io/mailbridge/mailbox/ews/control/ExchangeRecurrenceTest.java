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
  void weekdaysMoveWithTheDayTheSeriesZoneIsAheadOfUtc() {
    // Tuesday 00:30 in Paris is Monday 23:30 UTC: the series is kept in UTC, on Mondays.
    Instant start = Instant.parse("2026-12-07T23:30:00Z");
    EventFields fields =
        new EventFields(
            "Early",
            start,
            start.plusSeconds(1800),
            "Europe/Paris",
            null,
            null,
            List.of(),
            "RRULE:FREQ=WEEKLY;BYDAY=TU",
            List.of(),
            false);
    RecurrenceType recurrence = ExchangeEventBook.recurrence(fields);
    assertEquals(List.of(DayOfWeekType.MONDAY), recurrence.getWeeklyRecurrence().getDaysOfWeek());
    assertEquals("2026-12-07", recurrence.getNoEndRecurrence().getStartDate().toXMLFormat());
    assertEquals(
        "RRULE:FREQ=WEEKLY;BYDAY=TU",
        ExchangeRecurrence.rule(recurrence, ExchangeEventBook.shift(start, "Europe/Paris")));
  }
}
