package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.models.Attendee;
import com.microsoft.graph.models.AttendeeType;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.Recipient;
import com.microsoft.graph.models.ResponseType;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.calendarview.delta.DeltaGetResponse;
import com.microsoft.graph.users.item.calendarview.delta.DeltaRequestBuilder;
import io.mailbridge.mailbox.control.ChangePage;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.message.CalendarEvent;
import io.mailbridge.message.EventZone;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The primary calendar of a Microsoft 365 mailbox as capture follows it: Graph's calendarView delta
 * ({@code GET /me/calendarView/delta?startDateTime=…&endDateTime=…}, learn.microsoft.com/graph/
 * delta-query-events) over the window from the backfill's start to {@code
 * mailbridge.capture.calendar.horizon} ahead. The first call names the window; the {@code
 * $skiptoken} and {@code $deltatoken} links Graph answers encode it, so later calls only follow
 * them (calendarView delta takes no {@code $select}, {@code $filter} or {@code $orderby}). The
 * window's end is kept in the position beside the link: once a round ends with less than half the
 * horizon left ahead, the next round reads a new, later window from the start (the store finds what
 * it has, so nothing doubles).
 */
@ApplicationScoped
public class GraphCalendarView {

  private static final String DELTA_MARK = "d";
  private static final String NEXT_MARK = "n";

  @Inject GraphMailbox graph;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.calendar.horizon", defaultValue = "P90D")
  Duration horizon;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.graph.page-size", defaultValue = "50")
  int pageSize;

  Clock clock = Clock.systemUTC();

  /** Where a calendar round stands: the link to follow and the end of its window. */
  private record Position(boolean delta, Instant until, String link) {

    static Position parse(String stored) {
      if (stored == null) {
        return null;
      }
      String[] parts = stored.split("\\|", 3);
      if (parts.length != 3) {
        return null; // not one of ours: read the window again
      }
      try {
        return new Position(DELTA_MARK.equals(parts[0]), Instant.parse(parts[1]), parts[2]);
      } catch (DateTimeParseException e) {
        return null;
      }
    }

    String stored() {
      return (delta ? DELTA_MARK : NEXT_MARK) + "|" + until + "|" + link;
    }
  }

  /** One page of the calendar view's changes; {@code since} is the window's start. */
  ChangePage page(MailboxAccess mailbox, String stored, Instant since) {
    Instant now = clock.instant();
    Position position = Position.parse(stored);
    if (position != null
        && position.delta()
        && position.until().isBefore(now.plus(horizon.dividedBy(2)))) {
      position = null; // the window's end draws near: a new round over a later window
    }
    Instant until = position == null ? now.plus(horizon) : position.until();
    Instant from = since == null ? now : since;
    GraphServiceClient client = graph.client(mailbox);
    DeltaRequestBuilder delta =
        position == null
            ? GraphMailbox.mailboxOf(client, mailbox.appUser()).calendarView().delta()
            : GraphMailbox.mailboxOf(client, mailbox.appUser())
                .calendarView()
                .delta()
                .withUrl(position.link());
    boolean first = position == null;
    DeltaGetResponse answer =
        graph.call(
            () ->
                delta.get(
                    c -> {
                      if (first) {
                        c.queryParameters.startDateTime =
                            DateTimeFormatter.ISO_INSTANT.format(from);
                        c.queryParameters.endDateTime = DateTimeFormatter.ISO_INSTANT.format(until);
                      }
                      c.headers.add("Prefer", GraphChangeFeed.IMMUTABLE_IDS);
                      c.headers.add("Prefer", "odata.maxpagesize=" + pageSize);
                      // Start and end in UTC, whatever the mailbox's own zone.
                      c.headers.add("Prefer", "outlook.timezone=\"" + GraphCalendar.UTC + "\"");
                      c.options.addAll(graph.options(GraphOperation.CALENDAR_DELTA));
                    }));
    if (answer == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph sent an empty calendar delta page");
    }
    List<ItemChange> changes = new ArrayList<>();
    for (Event event : answer.getValue() == null ? List.<Event>of() : answer.getValue()) {
      changes.add(change(event));
    }
    if (answer.getOdataNextLink() != null) {
      return new ChangePage(
          changes, new Position(false, until, answer.getOdataNextLink()).stored(), false);
    }
    if (answer.getOdataDeltaLink() != null) {
      return new ChangePage(
          changes, new Position(true, until, answer.getOdataDeltaLink()).stored(), true);
    }
    throw new ProviderRefused(
        "graph_error",
        "Microsoft Graph sent a calendar delta page with neither a next nor a delta link");
  }

  /**
   * A calendarView delta entry as a change: gone ({@code @removed}: deleted, or no longer in the
   * window), or the meeting with its sensitivity and categories as marks.
   */
  static ItemChange change(Event e) {
    Map<String, Object> extra = e.getAdditionalData();
    if (extra != null && extra.containsKey("@removed")) {
      return ItemChange.removedEvent(e.getId());
    }
    if (e.getStart() == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph sent an event without a start");
    }
    boolean allDay = Boolean.TRUE.equals(e.getIsAllDay());
    ZoneId days = allDay ? EventZone.of(e.getOriginalStartTimeZone()) : ZoneOffset.UTC;
    Instant start = allDay ? day(e.getStart(), days) : instant(e.getStart());
    Instant end = e.getEnd() == null ? null : allDay ? day(e.getEnd(), days) : instant(e.getEnd());
    if (end != null && end.isBefore(start)) {
      end = start;
    }
    MailAddress organizer = address(e.getOrganizer());
    List<CalendarEvent.Attendee> attendees = new ArrayList<>();
    List<MailAddress> invited = new ArrayList<>();
    if (e.getAttendees() != null) {
      for (Attendee a : e.getAttendees()) {
        MailAddress address = address(a);
        if (address == null) {
          continue;
        }
        attendees.add(new CalendarEvent.Attendee(address, response(a)));
        // Rooms and equipment are no people: they take no part in matching or policy.
        if (a.getType() != AttendeeType.Resource) {
          invited.add(address);
        }
      }
    }
    String joinUrl =
        e.getOnlineMeeting() != null && e.getOnlineMeeting().getJoinUrl() != null
            ? e.getOnlineMeeting().getJoinUrl()
            : e.getOnlineMeetingUrl();
    String text = null;
    String html = null;
    if (e.getBody() != null && e.getBody().getContent() != null) {
      if (e.getBody().getContentType() == BodyType.Html) {
        html = e.getBody().getContent();
      } else {
        text = e.getBody().getContent();
      }
    }
    CalendarEvent event =
        new CalendarEvent(
            "graph",
            e.getId(),
            e.getICalUId(),
            e.getSubject(),
            start,
            end,
            allDay && !ZoneOffset.UTC.equals(days) ? days.getId() : GraphCalendar.UTC,
            e.getLocation() == null ? null : blankToNull(e.getLocation().getDisplayName()),
            organizer,
            attendees,
            joinUrl,
            Boolean.TRUE.equals(e.getIsOnlineMeeting()) || joinUrl != null,
            text,
            html,
            Boolean.TRUE.equals(e.getIsCancelled()),
            allDay);
    MailMessage summary =
        new MailMessage(
            "graph",
            e.getId(),
            null,
            null,
            e.getSubject(),
            organizer,
            invited,
            List.of(),
            List.of(),
            Boolean.TRUE.equals(e.getIsOrganizer()),
            start,
            start,
            null,
            null,
            0,
            List.of());
    String sensitivity =
        e.getSensitivity() == null ? null : e.getSensitivity().getValue().toLowerCase(Locale.ROOT);
    return ItemChange.event(
        e.getId(), event, summary, new MessageMarks(sensitivity, e.getCategories(), Map.of()));
  }

  private static CalendarEvent.Response response(Attendee a) {
    ResponseType type = a.getStatus() == null ? null : a.getStatus().getResponse();
    if (type == null) {
      return CalendarEvent.Response.NONE;
    }
    return switch (type) {
      case Accepted -> CalendarEvent.Response.ACCEPTED;
      case TentativelyAccepted -> CalendarEvent.Response.TENTATIVE;
      case Declined -> CalendarEvent.Response.DECLINED;
      case Organizer -> CalendarEvent.Response.ORGANIZER;
      default -> CalendarEvent.Response.NONE;
    };
  }

  /**
   * A {@code dateTimeTimeZone}: UTC as asked with {@code Prefer: outlook.timezone}; a mailbox that
   * answers in an IANA zone is read in that zone.
   */
  static Instant instant(DateTimeTimeZone time) {
    if (time.getDateTime() == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph sent an event time without a date");
    }
    LocalDateTime local;
    try {
      local = LocalDateTime.parse(time.getDateTime());
    } catch (DateTimeParseException e) {
      throw new ProviderRefused("graph_error", "Microsoft Graph sent an event time it cannot read");
    }
    String zone = time.getTimeZone();
    if (zone == null || zone.equalsIgnoreCase(GraphCalendar.UTC) || zone.equals("Etc/UTC")) {
      return local.toInstant(ZoneOffset.UTC);
    }
    try {
      return local.atZone(ZoneId.of(zone)).toInstant();
    } catch (DateTimeException e) {
      throw new ProviderRefused(
          "graph_error", "Microsoft Graph sent an event time in a zone Mailbridge does not know");
    }
  }

  /**
   * An all-day event's day as its midnight in {@code zone}: Graph shows an all-day event's start
   * and end as the midnights of its days whatever zone was asked for (they float).
   */
  static Instant day(DateTimeTimeZone time, ZoneId zone) {
    if (time.getDateTime() == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph sent an event time without a date");
    }
    try {
      return LocalDateTime.parse(time.getDateTime()).toLocalDate().atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException e) {
      throw new ProviderRefused("graph_error", "Microsoft Graph sent an event time it cannot read");
    }
  }

  private static MailAddress address(Recipient recipient) {
    if (recipient == null
        || recipient.getEmailAddress() == null
        || recipient.getEmailAddress().getAddress() == null
        || recipient.getEmailAddress().getAddress().isBlank()) {
      return null;
    }
    return new MailAddress(
        recipient.getEmailAddress().getAddress(), recipient.getEmailAddress().getName());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
