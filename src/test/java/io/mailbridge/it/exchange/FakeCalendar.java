package io.mailbridge.it.exchange;

import io.mailbridge.mailbox.ews.stubs.RecurrenceType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The fake Exchange's Calendar folders for event sync, per impersonated mailbox: calendar items
 * (single items and series masters, as SyncFolderItems lists them) with their ChangeKey (new with
 * every write), named properties and zone (a Windows id), and each calendar's change log. A series'
 * occurrences follow its daily or weekly pattern in the series' zone, as Exchange reads one; moved
 * and deleted ones are kept by their index and change the master's ChangeKey. Meetings made by
 * booking ({@code FakeExchange.meetings}) are kept apart.
 */
public final class FakeCalendar {

  /** A calendar item as the store keeps it; {@code properties} by "propertySetId|name". */
  public static final class Item {
    public final String id;
    public final String mailbox;
    public volatile String uid;
    public volatile int version = 1;
    public volatile String subject;
    public volatile String body;
    public volatile Instant start;
    public volatile Instant end;
    public volatile String location;
    public volatile List<String> attendees = List.of();
    public volatile RecurrenceType recurrence;
    public final Map<String, String> properties = new ConcurrentHashMap<>();
    public volatile Instant modified = Instant.now();

    /** The Windows id of StartTimeZone; null when the request named none (UTC). */
    public volatile String startTimeZone;

    /** {@code IsAllDayEvent}: start and end are then midnights in the item's zone. */
    public volatile boolean allDay;

    /**
     * What Exchange does to an all-day item's times (learn.microsoft.com, "Create all-day events by
     * using EWS"): a start that is not a midnight in the item's zone moves back to the midnight
     * before it, an end forward to the midnight after it.
     */
    void toMidnights() {
      if (!allDay || start == null || end == null) {
        return;
      }
      java.time.ZoneId zone = zoneOf(startTimeZone);
      start = start.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
      java.time.ZonedDateTime local = end.atZone(zone);
      java.time.LocalDate after =
          local.toLocalTime().equals(java.time.LocalTime.MIDNIGHT)
              ? local.toLocalDate()
              : local.toLocalDate().plusDays(1);
      end = after.atStartOfDay(zone).toInstant();
    }

    /** Moved occurrences by their index (1 for the first). */
    public final Map<Integer, Moved> moved = new ConcurrentHashMap<>();

    /** Indexes of deleted occurrences. */
    public final java.util.Set<Integer> deleted = ConcurrentHashMap.newKeySet();

    /** An occurrence moved from where the pattern put it. */
    public record Moved(String id, Instant start, Instant end) {}

    /**
     * Where the pattern puts occurrence {@code index} (1 for the first): the master's wall-clock
     * time on the pattern's day, in the series' zone; null past the series' end or for a pattern
     * this fake does not expand (only daily and weekly ones, numbered or without end).
     */
    public Instant occurrenceStart(int index) {
      RecurrenceType pattern = recurrence;
      if (pattern == null || index < 1 || start == null) {
        return null;
      }
      if (pattern.getNumberedRecurrence() != null
          && index > pattern.getNumberedRecurrence().getNumberOfOccurrences()) {
        return null;
      }
      java.time.ZoneId zone = zoneOf(startTimeZone);
      java.time.LocalTime time = start.atZone(zone).toLocalTime();
      java.time.LocalDate from = startDate(pattern);
      java.time.LocalDate day = null;
      if (pattern.getDailyRecurrence() != null) {
        day = from.plusDays((long) (index - 1) * pattern.getDailyRecurrence().getInterval());
      } else if (pattern.getWeeklyRecurrence() != null) {
        List<java.time.DayOfWeek> days =
            pattern.getWeeklyRecurrence().getDaysOfWeek().stream()
                .map(d -> java.time.DayOfWeek.valueOf(d.value().toUpperCase(java.util.Locale.ROOT)))
                .sorted()
                .toList();
        int interval = pattern.getWeeklyRecurrence().getInterval();
        int seen = 0;
        // Week by week from the start date's week, the pattern's days in each that are not
        // before the start date.
        for (java.time.LocalDate monday = from.with(java.time.DayOfWeek.MONDAY);
            day == null;
            monday = monday.plusWeeks(interval)) {
          for (java.time.DayOfWeek d : days) {
            java.time.LocalDate candidate = monday.with(d);
            if (!candidate.isBefore(from) && ++seen == index) {
              day = candidate;
              break;
            }
          }
        }
      } else {
        return null;
      }
      return day.atTime(time).atZone(zone).toInstant();
    }

    /** How many occurrences the series has (numbered ranges only; 0 for others). */
    int occurrences() {
      return recurrence == null || recurrence.getNumberedRecurrence() == null
          ? 0
          : recurrence.getNumberedRecurrence().getNumberOfOccurrences();
    }

    Item(String id, String mailbox) {
      this.id = id;
      this.mailbox = mailbox;
      this.uid = "040000008200E00074C5B7101A82E008" + UUID.randomUUID().toString().replace("-", "");
    }

    public String changeKey() {
      return "DwAAABYAAA" + Integer.toString(version, 36) + Integer.toHexString(id.hashCode());
    }
  }

  /** The Windows ids this fake knows, as Exchange's server does (it refuses others). */
  static final Map<String, String> ZONES =
      Map.of(
          "UTC", "UTC",
          "Romance Standard Time", "Europe/Paris",
          "W. Europe Standard Time", "Europe/Berlin",
          "GMT Standard Time", "Europe/London",
          "Pacific Standard Time", "America/Los_Angeles",
          "Eastern Standard Time", "America/New_York");

  static java.time.ZoneId zoneOf(String windowsId) {
    return java.time.ZoneId.of(windowsId == null ? "UTC" : ZONES.get(windowsId));
  }

  private static java.time.LocalDate startDate(RecurrenceType pattern) {
    javax.xml.datatype.XMLGregorianCalendar date =
        pattern.getNumberedRecurrence() != null
            ? pattern.getNumberedRecurrence().getStartDate()
            : pattern.getNoEndRecurrence() != null
                ? pattern.getNoEndRecurrence().getStartDate()
                : pattern.getEndDateRecurrence().getStartDate();
    return java.time.LocalDate.of(date.getYear(), date.getMonth(), date.getDay());
  }

  /** One entry of a calendar's change log. */
  record Change(String itemId, String kind) {}

  /** How a write told the attendees: the operation and its Send… attribute. */
  public record Notice(String operation, String itemId, String send) {}

  /** UpdateItem requests refused with ErrorIrresolvableConflict (a stale ChangeKey). */
  public final AtomicInteger irresolvableConflicts = new AtomicInteger();

  /**
   * How many calendar CreateItem requests of event sync from now on make the item and then fail
   * before answering, as when the connection drops after Exchange wrote it.
   */
  public final AtomicInteger createAnswersLost = new AtomicInteger();

  public final List<Notice> notices = new CopyOnWriteArrayList<>();

  final Map<String, Item> items = new ConcurrentHashMap<>();
  final Map<String, List<Change>> log = new ConcurrentHashMap<>();

  List<Change> logOf(String mailbox) {
    return log.computeIfAbsent(mailbox, m -> new CopyOnWriteArrayList<>());
  }

  synchronized Item create(String mailbox) {
    String id = "AAMkADevent" + UUID.randomUUID().toString().replace("-", "") + "=";
    Item item = new Item(id, mailbox);
    items.put(id, item);
    logOf(mailbox).add(new Change(id, "Create"));
    return item;
  }

  synchronized void changed(Item item) {
    item.version++;
    item.modified = Instant.now();
    logOf(item.mailbox).add(new Change(item.id, "Update"));
  }

  synchronized void delete(Item item) {
    items.remove(item.id);
    logOf(item.mailbox).add(new Change(item.id, "Delete"));
  }

  // ------------------------------------------------------------------ for the tests

  /** The items of this mailbox's calendar. */
  public List<Item> in(String mailbox) {
    return items.values().stream().filter(i -> i.mailbox.equals(mailbox)).toList();
  }

  /** The item that carries this value in the named property, or null. */
  public Item withProperty(String mailbox, String key, String value) {
    return in(mailbox).stream()
        .filter(i -> value.equals(i.properties.get(key)))
        .findFirst()
        .orElse(null);
  }

  /** A meeting a person makes in Outlook: no Mailbridge property. */
  public Item addByHand(
      String mailbox, String subject, Instant start, Instant end, List<String> attendees) {
    Item item = create(mailbox);
    item.subject = subject;
    item.body = "Agenda: " + subject;
    item.start = start;
    item.end = end;
    item.location = "Room 7";
    item.attendees = List.copyOf(attendees);
    return item;
  }

  /** A person edits an item in Outlook: a new ChangeKey and an Update in the log. */
  public void editByHand(String id, Consumer<Item> edit) {
    Item item = Objects.requireNonNull(items.get(id), id);
    synchronized (this) {
      edit.accept(item);
      changed(item);
    }
  }

  /** A weekly series a person makes in Outlook, in a zone of Windows' (no Mailbridge property). */
  public Item addSeriesByHand(
      String mailbox,
      String subject,
      Instant start,
      Instant end,
      String windowsZone,
      RecurrenceType pattern,
      List<String> attendees) {
    Item item = addByHand(mailbox, subject, start, end, attendees);
    synchronized (this) {
      item.startTimeZone = windowsZone;
      item.recurrence = pattern;
    }
    return item;
  }

  /** A person moves one occurrence of a series in Outlook. */
  public void moveOccurrenceByHand(String masterId, int index, Instant start, Instant end) {
    editByHand(
        masterId,
        i ->
            i.moved.put(
                index,
                new Item.Moved(
                    "AAMkADoccurrence" + UUID.randomUUID().toString().replace("-", "") + "=",
                    start,
                    end)));
  }

  /** A person deletes one occurrence of a series in Outlook. */
  public void deleteOccurrenceByHand(String masterId, int index) {
    editByHand(
        masterId,
        i -> {
          i.moved.remove(index);
          i.deleted.add(index);
        });
  }

  /** A person deletes an item in Outlook. */
  public void deleteByHand(String id) {
    delete(Objects.requireNonNull(items.get(id), id));
  }
}
