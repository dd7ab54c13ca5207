package io.mailbridge.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecurrenceRuleTest {

  @Test
  void readsTheSharedPartOfAnRruleAndWritesItInOneOrder() {
    RecurrenceRule rule = RecurrenceRule.parse("rrule:COUNT=10;BYDAY=TU,TH;FREQ=WEEKLY;INTERVAL=2");
    assertEquals(RecurrenceRule.Frequency.WEEKLY, rule.frequency());
    assertEquals(2, rule.interval());
    assertEquals(List.of(DayOfWeek.TUESDAY, DayOfWeek.THURSDAY), rule.days());
    assertEquals(10, rule.count());
    assertEquals("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=10", rule.format());
  }

  @Test
  void aWeekIndexAndAnEndDateSurviveTheRoundTrip() {
    RecurrenceRule rule =
        RecurrenceRule.parse("RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270630T235959Z");
    assertEquals(-1, rule.weekIndex());
    assertEquals(LocalDate.of(2027, 6, 30), rule.until());
    assertEquals("RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270630", rule.format());
    assertEquals(rule, RecurrenceRule.parse(rule.format()));
  }

  @Test
  void refusesWhatItWouldCarryOnlyHalf() {
    for (String bad :
        List.of(
            "",
            "RRULE:FREQ=HOURLY",
            "RRULE:FREQ=WEEKLY",
            "RRULE:FREQ=DAILY;BYSETPOS=1",
            "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20270101",
            "RRULE:FREQ=DAILY;INTERVAL=0",
            "RRULE:FREQ=MONTHLY;BYDAY=1MO,2TU",
            "RRULE:FREQ=DAILY;FREQ=WEEKLY",
            "RRULE:FREQ=MONTHLY;BYMONTHDAY=40")) {
      assertThrows(IllegalArgumentException.class, () -> RecurrenceRule.parse(bad), bad);
    }
  }
}
