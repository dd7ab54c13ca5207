package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.ews.stubs.AbsoluteMonthlyRecurrencePatternType;
import io.mailbridge.mailbox.ews.stubs.AbsoluteYearlyRecurrencePatternType;
import io.mailbridge.mailbox.ews.stubs.DailyRecurrencePatternType;
import io.mailbridge.mailbox.ews.stubs.DayOfWeekIndexType;
import io.mailbridge.mailbox.ews.stubs.DayOfWeekType;
import io.mailbridge.mailbox.ews.stubs.EndDateRecurrenceRangeType;
import io.mailbridge.mailbox.ews.stubs.MonthNamesType;
import io.mailbridge.mailbox.ews.stubs.NoEndRecurrenceRangeType;
import io.mailbridge.mailbox.ews.stubs.NumberedRecurrenceRangeType;
import io.mailbridge.mailbox.ews.stubs.RecurrenceType;
import io.mailbridge.mailbox.ews.stubs.RelativeMonthlyRecurrencePatternType;
import io.mailbridge.mailbox.ews.stubs.RelativeYearlyRecurrencePatternType;
import io.mailbridge.mailbox.ews.stubs.WeeklyRecurrencePatternType;
import io.mailbridge.message.RecurrenceRule;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeConstants;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;

/**
 * An RFC 5545 rule as EWS's {@code Recurrence} of a calendar item and back: daily, weekly, absolute
 * and relative monthly and yearly patterns; numbered, end-date and no-end ranges. Exchange reads a
 * pattern in the series' own zone ({@code StartTimeZone}); a series whose zone Windows has no id
 * for is kept in UTC, and then weekdays and days of the month move by the day the zone is ahead of
 * or behind UTC at its first start ({@code shift}). Also which occurrence of a pattern a day is
 * ({@code InstanceIndex}).
 */
final class ExchangeRecurrence {

  private static final DatatypeFactory DATATYPES = datatypes();

  private ExchangeRecurrence() {}

  /**
   * The rule as EWS's recurrence of a series whose first occurrence is on {@code firstDay} (UTC);
   * {@code shift} is that day less the first day in the series' zone (-1, 0 or 1). Null when EWS
   * cannot say the rule (a yearly rule with an interval: EWS's yearly patterns have none).
   */
  static RecurrenceType of(RecurrenceRule rule, LocalDate firstDay, int shift) {
    RecurrenceType recurrence = new RecurrenceType();
    List<DayOfWeek> days = rule.days().stream().map(d -> d.plus(shift)).toList();
    switch (rule.frequency()) {
      case DAILY -> {
        DailyRecurrencePatternType daily = new DailyRecurrencePatternType();
        daily.setInterval(rule.interval());
        recurrence.setDailyRecurrence(daily);
      }
      case WEEKLY -> {
        WeeklyRecurrencePatternType weekly = new WeeklyRecurrencePatternType();
        weekly.setInterval(rule.interval());
        List<DayOfWeek> on = days.isEmpty() ? List.of(firstDay.getDayOfWeek()) : days;
        on.forEach(d -> weekly.getDaysOfWeek().add(day(d)));
        weekly.setFirstDayOfWeek(DayOfWeekType.MONDAY);
        recurrence.setWeeklyRecurrence(weekly);
      }
      case MONTHLY -> {
        if (rule.weekIndex() != 0 && !days.isEmpty()) {
          RelativeMonthlyRecurrencePatternType monthly = new RelativeMonthlyRecurrencePatternType();
          monthly.setInterval(rule.interval());
          monthly.setDaysOfWeek(day(days.get(0)));
          monthly.setDayOfWeekIndex(index(rule.weekIndex()));
          recurrence.setRelativeMonthlyRecurrence(monthly);
        } else {
          AbsoluteMonthlyRecurrencePatternType monthly = new AbsoluteMonthlyRecurrencePatternType();
          monthly.setInterval(rule.interval());
          monthly.setDayOfMonth(dayOfMonth(rule.dayOfMonth(), firstDay, shift));
          recurrence.setAbsoluteMonthlyRecurrence(monthly);
        }
      }
      case YEARLY -> {
        if (rule.interval() != 1) {
          return null;
        }
        MonthNamesType month =
            MonthNamesType.fromValue(
                label(Month.of(rule.month() != 0 ? rule.month() : firstDay.getMonthValue())));
        if (rule.weekIndex() != 0 && !days.isEmpty()) {
          RelativeYearlyRecurrencePatternType yearly = new RelativeYearlyRecurrencePatternType();
          yearly.setDaysOfWeek(day(days.get(0)));
          yearly.setDayOfWeekIndex(index(rule.weekIndex()));
          yearly.setMonth(month);
          recurrence.setRelativeYearlyRecurrence(yearly);
        } else {
          AbsoluteYearlyRecurrencePatternType yearly = new AbsoluteYearlyRecurrencePatternType();
          yearly.setDayOfMonth(dayOfMonth(rule.dayOfMonth(), firstDay, shift));
          yearly.setMonth(month);
          recurrence.setAbsoluteYearlyRecurrence(yearly);
        }
      }
    }
    XMLGregorianCalendar start = date(firstDay);
    if (rule.count() != null) {
      NumberedRecurrenceRangeType numbered = new NumberedRecurrenceRangeType();
      numbered.setStartDate(start);
      numbered.setNumberOfOccurrences(rule.count());
      recurrence.setNumberedRecurrence(numbered);
    } else if (rule.until() != null) {
      EndDateRecurrenceRangeType until = new EndDateRecurrenceRangeType();
      until.setStartDate(start);
      until.setEndDate(date(rule.until()));
      recurrence.setEndDateRecurrence(until);
    } else {
      NoEndRecurrenceRangeType noEnd = new NoEndRecurrenceRangeType();
      noEnd.setStartDate(start);
      recurrence.setNoEndRecurrence(noEnd);
    }
    return recurrence;
  }

  /**
   * EWS's recurrence as a rule in the series' zone ({@code shift} as for {@link #of}), or null when
   * there is none or it cannot be read.
   */
  static String rule(RecurrenceType recurrence, int shift) {
    if (recurrence == null) {
      return null;
    }
    RecurrenceRule.Frequency frequency;
    int interval = 1;
    List<DayOfWeek> days = new ArrayList<>();
    int index = 0;
    int dayOfMonth = 0;
    int month = 0;
    try {
      if (recurrence.getDailyRecurrence() != null) {
        frequency = RecurrenceRule.Frequency.DAILY;
        interval = recurrence.getDailyRecurrence().getInterval();
      } else if (recurrence.getWeeklyRecurrence() != null) {
        frequency = RecurrenceRule.Frequency.WEEKLY;
        interval = recurrence.getWeeklyRecurrence().getInterval();
        for (DayOfWeekType day : recurrence.getWeeklyRecurrence().getDaysOfWeek()) {
          days.add(day(day).minus(shift));
        }
      } else if (recurrence.getAbsoluteMonthlyRecurrence() != null) {
        frequency = RecurrenceRule.Frequency.MONTHLY;
        interval = recurrence.getAbsoluteMonthlyRecurrence().getInterval();
        dayOfMonth = within(recurrence.getAbsoluteMonthlyRecurrence().getDayOfMonth() - shift);
      } else if (recurrence.getRelativeMonthlyRecurrence() != null) {
        RelativeMonthlyRecurrencePatternType monthly = recurrence.getRelativeMonthlyRecurrence();
        frequency = RecurrenceRule.Frequency.MONTHLY;
        interval = monthly.getInterval();
        days.add(day(monthly.getDaysOfWeek()).minus(shift));
        index = index(monthly.getDayOfWeekIndex());
      } else if (recurrence.getAbsoluteYearlyRecurrence() != null) {
        AbsoluteYearlyRecurrencePatternType yearly = recurrence.getAbsoluteYearlyRecurrence();
        frequency = RecurrenceRule.Frequency.YEARLY;
        dayOfMonth = within(yearly.getDayOfMonth() - shift);
        month = month(yearly.getMonth());
      } else if (recurrence.getRelativeYearlyRecurrence() != null) {
        RelativeYearlyRecurrencePatternType yearly = recurrence.getRelativeYearlyRecurrence();
        frequency = RecurrenceRule.Frequency.YEARLY;
        days.add(day(yearly.getDaysOfWeek()).minus(shift));
        index = index(yearly.getDayOfWeekIndex());
        month = month(yearly.getMonth());
      } else {
        return null;
      }
      Integer count = null;
      LocalDate until = null;
      if (recurrence.getNumberedRecurrence() != null) {
        count = recurrence.getNumberedRecurrence().getNumberOfOccurrences();
      } else if (recurrence.getEndDateRecurrence() != null) {
        until = localDate(recurrence.getEndDateRecurrence().getEndDate());
      }
      return new RecurrenceRule(
              frequency, Math.max(1, interval), days, index, dayOfMonth, month, count, until)
          .format();
    } catch (IllegalArgumentException | NullPointerException e) {
      return null; // a pattern Mailbridge cannot say as a rule (Day, Weekday, WeekendDay)
    }
  }

  /**
   * The place (1 for the first) of the occurrence that a pattern, said as {@code rule} in the
   * series' own days, puts on {@code day} of a series whose first occurrence is on or after {@code
   * firstDay}: EWS's {@code InstanceIndex}, which counts deleted occurrences too. 0 when the
   * pattern puts none on that day.
   */
  static int index(RecurrenceRule rule, LocalDate firstDay, LocalDate day) {
    if (day.isBefore(firstDay) || (rule.until() != null && day.isAfter(rule.until()))) {
      return 0;
    }
    int index = 0;
    for (LocalDate d = firstDay; !d.isAfter(day); d = d.plusDays(1)) {
      if (on(rule, firstDay, d)) {
        index++;
      }
    }
    if (!on(rule, firstDay, day) || (rule.count() != null && index > rule.count())) {
      return 0;
    }
    return index;
  }

  /** Whether the pattern puts an occurrence on {@code day} (not before {@code firstDay}). */
  private static boolean on(RecurrenceRule rule, LocalDate firstDay, LocalDate day) {
    return switch (rule.frequency()) {
      case DAILY -> ChronoUnit.DAYS.between(firstDay, day) % rule.interval() == 0;
      case WEEKLY -> {
        List<DayOfWeek> days =
            rule.days().isEmpty() ? List.of(firstDay.getDayOfWeek()) : rule.days();
        // EWS's weeks start on the FirstDayOfWeek Mailbridge writes: Monday.
        long weeks =
            ChronoUnit.WEEKS.between(firstDay.with(DayOfWeek.MONDAY), day.with(DayOfWeek.MONDAY));
        yield days.contains(day.getDayOfWeek()) && weeks % rule.interval() == 0;
      }
      case MONTHLY -> {
        long months = ChronoUnit.MONTHS.between(firstDay.withDayOfMonth(1), day.withDayOfMonth(1));
        yield months % rule.interval() == 0 && onDayOfMonth(rule, firstDay, day);
      }
      case YEARLY ->
          day.getMonthValue() == (rule.month() != 0 ? rule.month() : firstDay.getMonthValue())
              && onDayOfMonth(rule, firstDay, day);
    };
  }

  private static boolean onDayOfMonth(RecurrenceRule rule, LocalDate firstDay, LocalDate day) {
    if (rule.weekIndex() != 0 && !rule.days().isEmpty()) {
      if (day.getDayOfWeek() != rule.days().get(0)) {
        return false;
      }
      return rule.weekIndex() < 0
          ? day.plusWeeks(1).getMonth() != day.getMonth()
          : (day.getDayOfMonth() - 1) / 7 + 1 == rule.weekIndex();
    }
    int wanted = rule.dayOfMonth() != 0 ? rule.dayOfMonth() : firstDay.getDayOfMonth();
    return day.getDayOfMonth() == Math.min(wanted, day.lengthOfMonth());
  }

  private static int dayOfMonth(int wanted, LocalDate firstDay, int shift) {
    return wanted == 0 ? firstDay.getDayOfMonth() : within(wanted + shift);
  }

  private static int within(int day) {
    return Math.max(1, Math.min(31, day));
  }

  private static DayOfWeekType day(DayOfWeek day) {
    return DayOfWeekType.fromValue(label(day));
  }

  private static DayOfWeek day(DayOfWeekType day) {
    return DayOfWeek.valueOf(day.value().toUpperCase(Locale.ROOT));
  }

  private static DayOfWeekIndexType index(int index) {
    return switch (index) {
      case 1 -> DayOfWeekIndexType.FIRST;
      case 2 -> DayOfWeekIndexType.SECOND;
      case 3 -> DayOfWeekIndexType.THIRD;
      case 4 -> DayOfWeekIndexType.FOURTH;
      default -> DayOfWeekIndexType.LAST;
    };
  }

  private static int index(DayOfWeekIndexType index) {
    return switch (index) {
      case FIRST -> 1;
      case SECOND -> 2;
      case THIRD -> 3;
      case FOURTH -> 4;
      case LAST -> -1;
    };
  }

  private static int month(MonthNamesType month) {
    return Month.valueOf(month.value().toUpperCase(Locale.ROOT)).getValue();
  }

  private static String label(Enum<?> value) {
    String name = value.name();
    return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
  }

  private static XMLGregorianCalendar date(LocalDate day) {
    return DATATYPES.newXMLGregorianCalendarDate(
        day.getYear(), day.getMonthValue(), day.getDayOfMonth(), DatatypeConstants.FIELD_UNDEFINED);
  }

  /** A date of the answer as written, whatever offset Exchange appends to it. */
  static LocalDate localDate(XMLGregorianCalendar date) {
    return LocalDate.of(date.getYear(), date.getMonth(), date.getDay());
  }

  private static DatatypeFactory datatypes() {
    try {
      return DatatypeFactory.newInstance();
    } catch (DatatypeConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }
}
