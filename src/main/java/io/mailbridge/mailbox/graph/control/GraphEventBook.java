package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.models.Attendee;
import com.microsoft.graph.models.AttendeeType;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.EventType;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.Location;
import com.microsoft.graph.models.OnlineMeetingProviderType;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.calendarview.delta.DeltaGetResponse;
import com.microsoft.graph.users.item.calendarview.delta.DeltaRequestBuilder;
import com.microsoft.graph.users.item.events.EventsRequestBuilder;
import com.microsoft.kiota.ApiException;
import io.mailbridge.mailbox.control.EventBook;
import io.mailbridge.mailbox.control.EventChangedMeanwhile;
import io.mailbridge.mailbox.control.EventFields;
import io.mailbridge.mailbox.control.EventPage;
import io.mailbridge.mailbox.control.MailEvent;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.message.EventZone;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.RecurrenceRule;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Microsoft 365 mailbox's primary calendar for event sync over Graph: changes through {@code
 * calendarView/delta} over a window from {@code mailbridge.sync.events.past} ago to {@code
 * mailbridge.sync.events.horizon} ahead (Graph's 410 is {@code ChangePositionExpired}), an
 * occurrence or exception of a series read as its series master ({@code GET /me/events/{id}});
 * writes: {@code POST /me/events} carrying the CRM id in a single-value extended property, {@code
 * PATCH} with {@code If-Match} (412: {@code EventChangedMeanwhile}), and a {@code DELETE} only
 * after reading that property back. Times go out in the event's time zone and come back in UTC
 * ({@code Prefer: outlook.timezone}); bodies as text ({@code Prefer: outlook.body-content-type}).
 * An all-day event goes as {@code isAllDay} with midnights in its zone, as Graph requires, and
 * comes back with the midnights of its days whatever zone was asked for.
 */
@ApplicationScoped
public class GraphEventBook implements EventBook {

  static final String CRM_ID_PROPERTY = GraphContactBook.CRM_ID_PROPERTY;
  static final String TEXT_BODY = "outlook.body-content-type=\"text\"";
  static final String UTC_TIMES = "outlook.timezone=\"" + GraphCalendar.UTC + "\"";

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  /**
   * What sync reads of a series master, with the cancelled occurrences Graph gives only when named.
   */
  static final String[] MASTER_FIELDS = {
    "id",
    "iCalUId",
    "changeKey",
    "lastModifiedDateTime",
    "subject",
    "body",
    "start",
    "end",
    "isAllDay",
    "originalStartTimeZone",
    "location",
    "attendees",
    "recurrence",
    "isOnlineMeeting",
    "onlineMeeting",
    "onlineMeetingUrl",
    "type",
    "cancelledOccurrences"
  };

  @Inject GraphMailbox graph;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.events.past", defaultValue = "P30D")
  Duration past;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.events.horizon", defaultValue = "P365D")
  Duration horizon;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.graph.page-size", defaultValue = "100")
  int pageSize;

  Clock clock = Clock.systemUTC();

  @Override
  public MailboxKind kind() {
    return MailboxKind.GRAPH;
  }

  @Override
  public EventPage changes(MailboxAccess mailbox, String position) {
    Instant now = clock.instant();
    // The window's end is kept before the link: a round that ends with less than half the
    // horizon ahead starts again over a later window (pairs keep it from doubling anything).
    String link = null;
    Instant until = now.plus(horizon);
    if (position != null) {
      int bar = position.indexOf('|');
      try {
        Instant stored = Instant.parse(position.substring(0, Math.max(bar, 0)));
        boolean delta = position.startsWith("d", bar + 1);
        if (!(delta && stored.isBefore(now.plus(horizon.dividedBy(2))))) {
          until = stored;
          link = position.substring(bar + 3);
        }
      } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
        link = null; // not one of ours: a full round
      }
    }
    GraphServiceClient client = graph.client(mailbox.credential());
    DeltaRequestBuilder delta =
        link == null
            ? GraphMailbox.mailboxOf(client, mailbox.appUser()).calendarView().delta()
            : GraphMailbox.mailboxOf(client, mailbox.appUser())
                .calendarView()
                .delta()
                .withUrl(link);
    boolean first = link == null;
    Instant from = now.minus(past);
    Instant to = until;
    DeltaGetResponse answer =
        graph.call(
            () ->
                delta.get(
                    c -> {
                      if (first) {
                        c.queryParameters.startDateTime =
                            DateTimeFormatter.ISO_INSTANT.format(from);
                        c.queryParameters.endDateTime = DateTimeFormatter.ISO_INSTANT.format(to);
                      }
                      c.headers.add("Prefer", GraphChangeFeed.IMMUTABLE_IDS);
                      c.headers.add("Prefer", "odata.maxpagesize=" + pageSize);
                      c.headers.add("Prefer", UTC_TIMES);
                      c.headers.add("Prefer", TEXT_BODY);
                      c.options.addAll(graph.options(GraphOperation.CALENDAR_DELTA));
                    }));
    if (answer == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph sent an empty calendar delta page");
    }
    // A series shows as its occurrences and exceptions: each page reads its master once.
    Map<String, MailEvent> changes = new LinkedHashMap<>();
    Map<String, Event> masters = new HashMap<>();
    for (Event event : answer.getValue() == null ? List.<Event>of() : answer.getValue()) {
      if (event.getAdditionalData().containsKey("@removed")) {
        changes.putIfAbsent(event.getId(), MailEvent.gone(event.getId()));
      } else if (event.getSeriesMasterId() != null
          && (event.getType() == EventType.Occurrence || event.getType() == EventType.Exception)) {
        Event master =
            masters.computeIfAbsent(
                event.getSeriesMasterId(), id -> read(client, mailbox, id, false));
        if (master != null) {
          changes.put(master.getId(), event(master));
        }
      } else {
        changes.put(event.getId(), event(event));
      }
    }
    if (answer.getOdataNextLink() != null) {
      return new EventPage(
          List.copyOf(changes.values()), until + "|n|" + answer.getOdataNextLink(), false);
    }
    if (answer.getOdataDeltaLink() != null) {
      return new EventPage(
          List.copyOf(changes.values()), until + "|d|" + answer.getOdataDeltaLink(), true);
    }
    throw new ProviderRefused(
        "graph_error", "Microsoft Graph sent a calendar delta page without a next or delta link");
  }

  @Override
  public MailEvent create(MailboxAccess mailbox, EventFields fields, String crmId) {
    Event event = graphEvent(fields);
    if (fields.online()) {
      event.setIsOnlineMeeting(true);
      event.setOnlineMeetingProvider(OnlineMeetingProviderType.TeamsForBusiness);
    }
    SingleValueLegacyExtendedProperty mark = new SingleValueLegacyExtendedProperty();
    mark.setId(CRM_ID_PROPERTY);
    mark.setValue(crmId);
    event.setSingleValueExtendedProperties(List.of(mark));
    // Graph answers a second POST with the same transactionId with the first event: a create
    // retried after its answer was lost makes no second event.
    event.setTransactionId(transactionId(mailbox, crmId));
    GraphServiceClient client = graph.client(mailbox.credential());
    Event created =
        graph.call(
            () ->
                events(client, mailbox)
                    .post(
                        event,
                        c -> {
                          c.headers.add("Prefer", GraphChangeFeed.IMMUTABLE_IDS);
                          c.headers.add("Prefer", UTC_TIMES);
                          c.headers.add("Prefer", TEXT_BODY);
                          // Repeated by the job, not the SDK: the transactionId makes that safe.
                          c.options.addAll(graph.onceOnly(GraphOperation.WRITE_EVENT));
                        }));
    if (created == null || created.getId() == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph did not answer the new event");
    }
    return withExceptions(client, mailbox, created, fields, List.of());
  }

  /**
   * Makes the series' occurrences what {@code fields} says: each exception not yet so is its
   * occurrence moved ({@code PATCH} of the instance's start and end) or cancelled ({@code DELETE}
   * of the instance), the instance found among {@code GET /events/{id}/instances} by its {@code
   * originalStart}; answers the series as it is afterwards. A cancelled occurrence is not brought
   * back, nor a moved one put back (Graph has no call for that short of changing the rule).
   */
  private MailEvent withExceptions(
      GraphServiceClient client,
      MailboxAccess mailbox,
      Event written,
      EventFields fields,
      List<EventFields.Occurrence> current) {
    if (fields.recurrence() == null || fields.exceptions().isEmpty()) {
      return event(written);
    }
    boolean changed = false;
    for (EventFields.Occurrence wanted : fields.exceptions()) {
      if (current.contains(wanted)) {
        continue;
      }
      Event instance = instance(client, mailbox, written.getId(), wanted.originalStart());
      if (instance == null) {
        continue; // not an occurrence of the rule (or cancelled already)
      }
      if (wanted.cancelled()) {
        graph.call(
            () -> {
              events(client, mailbox)
                  .byEventId(instance.getId())
                  .delete(c -> c.options.addAll(graph.options(GraphOperation.DELETE_EVENT)));
              return null;
            });
      } else {
        Event moved = new Event();
        ZoneId zone = EventZone.of(fields.timeZone());
        String zoneName = fields.timeZone() == null ? GraphCalendar.UTC : fields.timeZone();
        moved.setStart(time(wanted.start(), zone, zoneName));
        moved.setEnd(time(wanted.end(), zone, zoneName));
        graph.call(
            () ->
                events(client, mailbox)
                    .byEventId(instance.getId())
                    .patch(
                        moved, c -> c.options.addAll(graph.options(GraphOperation.WRITE_EVENT))));
      }
      changed = true;
    }
    if (!changed) {
      return event(written);
    }
    Event series = read(client, mailbox, written.getId(), false);
    if (series == null) {
      throw new NotFound("Event in Microsoft 365");
    }
    return event(series);
  }

  /** The instance of a series that its rule put at {@code originalStart}, or null. */
  private Event instance(
      GraphServiceClient client, MailboxAccess mailbox, String seriesId, Instant originalStart) {
    var page =
        graph.call(
            () ->
                events(client, mailbox)
                    .byEventId(seriesId)
                    .instances()
                    .get(
                        c -> {
                          c.queryParameters.startDateTime =
                              DateTimeFormatter.ISO_INSTANT.format(
                                  originalStart.minus(Duration.ofDays(1)));
                          c.queryParameters.endDateTime =
                              DateTimeFormatter.ISO_INSTANT.format(
                                  originalStart.plus(Duration.ofDays(1)));
                          c.headers.add("Prefer", GraphChangeFeed.IMMUTABLE_IDS);
                          c.headers.add("Prefer", UTC_TIMES);
                          c.options.addAll(graph.options(GraphOperation.READ_EVENT));
                        }));
    if (page == null || page.getValue() == null) {
      return null;
    }
    return page.getValue().stream()
        .filter(
            i ->
                i.getOriginalStart() != null
                    && i.getOriginalStart().toInstant().equals(originalStart))
        .findFirst()
        .orElse(null);
  }

  @Override
  public MailEvent update(MailboxAccess mailbox, String eventId, String etag, EventFields fields) {
    GraphServiceClient client = graph.client(mailbox.credential());
    List<EventFields.Occurrence> current = List.of();
    if (fields.recurrence() != null && !fields.exceptions().isEmpty()) {
      Event before = read(client, mailbox, eventId, false);
      if (before == null) {
        throw new NotFound("Event in Microsoft 365");
      }
      current = event(before).fields().exceptions();
    }
    Event changed =
        graph.call(
            () -> {
              try {
                return events(client, mailbox)
                    .byEventId(eventId)
                    .patch(
                        graphEvent(fields),
                        c -> {
                          if (etag != null) {
                            c.headers.add("If-Match", etag);
                          }
                          c.headers.add("Prefer", GraphChangeFeed.IMMUTABLE_IDS);
                          c.headers.add("Prefer", UTC_TIMES);
                          c.headers.add("Prefer", TEXT_BODY);
                          c.options.addAll(graph.options(GraphOperation.WRITE_EVENT));
                        });
              } catch (ApiException e) {
                if (e.getResponseStatusCode() == 412) {
                  throw new EventChangedMeanwhile();
                }
                throw e;
              }
            });
    if (changed == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph did not answer the event");
    }
    return withExceptions(client, mailbox, changed, fields, current);
  }

  /** calendarView delta has no {@code $expand}: an unpaired event's mark is read on its own. */
  @Override
  public Optional<String> mark(MailboxAccess mailbox, MailEvent event) {
    return markOf(graph.client(mailbox.credential()), mailbox, event.id());
  }

  @Override
  public boolean deleteIfMarked(MailboxAccess mailbox, String eventId, String crmId) {
    GraphServiceClient client = graph.client(mailbox.credential());
    if (!markOf(client, mailbox, eventId).filter(crmId::equals).isPresent()) {
      return false;
    }
    try {
      graph.call(
          () -> {
            events(client, mailbox)
                .byEventId(eventId)
                .delete(c -> c.options.addAll(graph.options(GraphOperation.DELETE_EVENT)));
            return null;
          });
    } catch (NotFound gone) {
      return false;
    }
    return true;
  }

  /** The CRM id in Mailbridge's property on the event; empty when it has none or is gone. */
  private Optional<String> markOf(GraphServiceClient client, MailboxAccess mailbox, String id) {
    Event marked = read(client, mailbox, id, true);
    if (marked == null || marked.getSingleValueExtendedProperties() == null) {
      return Optional.empty();
    }
    return marked.getSingleValueExtendedProperties().stream()
        .filter(p -> CRM_ID_PROPERTY.equalsIgnoreCase(p.getId()) && p.getValue() != null)
        .map(SingleValueLegacyExtendedProperty::getValue)
        .findFirst();
  }

  /**
   * The create's transactionId: the same for every create of one CRM event in one user's mailbox
   * (its connection, or the mailbox the org's app reaches), and no other's.
   */
  static String transactionId(MailboxAccess mailbox, String crmId) {
    return UUID.nameUUIDFromBytes(
            ("mailbridge-event-sync:"
                    + mailbox.connectionId()
                    + ":"
                    + mailbox.appUser()
                    + ":"
                    + crmId)
                .getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** One event, with Mailbridge's property when asked; null when it is gone. */
  private Event read(GraphServiceClient client, MailboxAccess mailbox, String id, boolean mark) {
    try {
      return graph.call(
          () ->
              events(client, mailbox)
                  .byEventId(id)
                  .get(
                      c -> {
                        if (!mark) {
                          // Exceptions of a series come only when named (and only on a master).
                          c.queryParameters.select = MASTER_FIELDS;
                          c.queryParameters.expand = new String[] {"exceptionOccurrences"};
                        }
                        if (mark) {
                          c.queryParameters.select = new String[] {"id"};
                          c.queryParameters.expand =
                              new String[] {
                                "singleValueExtendedProperties($filter=id eq '"
                                    + CRM_ID_PROPERTY
                                    + "')"
                              };
                        }
                        c.headers.add("Prefer", GraphChangeFeed.IMMUTABLE_IDS);
                        c.headers.add("Prefer", UTC_TIMES);
                        c.headers.add("Prefer", TEXT_BODY);
                        c.options.addAll(graph.options(GraphOperation.READ_EVENT));
                      }));
    } catch (NotFound gone) {
      return null;
    }
  }

  private static EventsRequestBuilder events(GraphServiceClient client, MailboxAccess mailbox) {
    return GraphMailbox.mailboxOf(client, mailbox.appUser()).events();
  }

  /** The fields sync carries, as Graph's event; empty ones are cleared. */
  static Event graphEvent(EventFields fields) {
    ZoneId zone = EventZone.of(fields.timeZone());
    String zoneName = fields.timeZone() == null ? GraphCalendar.UTC : fields.timeZone();
    Event event = new Event();
    // Kiota leaves nulls out of a body: an empty text is how a cleared field reaches Graph.
    event.setSubject(orEmpty(fields.subject()));
    Instant end = fields.end() == null ? fields.start() : fields.end();
    // Written every time, so an event that stops being all-day stops being so in Outlook too.
    event.setIsAllDay(fields.allDay());
    if (fields.allDay()) {
      LocalDate first = fields.start().atZone(zone).toLocalDate();
      LocalDate after = end.atZone(zone).toLocalDate();
      if (!end.atZone(zone).toLocalTime().equals(LocalTime.MIDNIGHT) || !after.isAfter(first)) {
        after = after.plusDays(1);
      }
      event.setStart(midnight(first, zone, zoneName));
      event.setEnd(midnight(after, zone, zoneName));
    } else {
      event.setStart(time(fields.start(), zone, zoneName));
      event.setEnd(time(end, zone, zoneName));
    }
    Location location = new Location();
    location.setDisplayName(orEmpty(fields.location()));
    event.setLocation(location);
    ItemBody body = new ItemBody();
    body.setContentType(BodyType.Text);
    body.setContent(orEmpty(fields.bodyText()));
    event.setBody(body);
    List<Attendee> attendees = new ArrayList<>();
    for (MailAddress address : fields.attendees()) {
      Attendee attendee = new Attendee();
      attendee.setType(AttendeeType.Required);
      EmailAddress email = new EmailAddress();
      email.setAddress(address.email());
      if (address.name() != null) {
        email.setName(address.name());
      }
      attendee.setEmailAddress(email);
      attendees.add(attendee);
    }
    event.setAttendees(attendees);
    if (fields.recurrence() != null) {
      event.setRecurrence(
          GraphRecurrence.of(
              RecurrenceRule.parse(fields.recurrence()),
              fields.start().atZone(zone).toLocalDate(),
              zoneName));
    }
    return event;
  }

  static MailEvent event(Event e) {
    boolean allDay = Boolean.TRUE.equals(e.getIsAllDay());
    ZoneId days = EventZone.of(timeZone(e.getOriginalStartTimeZone()));
    Instant start =
        e.getStart() == null
            ? null
            : allDay
                ? GraphCalendarView.day(e.getStart(), days)
                : GraphCalendarView.instant(e.getStart());
    Instant end =
        e.getEnd() == null
            ? start
            : allDay
                ? GraphCalendarView.day(e.getEnd(), days)
                : GraphCalendarView.instant(e.getEnd());
    List<MailAddress> attendees = new ArrayList<>();
    if (e.getAttendees() != null) {
      for (Attendee a : e.getAttendees()) {
        if (a.getType() == AttendeeType.Resource
            || a.getEmailAddress() == null
            || a.getEmailAddress().getAddress() == null
            || a.getEmailAddress().getAddress().isBlank()) {
          continue;
        }
        attendees.add(
            new MailAddress(a.getEmailAddress().getAddress(), a.getEmailAddress().getName()));
      }
    }
    String text = null;
    if (e.getBody() != null && e.getBody().getContent() != null) {
      text = blankToNull(e.getBody().getContent());
    }
    String joinUrl =
        e.getOnlineMeeting() != null && e.getOnlineMeeting().getJoinUrl() != null
            ? e.getOnlineMeeting().getJoinUrl()
            : e.getOnlineMeetingUrl();
    Object etag = e.getAdditionalData().get("@odata.etag");
    return new MailEvent(
        e.getId(),
        e.getICalUId(),
        e.getChangeKey(),
        etag == null ? null : etag.toString(),
        e.getLastModifiedDateTime() == null ? null : e.getLastModifiedDateTime().toInstant(),
        new EventFields(
            blankToNull(e.getSubject()),
            start,
            end,
            timeZone(e.getOriginalStartTimeZone()),
            e.getLocation() == null ? null : blankToNull(e.getLocation().getDisplayName()),
            text,
            attendees,
            GraphRecurrence.rule(e.getRecurrence()),
            exceptions(e, start),
            Boolean.TRUE.equals(e.getIsOnlineMeeting()) || joinUrl != null,
            allDay),
        joinUrl,
        false);
  }

  /**
   * A series master's exceptions: its {@code exceptionOccurrences} (moved, with their {@code
   * originalStart}) and its {@code cancelledOccurrences} ({@code OID.<masterId>.<yyyy-MM-dd>}: the
   * occurrence of that day, at the series' time of day in its zone).
   */
  static List<EventFields.Occurrence> exceptions(Event master, Instant start) {
    List<EventFields.Occurrence> out = new ArrayList<>();
    if (master.getExceptionOccurrences() != null) {
      for (Event moved : master.getExceptionOccurrences()) {
        if (moved.getOriginalStart() == null || moved.getStart() == null) {
          continue;
        }
        Instant movedStart = GraphCalendarView.instant(moved.getStart());
        out.add(
            new EventFields.Occurrence(
                moved.getOriginalStart().toInstant(),
                movedStart,
                moved.getEnd() == null ? movedStart : GraphCalendarView.instant(moved.getEnd()),
                false));
      }
    }
    if (master.getCancelledOccurrences() != null && start != null) {
      ZoneId zone = EventZone.of(master.getOriginalStartTimeZone());
      java.time.LocalTime timeOfDay = start.atZone(zone).toLocalTime();
      for (String occurrence : master.getCancelledOccurrences()) {
        int dot = occurrence.lastIndexOf('.');
        try {
          java.time.LocalDate day = java.time.LocalDate.parse(occurrence.substring(dot + 1));
          out.add(
              new EventFields.Occurrence(
                  day.atTime(timeOfDay).atZone(zone).toInstant(), null, null, true));
        } catch (DateTimeParseException e) {
          // Not an occurrence id Mailbridge can read: that cancellation is not carried.
        }
      }
    }
    return out;
  }

  /** Graph's name of the zone the organizer chose; UTC's several spellings as {@code UTC}. */
  private static String timeZone(String original) {
    if (original == null
        || original.isBlank()
        || original.equalsIgnoreCase("UTC")
        || original.equalsIgnoreCase("tzone://Microsoft/Utc")
        || original.equals("Etc/UTC")) {
      return null;
    }
    return original;
  }

  private static DateTimeTimeZone time(Instant at, ZoneId zone, String zoneName) {
    DateTimeTimeZone time = new DateTimeTimeZone();
    time.setDateTime(LOCAL.format(LocalDateTime.ofInstant(at, zone)));
    time.setTimeZone(zone == ZoneOffset.UTC ? GraphCalendar.UTC : zoneName);
    return time;
  }

  /** A day's midnight in the event's zone, as Graph wants an all-day event's start and end. */
  private static DateTimeTimeZone midnight(LocalDate day, ZoneId zone, String zoneName) {
    DateTimeTimeZone time = new DateTimeTimeZone();
    time.setDateTime(LOCAL.format(day.atStartOfDay()));
    time.setTimeZone(zone == ZoneOffset.UTC ? GraphCalendar.UTC : zoneName);
    return time;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
