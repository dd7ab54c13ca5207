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
 * every write) and named properties, and each calendar's change log. Meetings made by booking
 * ({@code FakeExchange.meetings}) are kept apart.
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

    Item(String id, String mailbox) {
      this.id = id;
      this.mailbox = mailbox;
      this.uid = "040000008200E00074C5B7101A82E008" + UUID.randomUUID().toString().replace("-", "");
    }

    public String changeKey() {
      return "DwAAABYAAA" + Integer.toString(version, 36) + Integer.toHexString(id.hashCode());
    }
  }

  /** One entry of a calendar's change log. */
  record Change(String itemId, String kind) {}

  /** How a write told the attendees: the operation and its Send… attribute. */
  public record Notice(String operation, String itemId, String send) {}

  /** UpdateItem requests refused with ErrorIrresolvableConflict (a stale ChangeKey). */
  public final AtomicInteger irresolvableConflicts = new AtomicInteger();

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

  /** A person deletes an item in Outlook. */
  public void deleteByHand(String id) {
    delete(Objects.requireNonNull(items.get(id), id));
  }
}
