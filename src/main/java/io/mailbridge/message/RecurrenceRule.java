package io.mailbridge.message;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The part of an RFC 5545 {@code RRULE} that calendars share (Graph's patternedRecurrence, Google's
 * recurrence lines): frequency, interval, weekdays (with an optional week index for monthly and
 * yearly rules), day of month, month, and an end by count or date. A rule outside that part is
 * refused rather than carried half.
 *
 * @param weekIndex for "the second Tuesday" rules: 1 to 4, -1 for the last; 0 when none
 */
public record RecurrenceRule(
    Frequency frequency,
    int interval,
    List<DayOfWeek> days,
    int weekIndex,
    int dayOfMonth,
    int month,
    Integer count,
    LocalDate until) {

  /** How often a rule repeats. */
  public enum Frequency {
    DAILY,
    WEEKLY,
    MONTHLY,
    YEARLY
  }

  private static final List<String> DAY_NAMES = List.of("MO", "TU", "WE", "TH", "FR", "SA", "SU");
  private static final DateTimeFormatter BASIC_DATE = DateTimeFormatter.BASIC_ISO_DATE;

  public RecurrenceRule {
    days = days == null ? List.of() : List.copyOf(days);
    if (interval < 1) {
      throw new IllegalArgumentException("INTERVAL must be 1 or more");
    }
    if (count != null && until != null) {
      throw new IllegalArgumentException("COUNT and UNTIL exclude each other");
    }
  }

  /**
   * Reads {@code RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10}; the {@code RRULE:} prefix is optional.
   *
   * @throws IllegalArgumentException naming what is not understood
   */
  public static RecurrenceRule parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty rule");
    }
    String body = text.strip();
    if (body.regionMatches(true, 0, "RRULE:", 0, 6)) {
      body = body.substring(6);
    }
    Map<String, String> parts = new LinkedHashMap<>();
    for (String part : body.split(";")) {
      int eq = part.indexOf('=');
      if (eq <= 0
          || parts.put(part.substring(0, eq).toUpperCase(Locale.ROOT), part.substring(eq + 1))
              != null) {
        throw new IllegalArgumentException("not NAME=VALUE pairs, each once");
      }
    }
    for (String name : parts.keySet()) {
      if (!List.of("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL", "WKST")
          .contains(name)) {
        throw new IllegalArgumentException(name + " is not supported");
      }
    }
    Frequency frequency;
    try {
      frequency = Frequency.valueOf(parts.getOrDefault("FREQ", "").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY");
    }
    int interval = number(parts.get("INTERVAL"), 1, "INTERVAL");
    List<DayOfWeek> days = new ArrayList<>();
    int index = 0;
    String byDay = parts.get("BYDAY");
    if (byDay != null) {
      for (String day : byDay.toUpperCase(Locale.ROOT).split(",")) {
        String name = day.length() >= 2 ? day.substring(day.length() - 2) : day;
        int at = DAY_NAMES.indexOf(name);
        if (at < 0) {
          throw new IllegalArgumentException("BYDAY has an unknown day");
        }
        String prefix = day.substring(0, day.length() - 2);
        if (!prefix.isEmpty()) {
          int i = number(prefix, 0, "BYDAY");
          if (i < -1 || i == 0 || i > 4 || (index != 0 && index != i)) {
            throw new IllegalArgumentException("BYDAY takes one week index: 1 to 4 or -1");
          }
          index = i;
        }
        days.add(DayOfWeek.of(at + 1));
      }
    }
    if (frequency == Frequency.WEEKLY && days.isEmpty()) {
      throw new IllegalArgumentException("a WEEKLY rule needs BYDAY");
    }
    int dayOfMonth = number(parts.get("BYMONTHDAY"), 0, "BYMONTHDAY");
    int month = number(parts.get("BYMONTH"), 0, "BYMONTH");
    if (dayOfMonth < 0 || dayOfMonth > 31 || month < 0 || month > 12) {
      throw new IllegalArgumentException("BYMONTHDAY or BYMONTH is out of range");
    }
    Integer count = parts.containsKey("COUNT") ? number(parts.get("COUNT"), 0, "COUNT") : null;
    if (count != null && count < 1) {
      throw new IllegalArgumentException("COUNT must be 1 or more");
    }
    LocalDate until = null;
    if (parts.containsKey("UNTIL")) {
      String value = parts.get("UNTIL");
      try {
        until = LocalDate.parse(value.length() >= 8 ? value.substring(0, 8) : value, BASIC_DATE);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("UNTIL is not a date");
      }
    }
    return new RecurrenceRule(frequency, interval, days, index, dayOfMonth, month, count, until);
  }

  /** The rule as one {@code RRULE:} line, its parts always in the same order. */
  public String format() {
    StringBuilder out = new StringBuilder("RRULE:FREQ=").append(frequency.name());
    if (interval != 1) {
      out.append(";INTERVAL=").append(interval);
    }
    if (!days.isEmpty()) {
      out.append(";BYDAY=");
      for (int i = 0; i < days.size(); i++) {
        out.append(i == 0 ? "" : ",")
            .append(weekIndex == 0 ? "" : String.valueOf(weekIndex))
            .append(DAY_NAMES.get(days.get(i).getValue() - 1));
      }
    }
    if (dayOfMonth != 0) {
      out.append(";BYMONTHDAY=").append(dayOfMonth);
    }
    if (month != 0) {
      out.append(";BYMONTH=").append(month);
    }
    if (count != null) {
      out.append(";COUNT=").append(count);
    }
    if (until != null) {
      out.append(";UNTIL=").append(BASIC_DATE.format(until));
    }
    return out.toString();
  }

  private static int number(String value, int absent, String name) {
    if (value == null) {
      return absent;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number");
    }
  }
}
