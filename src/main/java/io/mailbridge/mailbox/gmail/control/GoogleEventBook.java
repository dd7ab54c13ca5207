package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.util.Data;
import com.google.api.client.util.DateTime;
import com.google.api.services.calendar.Calendar;
import com.google.api.services.calendar.model.ConferenceData;
import com.google.api.services.calendar.model.ConferenceSolutionKey;
import com.google.api.services.calendar.model.CreateConferenceRequest;
import com.google.api.services.calendar.model.EntryPoint;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.EventAttendee;
import com.google.api.services.calendar.model.EventDateTime;
import com.google.api.services.calendar.model.Events;
import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.EventBook;
import io.mailbridge.mailbox.control.EventChangedMeanwhile;
import io.mailbridge.mailbox.control.EventFields;
import io.mailbridge.mailbox.control.EventPage;
import io.mailbridge.mailbox.control.MailEvent;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.message.EventZone;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.RecurrenceRule;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Google account's primary calendar for event sync, through Google's API client: changes through
 * {@code events.list} without {@code singleEvents} (a series is one event with its {@code
 * recurrence} lines; its changed or cancelled occurrences are listed apart, with {@code
 * recurringEventId} and {@code originalStartTime}) over the window Microsoft 365's calendar uses
 * ({@code mailbridge.sync.events.past} back, {@code mailbridge.sync.events.horizon} ahead), then
 * with the round's {@code nextSyncToken} (Google's 410 is {@link ChangePositionExpired}); writes:
 * {@code events.insert} carrying the CRM id in the event's private extended properties, {@code
 * events.patch} with {@code If-Match} (412: {@link EventChangedMeanwhile}), exceptions on the
 * instances {@code events.instances} finds by {@code originalStart}, and {@code events.delete} only
 * after reading the mark back. An all-day event goes as Google's date-only {@code start.date} and
 * {@code end.date} (the end exclusive) with its zone beside them, and a date-only event is read as
 * all-day: its dates' midnights in the zone it names, UTC when it names none.
 */
@ApplicationScoped
public class GoogleEventBook implements EventBook {

  /** The private extended property that carries the CRM event's id; contacts use the same name. */
  static final String CRM_ID_KEY = GoogleContactBook.CRM_ID_KEY;

  private static final String PROVIDER = "google_calendar";
  private static final OutboundCall LIST = new OutboundCall(PROVIDER, "sync_list_events");
  private static final OutboundCall READ = new OutboundCall(PROVIDER, "sync_read_event");
  private static final OutboundCall INSERT = new OutboundCall(PROVIDER, "sync_insert_event");
  private static final OutboundCall PATCH = new OutboundCall(PROVIDER, "sync_patch_event");
  private static final OutboundCall DELETE = new OutboundCall(PROVIDER, "sync_delete_event");
  private static final String DUPLICATE = "google_calendar_duplicate";
  private static final Set<String> RATE_LIMITS =
      Set.of("rateLimitExceeded", "userRateLimitExceeded");

  @Inject GoogleCalendar calendar;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.events.past", defaultValue = "P30D")
  Duration past;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.events.horizon", defaultValue = "P365D")
  Duration horizon;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.google.page-size", defaultValue = "1000")
  int pageSize;

  Clock clock = Clock.systemUTC();

  @Override
  public MailboxKind kind() {
    return MailboxKind.GMAIL;
  }

  @FunctionalInterface
  private interface CalendarCall<T> {
    T run() throws IOException;
  }

  /** One call to Google; its refusals as the port's exceptions. */
  private static <T> T call(CalendarCall<T> call) {
    return GmailMailbox.call(
        () -> {
          try {
            return call.run();
          } catch (HttpResponseException e) {
            throw refused(e);
          }
        });
  }

  private static RuntimeException refused(HttpResponseException e) {
    String reason = null;
    if (e instanceof GoogleJsonResponseException json
        && json.getDetails() != null
        && json.getDetails().getErrors() != null
        && !json.getDetails().getErrors().isEmpty()) {
      reason = json.getDetails().getErrors().get(0).getReason();
    }
    return switch (e.getStatusCode()) {
      case 410 ->
          new ChangePositionExpired(
              "Google no longer accepts the calendar's sync token (410 Gone); its window is read"
                  + " again");
      case 412 -> new EventChangedMeanwhile();
      case 409 ->
          new ProviderRefused(DUPLICATE, "Google already has an event with Mailbridge's id");
      case 404 -> new NotFound("Event in Google Calendar");
      case 403 ->
          reason != null && RATE_LIMITS.contains(reason)
              ? new ProviderBusy(
                  "google_calendar_busy",
                  "Google Calendar asked Mailbridge to slow down",
                  GmailMailbox.retryAfter(e.getHeaders()))
              : new ProviderRefused(
                  "google_calendar_forbidden",
                  "Google refused access to the calendar (the connection has no calendar scope,"
                      + " or the Calendar API is not enabled for the app's project)");
      default -> GmailMailbox.problemOf(e);
    };
  }

  private Calendar client(MailboxAccess mailbox, OutboundCall operation) {
    return calendar.client(mailbox, mailbox.calendarCredential(), operation);
  }

  @Override
  public EventPage changes(MailboxAccess mailbox, String stored) {
    Instant now = clock.instant();
    GoogleCalendarChanges.Position position = GoogleCalendarChanges.Position.parse(stored);
    if (position != null
        && !position.full()
        && position.pageToken() == null
        && position.until().isBefore(now.plus(horizon.dividedBy(2)))) {
      position = null; // the window's end draws near: a full round over a later window
    }
    if (position != null && !position.full() && position.syncToken() == null) {
      position = null;
    }
    GoogleCalendarChanges.Position at =
        position == null
            ? new GoogleCalendarChanges.Position(true, now.plus(horizon), null, null)
            : position;
    // Every page of a full round repeats the same window, as Google asks.
    Instant from = at.until().minus(horizon).minus(past);
    Calendar client = client(mailbox, LIST);
    Events answer =
        call(
            () -> {
              Calendar.Events.List list =
                  client
                      .events()
                      .list(GoogleCalendar.PRIMARY)
                      .setMaxResults(pageSize)
                      .setPageToken(at.pageToken());
              if (at.full()) {
                list.setTimeMin(utc(from)).setTimeMax(utc(at.until()));
              } else {
                list.setSyncToken(at.syncToken());
              }
              return list.execute();
            });
    if (answer == null) {
      throw new ProviderRefused("google_calendar_error", "Google sent an empty page of events");
    }
    // A series shows as its master and its changed occurrences: each is synced as its master.
    Map<String, MailEvent> changes = new LinkedHashMap<>();
    Map<String, Event> masters = new HashMap<>();
    List<Event> items = answer.getItems() == null ? List.of() : answer.getItems();
    for (Event e : items) {
      if (e.getRecurringEventId() == null && e.getRecurrence() != null) {
        masters.put(e.getId(), e);
      }
    }
    for (Event e : items) {
      String seriesId = e.getRecurringEventId();
      if (seriesId == null) {
        if ("cancelled".equals(e.getStatus())) {
          changes.put(e.getId(), MailEvent.gone(e.getId()));
        } else if (e.getRecurrence() == null) {
          changes.put(e.getId(), event(e, List.of()));
        } else if (!changes.containsKey(e.getId())) {
          changes.put(e.getId(), series(mailbox, e, at.until()));
        }
      } else if (!changes.containsKey(seriesId)) {
        Event master = masters.computeIfAbsent(seriesId, id -> read(mailbox, id));
        if (master != null && !"cancelled".equals(master.getStatus())) {
          changes.put(seriesId, series(mailbox, master, at.until()));
        }
      }
    }
    List<MailEvent> page = List.copyOf(changes.values());
    if (answer.getNextPageToken() != null) {
      return new EventPage(
          page,
          new GoogleCalendarChanges.Position(
                  at.full(), at.until(), at.syncToken(), answer.getNextPageToken())
              .stored(),
          false);
    }
    if (answer.getNextSyncToken() != null) {
      return new EventPage(
          page,
          new GoogleCalendarChanges.Position(false, at.until(), answer.getNextSyncToken(), null)
              .stored(),
          true);
    }
    throw new ProviderRefused(
        "google_calendar_error",
        "Google sent a page of events with neither a next page nor a sync token");
  }

  /**
   * A series master with its exceptions, read from its instances over the window. Its change key is
   * the master's etag with those of its exceptions, since an occurrence cancelled or moved in
   * Google changes the occurrence, not necessarily the master.
   */
  private MailEvent series(MailboxAccess mailbox, Event master, Instant until) {
    Exceptions found = exceptions(mailbox, master, clock.instant().minus(past), until);
    MailEvent event = event(master, found.occurrences());
    if (found.etags().isEmpty()) {
      return event;
    }
    return new MailEvent(
        event.id(),
        event.iCalUid(),
        event.etag() + "+" + digest(found.etags()),
        event.etag(),
        event.modifiedAt(),
        event.fields(),
        event.onlineMeetingUrl(),
        false);
  }

  /** A series' exceptions and the etags of the instances that carry them. */
  private record Exceptions(List<EventFields.Occurrence> occurrences, List<String> etags) {}

  private static String digest(List<String> etags) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      etags.stream()
          .sorted()
          .forEach(t -> sha.update((t + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The occurrences of a series that are not as its rule says: {@code events.instances} with {@code
   * showDeleted}, an instance cancelled, or starting or ending elsewhere than its {@code
   * originalStartTime} and the series' length put it.
   */
  private Exceptions exceptions(MailboxAccess mailbox, Event master, Instant from, Instant until) {
    if (master.getStart() == null) {
      return new Exceptions(List.of(), List.of());
    }
    ZoneId days = days(master);
    Instant start = GoogleCalendarChanges.instant(master.getStart(), days);
    Duration length =
        master.getEnd() == null
            ? Duration.ZERO
            : Duration.between(start, GoogleCalendarChanges.instant(master.getEnd(), days));
    List<EventFields.Occurrence> out = new ArrayList<>();
    List<String> etags = new ArrayList<>();
    Calendar client = client(mailbox, READ);
    String pageToken = null;
    do {
      String token = pageToken;
      Events page =
          call(
              () ->
                  client
                      .events()
                      .instances(GoogleCalendar.PRIMARY, master.getId())
                      .setShowDeleted(true)
                      .setTimeMin(utc(from))
                      .setTimeMax(utc(until))
                      .setMaxResults(pageSize)
                      .setPageToken(token)
                      .execute());
      if (page == null) {
        break;
      }
      for (Event instance : page.getItems() == null ? List.<Event>of() : page.getItems()) {
        if (instance.getOriginalStartTime() == null) {
          continue;
        }
        Instant original = GoogleCalendarChanges.instant(instance.getOriginalStartTime(), days);
        if ("cancelled".equals(instance.getStatus())) {
          out.add(new EventFields.Occurrence(original, null, null, true));
          etags.add(instance.getId() + ":" + instance.getEtag());
          continue;
        }
        if (instance.getStart() == null) {
          continue;
        }
        Instant movedStart = GoogleCalendarChanges.instant(instance.getStart(), days);
        Instant movedEnd =
            instance.getEnd() == null
                ? movedStart
                : GoogleCalendarChanges.instant(instance.getEnd(), days);
        if (!movedStart.equals(original) || !movedEnd.equals(original.plus(length))) {
          out.add(new EventFields.Occurrence(original, movedStart, movedEnd, false));
          etags.add(instance.getId() + ":" + instance.getEtag());
        }
      }
      pageToken = page.getNextPageToken();
    } while (pageToken != null);
    return new Exceptions(out, etags);
  }

  @Override
  public MailEvent create(MailboxAccess mailbox, EventFields fields, String crmId) {
    Event event = googleEvent(fields);
    // An id derived from the CRM's: a retried insert whose first answer was lost is refused as a
    // duplicate (409) instead of making a second event, and the first is read instead.
    String id = GoogleCalendar.eventId("event-sync:" + crmId);
    event.setId(id);
    event.setExtendedProperties(
        new Event.ExtendedProperties().setPrivate(Map.of(CRM_ID_KEY, crmId)));
    if (fields.online()) {
      event.setConferenceData(
          new ConferenceData()
              .setCreateRequest(
                  new CreateConferenceRequest()
                      .setRequestId(id)
                      .setConferenceSolutionKey(
                          new ConferenceSolutionKey().setType("hangoutsMeet"))));
    }
    Calendar client = client(mailbox, INSERT);
    Event created;
    try {
      created =
          call(
              () -> {
                Calendar.Events.Insert insert =
                    client.events().insert(GoogleCalendar.PRIMARY, event).setSendUpdates("all");
                if (fields.online()) {
                  insert.setConferenceDataVersion(1);
                }
                return insert.execute();
              });
    } catch (ProviderRefused duplicate) {
      if (!DUPLICATE.equals(duplicate.code())) {
        throw duplicate;
      }
      created = read(mailbox, id);
      if (created == null || !crmId.equals(mark(created))) {
        throw duplicate;
      }
    }
    if (created == null || created.getId() == null) {
      throw new ProviderRefused("google_calendar_error", "Google did not answer the new event");
    }
    return withExceptions(mailbox, created, fields, List.of());
  }

  @Override
  public MailEvent update(MailboxAccess mailbox, String eventId, String etag, EventFields fields) {
    List<EventFields.Occurrence> current = List.of();
    Instant until = clock.instant().plus(horizon);
    if (fields.recurrence() != null && !fields.exceptions().isEmpty()) {
      Event before = read(mailbox, eventId);
      if (before == null) {
        throw new NotFound("Event in Google Calendar");
      }
      current = exceptions(mailbox, before, clock.instant().minus(past), until).occurrences();
    }
    Event patch = googleEvent(fields);
    if (fields.recurrence() == null) {
      patch.setRecurrence(Data.nullOf(ArrayList.class));
    }
    Calendar client = client(mailbox, PATCH);
    Event changed =
        call(
            () -> {
              Calendar.Events.Patch request =
                  client.events().patch(GoogleCalendar.PRIMARY, eventId, patch);
              request.setSendUpdates("all");
              if (etag != null) {
                request.getRequestHeaders().setIfMatch(etag);
              }
              return request.execute();
            });
    if (changed == null) {
      throw new ProviderRefused("google_calendar_error", "Google did not answer the event");
    }
    return withExceptions(mailbox, changed, fields, current);
  }

  /**
   * Makes the series' occurrences what {@code fields} says: each exception not yet so is its
   * instance (found by {@code events.instances} with {@code originalStart}) cancelled with {@code
   * events.delete} or moved with {@code events.patch}; answers the series as it is afterwards (its
   * etag is unchanged by writes to instances, but read again so the answer carries the exceptions).
   */
  private MailEvent withExceptions(
      MailboxAccess mailbox,
      Event written,
      EventFields fields,
      List<EventFields.Occurrence> current) {
    if (written.getRecurrence() == null || written.getRecurrence().isEmpty()) {
      return event(written, List.of());
    }
    Calendar client = client(mailbox, PATCH);
    boolean changed = false;
    for (EventFields.Occurrence wanted : fields.exceptions()) {
      if (current.contains(wanted)) {
        continue;
      }
      changed = true;
      Events found =
          call(
              () ->
                  client
                      .events()
                      .instances(GoogleCalendar.PRIMARY, written.getId())
                      .setOriginalStart(wanted.originalStart().toString())
                      .execute());
      Event instance =
          found == null || found.getItems() == null || found.getItems().isEmpty()
              ? null
              : found.getItems().get(0);
      if (instance == null || "cancelled".equals(instance.getStatus())) {
        continue; // not an occurrence of the rule, or cancelled already
      }
      if (wanted.cancelled()) {
        try {
          call(
              () -> {
                client(mailbox, DELETE)
                    .events()
                    .delete(GoogleCalendar.PRIMARY, instance.getId())
                    .setSendUpdates("all")
                    .execute();
                return null;
              });
        } catch (NotFound | ChangePositionExpired gone) {
          // cancelled meanwhile (Google's 410 "deleted")
        }
      } else {
        Event moved =
            new Event()
                .setStart(time(wanted.start(), fields.timeZone(), fields.allDay()))
                .setEnd(time(wanted.end(), fields.timeZone(), fields.allDay()));
        call(
            () ->
                client
                    .events()
                    .patch(GoogleCalendar.PRIMARY, instance.getId(), moved)
                    .setSendUpdates("all")
                    .execute());
      }
    }
    Event series = changed ? read(mailbox, written.getId()) : written;
    if (series == null) {
      throw new NotFound("Event in Google Calendar");
    }
    return series(mailbox, series, clock.instant().plus(horizon));
  }

  @Override
  public Optional<String> mark(MailboxAccess mailbox, MailEvent event) {
    Event marked = read(mailbox, event.id());
    if (marked == null || "cancelled".equals(marked.getStatus())) {
      return Optional.empty();
    }
    return Optional.ofNullable(mark(marked));
  }

  @Override
  public boolean deleteIfMarked(MailboxAccess mailbox, String eventId, String crmId) {
    Event marked = read(mailbox, eventId);
    if (marked == null || "cancelled".equals(marked.getStatus()) || !crmId.equals(mark(marked))) {
      return false;
    }
    try {
      call(
          () -> {
            client(mailbox, DELETE)
                .events()
                .delete(GoogleCalendar.PRIMARY, eventId)
                .setSendUpdates("all")
                .execute();
            return null;
          });
    } catch (NotFound | ChangePositionExpired gone) {
      return false; // deleted meanwhile (Google's 410 "deleted")
    }
    return true;
  }

  /** One event; null when Google no longer has it. */
  private Event read(MailboxAccess mailbox, String id) {
    try {
      return call(() -> client(mailbox, READ).events().get(GoogleCalendar.PRIMARY, id).execute());
    } catch (NotFound | ChangePositionExpired gone) {
      return null; // 404, or Google's 410 "deleted"
    }
  }

  /** The CRM id in Mailbridge's private extended property, or null. */
  private static String mark(Event event) {
    if (event.getExtendedProperties() == null
        || event.getExtendedProperties().getPrivate() == null) {
      return null;
    }
    return event.getExtendedProperties().getPrivate().get(CRM_ID_KEY);
  }

  /** The fields sync carries, as Google's event; empty ones are cleared. */
  static Event googleEvent(EventFields fields) {
    Event event =
        new Event()
            .setSummary(orEmpty(fields.subject()))
            .setStart(time(fields.start(), fields.timeZone(), fields.allDay()))
            .setEnd(
                time(
                    fields.end() == null ? fields.start() : fields.end(),
                    fields.timeZone(),
                    fields.allDay()))
            .setLocation(orEmpty(fields.location()))
            .setDescription(orEmpty(fields.bodyText()));
    List<EventAttendee> attendees = new ArrayList<>();
    for (MailAddress address : fields.attendees()) {
      EventAttendee attendee = new EventAttendee().setEmail(address.email());
      if (address.name() != null) {
        attendee.setDisplayName(address.name());
      }
      attendees.add(attendee);
    }
    event.setAttendees(attendees);
    if (fields.recurrence() != null) {
      event.setRecurrence(List.of(RecurrenceRule.parse(fields.recurrence()).format()));
    }
    return event;
  }

  /**
   * Google's event as sync sees it; the etag is both the change key and the etag. The calendar's
   * owner among the attendees (Google lists the organizer there) and rooms are left out.
   */
  static MailEvent event(Event e, List<EventFields.Occurrence> exceptions) {
    if (e.getStart() == null) {
      throw new ProviderRefused("google_calendar_error", "Google sent an event without a start");
    }
    ZoneId days = days(e);
    Instant start = GoogleCalendarChanges.instant(e.getStart(), days);
    Instant end = e.getEnd() == null ? start : GoogleCalendarChanges.instant(e.getEnd(), days);
    List<MailAddress> attendees = new ArrayList<>();
    if (e.getAttendees() != null) {
      for (EventAttendee a : e.getAttendees()) {
        if (Boolean.TRUE.equals(a.getSelf())
            || Boolean.TRUE.equals(a.getResource())
            || a.getEmail() == null
            || a.getEmail().isBlank()) {
          continue;
        }
        attendees.add(new MailAddress(a.getEmail(), blankToNull(a.getDisplayName())));
      }
    }
    String rule = null;
    if (e.getRecurrence() != null) {
      for (String line : e.getRecurrence()) {
        if (line.startsWith("RRULE:")) {
          try {
            rule = RecurrenceRule.parse(line).format();
          } catch (IllegalArgumentException unreadable) {
            rule = null; // a rule outside what the CRM keeps: the series is carried without it
          }
        }
      }
    }
    String joinUrl = joinUrl(e);
    return new MailEvent(
        e.getId(),
        e.getICalUID(),
        e.getEtag(),
        e.getEtag(),
        e.getUpdated() == null ? null : Instant.ofEpochMilli(e.getUpdated().getValue()),
        new EventFields(
            blankToNull(e.getSummary()),
            start,
            end.isBefore(start) ? start : end,
            timeZone(e.getStart().getTimeZone()),
            blankToNull(e.getLocation()),
            blankToNull(e.getDescription()),
            attendees,
            rule,
            exceptions,
            joinUrl != null || e.getConferenceData() != null,
            e.getStart().getDate() != null),
        joinUrl,
        false);
  }

  private static String joinUrl(Event e) {
    if (e.getHangoutLink() != null && !e.getHangoutLink().isBlank()) {
      return e.getHangoutLink();
    }
    if (e.getConferenceData() != null && e.getConferenceData().getEntryPoints() != null) {
      for (EntryPoint point : e.getConferenceData().getEntryPoints()) {
        if ("video".equals(point.getEntryPointType()) && point.getUri() != null) {
          return point.getUri();
        }
      }
    }
    return null;
  }

  private static String timeZone(String zone) {
    if (zone == null
        || zone.isBlank()
        || zone.equalsIgnoreCase("UTC")
        || zone.equals("Etc/UTC")
        || zone.equals("GMT")) {
      return null;
    }
    return zone;
  }

  /**
   * A time in UTC, or an all-day event's date in its zone, named with the event's zone (Google
   * needs one for a series' rule); the other of {@code date} and {@code dateTime} is cleared, so a
   * patch turns a timed event into an all-day one and back.
   */
  private static EventDateTime time(Instant at, String zone, boolean allDay) {
    EventDateTime time = new EventDateTime().setTimeZone(zone == null ? "UTC" : zone);
    if (allDay) {
      String day = at.atZone(EventZone.of(zone)).toLocalDate().toString();
      return time.setDate(new DateTime(day)).setDateTime(Data.NULL_DATE_TIME);
    }
    return time.setDateTime(utc(at)).setDate(Data.NULL_DATE_TIME);
  }

  /** The zone of a date-only event's days: the one its start names, else UTC. */
  private static ZoneId days(Event e) {
    return EventZone.of(e.getStart() == null ? null : e.getStart().getTimeZone());
  }

  private static DateTime utc(Instant at) {
    return new DateTime(Date.from(at), TimeZone.getTimeZone("UTC"));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
