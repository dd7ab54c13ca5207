package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.microsoft.graph.models.DayOfWeek;
import com.microsoft.graph.models.PatternedRecurrence;
import com.microsoft.graph.models.RecurrencePatternType;
import com.microsoft.graph.models.RecurrenceRangeType;
import com.microsoft.graph.models.WeekIndex;
import io.mailbridge.message.RecurrenceRule;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphRecurrenceTest {

  private static final LocalDate FIRST = LocalDate.of(2026, 12, 8);

  private static PatternedRecurrence graph(String rule) {
    return GraphRecurrence.of(RecurrenceRule.parse(rule), FIRST, "Europe/Paris");
  }

  @Test
  void aWeeklyRuleIsGraphsWeeklyPatternWithANumberedRange() {
    PatternedRecurrence r = graph("RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10");
    assertEquals(RecurrencePatternType.Weekly, r.getPattern().getType());
    assertEquals(List.of(DayOfWeek.Tuesday, DayOfWeek.Thursday), r.getPattern().getDaysOfWeek());
    assertEquals(1, r.getPattern().getInterval());
    assertEquals(RecurrenceRangeType.Numbered, r.getRange().getType());
    assertEquals(10, r.getRange().getNumberOfOccurrences());
    assertEquals(FIRST, r.getRange().getStartDate());
    assertEquals("Europe/Paris", r.getRange().getRecurrenceTimeZone());
    assertEquals("RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10", GraphRecurrence.rule(r));
  }

  @Test
  void monthlyAndYearlyRulesPickAbsoluteOrRelativePatterns() {
    PatternedRecurrence relative = graph("RRULE:FREQ=MONTHLY;BYDAY=2TU");
    assertEquals(RecurrencePatternType.RelativeMonthly, relative.getPattern().getType());
    assertEquals(WeekIndex.Second, relative.getPattern().getIndex());
    assertEquals(RecurrenceRangeType.NoEnd, relative.getRange().getType());
    assertEquals("RRULE:FREQ=MONTHLY;BYDAY=2TU", GraphRecurrence.rule(relative));

    PatternedRecurrence absolute = graph("RRULE:FREQ=MONTHLY");
    assertEquals(RecurrencePatternType.AbsoluteMonthly, absolute.getPattern().getType());
    assertEquals(8, absolute.getPattern().getDayOfMonth(), "the first occurrence's day");

    PatternedRecurrence yearly = graph("RRULE:FREQ=YEARLY;BYMONTHDAY=24;BYMONTH=12;UNTIL=20301231");
    assertEquals(RecurrencePatternType.AbsoluteYearly, yearly.getPattern().getType());
    assertEquals(12, yearly.getPattern().getMonth());
    assertEquals(RecurrenceRangeType.EndDate, yearly.getRange().getType());
    assertEquals(LocalDate.of(2030, 12, 31), yearly.getRange().getEndDate());
    assertEquals(
        "RRULE:FREQ=YEARLY;BYMONTHDAY=24;BYMONTH=12;UNTIL=20301231", GraphRecurrence.rule(yearly));
  }

  @Test
  void noRecurrenceIsNoRule() {
    assertNull(GraphRecurrence.rule(null));
    assertNull(GraphRecurrence.rule(new PatternedRecurrence()));
  }
}
