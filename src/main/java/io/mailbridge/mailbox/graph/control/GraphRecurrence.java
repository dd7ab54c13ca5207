package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.models.PatternedRecurrence;
import com.microsoft.graph.models.RecurrencePattern;
import com.microsoft.graph.models.RecurrencePatternType;
import com.microsoft.graph.models.RecurrenceRange;
import com.microsoft.graph.models.RecurrenceRangeType;
import com.microsoft.graph.models.WeekIndex;
import io.mailbridge.message.RecurrenceRule;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Graph's {@code patternedRecurrence} (learn.microsoft.com/graph/api/resources/patternedrecurrence:
 * a {@code recurrencePattern} of type daily, weekly, absoluteMonthly, relativeMonthly,
 * absoluteYearly or relativeYearly, and a {@code recurrenceRange} of type endDate, noEnd or
 * numbered that always names its startDate) to and from an RFC 5545 rule.
 */
final class GraphRecurrence {

  private GraphRecurrence() {}

  /** The rule as Graph's recurrence of a series whose first occurrence is on {@code firstDay}. */
  static PatternedRecurrence of(RecurrenceRule rule, LocalDate firstDay, String timeZone) {
    RecurrencePattern pattern = new RecurrencePattern();
    pattern.setInterval(rule.interval());
    switch (rule.frequency()) {
      case DAILY -> pattern.setType(RecurrencePatternType.Daily);
      case WEEKLY -> {
        pattern.setType(RecurrencePatternType.Weekly);
        pattern.setDaysOfWeek(days(rule.days()));
        pattern.setFirstDayOfWeek(com.microsoft.graph.models.DayOfWeek.Monday);
      }
      case MONTHLY -> {
        if (rule.weekIndex() != 0 && !rule.days().isEmpty()) {
          pattern.setType(RecurrencePatternType.RelativeMonthly);
          pattern.setDaysOfWeek(days(rule.days()));
          pattern.setIndex(index(rule.weekIndex()));
        } else {
          pattern.setType(RecurrencePatternType.AbsoluteMonthly);
          pattern.setDayOfMonth(
              rule.dayOfMonth() != 0 ? rule.dayOfMonth() : firstDay.getDayOfMonth());
        }
      }
      case YEARLY -> {
        pattern.setMonth(rule.month() != 0 ? rule.month() : firstDay.getMonthValue());
        if (rule.weekIndex() != 0 && !rule.days().isEmpty()) {
          pattern.setType(RecurrencePatternType.RelativeYearly);
          pattern.setDaysOfWeek(days(rule.days()));
          pattern.setIndex(index(rule.weekIndex()));
        } else {
          pattern.setType(RecurrencePatternType.AbsoluteYearly);
          pattern.setDayOfMonth(
              rule.dayOfMonth() != 0 ? rule.dayOfMonth() : firstDay.getDayOfMonth());
        }
      }
    }
    RecurrenceRange range = new RecurrenceRange();
    range.setStartDate(firstDay);
    range.setRecurrenceTimeZone(timeZone);
    if (rule.count() != null) {
      range.setType(RecurrenceRangeType.Numbered);
      range.setNumberOfOccurrences(rule.count());
    } else if (rule.until() != null) {
      range.setType(RecurrenceRangeType.EndDate);
      range.setEndDate(rule.until());
    } else {
      range.setType(RecurrenceRangeType.NoEnd);
    }
    PatternedRecurrence recurrence = new PatternedRecurrence();
    recurrence.setPattern(pattern);
    recurrence.setRange(range);
    return recurrence;
  }

  /** Graph's recurrence as a rule, or null when there is none or it cannot be read. */
  static String rule(PatternedRecurrence recurrence) {
    if (recurrence == null
        || recurrence.getPattern() == null
        || recurrence.getPattern().getType() == null) {
      return null;
    }
    RecurrencePattern p = recurrence.getPattern();
    int interval = p.getInterval() == null || p.getInterval() < 1 ? 1 : p.getInterval();
    List<DayOfWeek> days = new ArrayList<>();
    if (p.getDaysOfWeek() != null) {
      for (com.microsoft.graph.models.DayOfWeek d : p.getDaysOfWeek()) {
        days.add(DayOfWeek.valueOf(d.getValue().toUpperCase(Locale.ROOT)));
      }
    }
    int index = p.getIndex() == null ? 1 : index(p.getIndex());
    int dayOfMonth = p.getDayOfMonth() == null ? 0 : p.getDayOfMonth();
    int month = p.getMonth() == null ? 0 : p.getMonth();
    RecurrenceRule.Frequency frequency;
    switch (p.getType()) {
      case Daily -> {
        frequency = RecurrenceRule.Frequency.DAILY;
        days = List.of();
        index = 0;
        dayOfMonth = 0;
        month = 0;
      }
      case Weekly -> {
        frequency = RecurrenceRule.Frequency.WEEKLY;
        index = 0;
        dayOfMonth = 0;
        month = 0;
      }
      case AbsoluteMonthly -> {
        frequency = RecurrenceRule.Frequency.MONTHLY;
        days = List.of();
        index = 0;
        month = 0;
      }
      case RelativeMonthly -> {
        frequency = RecurrenceRule.Frequency.MONTHLY;
        dayOfMonth = 0;
        month = 0;
      }
      case AbsoluteYearly -> {
        frequency = RecurrenceRule.Frequency.YEARLY;
        days = List.of();
        index = 0;
      }
      case RelativeYearly -> {
        frequency = RecurrenceRule.Frequency.YEARLY;
        dayOfMonth = 0;
      }
      default -> {
        return null;
      }
    }
    Integer count = null;
    LocalDate until = null;
    RecurrenceRange range = recurrence.getRange();
    if (range != null && range.getType() == RecurrenceRangeType.Numbered) {
      count = range.getNumberOfOccurrences();
    } else if (range != null && range.getType() == RecurrenceRangeType.EndDate) {
      until = range.getEndDate();
    }
    try {
      return new RecurrenceRule(frequency, interval, days, index, dayOfMonth, month, count, until)
          .format();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static List<com.microsoft.graph.models.DayOfWeek> days(List<DayOfWeek> days) {
    return days.stream()
        .map(d -> com.microsoft.graph.models.DayOfWeek.forValue(d.name().toLowerCase(Locale.ROOT)))
        .toList();
  }

  private static WeekIndex index(int index) {
    return switch (index) {
      case 1 -> WeekIndex.First;
      case 2 -> WeekIndex.Second;
      case 3 -> WeekIndex.Third;
      case 4 -> WeekIndex.Fourth;
      default -> WeekIndex.Last;
    };
  }

  private static int index(WeekIndex index) {
    return switch (index) {
      case First -> 1;
      case Second -> 2;
      case Third -> 3;
      case Fourth -> 4;
      case Last -> -1;
    };
  }
}
