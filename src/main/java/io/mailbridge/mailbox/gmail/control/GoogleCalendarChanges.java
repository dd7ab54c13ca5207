package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.util.DateTime;
import com.google.api.services.calendar.Calendar;
import com.google.api.services.calendar.model.EntryPoint;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.EventAttendee;
import com.google.api.services.calendar.model.EventDateTime;
import com.google.api.services.calendar.model.Events;
import io.mailbridge.mailbox.control.AppAccessRefused;
import io.mailbridge.mailbox.control.ChangePage;
import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.FolderUnreadable;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.message.CalendarEvent;
import io.mailbridge.message.EventZone;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;
import io.mailbridge.platform.outbound.control.OutboundCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The primary Google calendar of a Gmail mailbox as capture follows it, through {@code events.list}
 * (developers.google.com/calendar/api/guides/sync) with {@code singleEvents=true}, so each
 * occurrence of a recurring meeting is a meeting of its own. A full round names the window, from
 * the backfill's start ({@code timeMin}) to {@code mailbridge.capture.calendar.horizon} ahead
 * ({@code timeMax}), and pages through it with {@code pageToken}, repeating the same parameters;
 * its last page's {@code nextSyncToken} is where the next round starts. Later rounds send only
 * {@code syncToken} (with {@code pageToken} inside the round): Google refuses a sync token beside
 * {@code timeMin}, {@code timeMax}, {@code orderBy}, {@code q}, {@code iCalUID}, {@code updatedMin}
 * or the extended-property filters, and asks for every other parameter to stay as in the full
 * round. A 410 (the token expired, {@code fullSyncRequired}) is {@link ChangePositionExpired}: the
 * window is read again and the store, which keeps meetings by iCalendar UID, doubles nothing.
 *
 * <p>Positions: {@code full|<window end>||<pageToken>} inside a full round, {@code sync|<window
 * end>|<syncToken>|<pageToken>} after it. Incremental rounds report every changed event, also
 * outside the window; once a round ends with less than half the horizon left ahead, the next one
 * reads a new, later window in full, so meetings planned further ahead are captured as their day
 * comes near, as the Microsoft 365 calendar does.
 */
@ApplicationScoped
public class GoogleCalendarChanges {

  private static final OutboundCall LIST = new OutboundCall("google_calendar", "list_events");
  private static final String FULL = "full";
  private static final String SYNC = "sync";
  private static final DateTimeFormatter RECURRENCE_ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Set<String> PRIVATE_VISIBILITY = Set.of("private", "confidential");
  private static final Set<String> RATE_LIMITS =
      Set.of("rateLimitExceeded", "userRateLimitExceeded");
  private static final Pattern HTML = Pattern.compile("<\\s*/?\\s*[a-zA-Z][^>]*>");

  @Inject GoogleCalendar calendar;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.calendar.horizon", defaultValue = "P90D")
  Duration horizon;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.google-calendar.page-size", defaultValue = "100")
  int pageSize;

  Clock clock = Clock.systemUTC();

  /** Where a calendar round stands. */
  record Position(boolean full, Instant until, String syncToken, String pageToken) {

    static Position parse(String stored) {
      if (stored == null) {
        return null;
      }
      String[] parts = stored.split("\\|", -1);
      if (parts.length != 4 || !(parts[0].equals(FULL) || parts[0].equals(SYNC))) {
        return null; // not one of ours: read the window again
      }
      try {
        return new Position(
            parts[0].equals(FULL),
            Instant.parse(parts[1]),
            parts[2].isEmpty() ? null : parts[2],
            parts[3].isEmpty() ? null : parts[3]);
      } catch (DateTimeParseException e) {
        return null;
      }
    }

    String stored() {
      return (full ? FULL : SYNC)
          + "|"
          + until
          + "|"
          + (syncToken == null ? "" : syncToken)
          + "|"
          + (pageToken == null ? "" : pageToken);
    }
  }

  /** One page of the calendar's changes; {@code since} is the window's start. */
  ChangePage page(MailboxAccess mailbox, String stored, Instant since) {
    Instant now = clock.instant();
    Position position = Position.parse(stored);
    if (position != null
        && !position.full()
        && position.pageToken() == null
        && position.until().isBefore(now.plus(horizon.dividedBy(2)))) {
      position = null; // the window's end draws near: a new full round over a later window
    }
    if (position != null && !position.full() && position.syncToken() == null) {
      position = null;
    }
    Position at = position == null ? new Position(true, now.plus(horizon), null, null) : position;
    // Every page of a full round repeats the same window, as Google asks.
    Instant from = since == null ? at.until().minus(horizon) : since;
    String token = calendarToken(mailbox);
    Events answer =
        GmailMailbox.call(
            () -> {
              Calendar.Events.List list =
                  calendar
                      .client(mailbox, token, LIST)
                      .events()
                      .list(GoogleCalendar.PRIMARY)
                      .setSingleEvents(true)
                      .setMaxResults(pageSize)
                      .setPageToken(at.pageToken());
              if (at.full()) {
                list.setTimeMin(utc(from)).setTimeMax(utc(at.until()));
              } else {
                list.setSyncToken(at.syncToken());
              }
              try {
                return list.execute();
              } catch (HttpResponseException e) {
                throw refused(e);
              }
            });
    if (answer == null) {
      throw new ProviderRefused("google_calendar_error", "Google sent an empty page of events");
    }
    ZoneId calendarZone = EventZone.of(answer.getTimeZone());
    List<ItemChange> changes = new ArrayList<>();
    for (Event event : answer.getItems() == null ? List.<Event>of() : answer.getItems()) {
      changes.add(change(event, calendarZone));
    }
    if (answer.getNextPageToken() != null) {
      return new ChangePage(
          changes,
          new Position(at.full(), at.until(), at.syncToken(), answer.getNextPageToken()).stored(),
          false);
    }
    if (answer.getNextSyncToken() != null) {
      return new ChangePage(
          changes, new Position(false, at.until(), answer.getNextSyncToken(), null).stored(), true);
    }
    throw new ProviderRefused(
        "google_calendar_error",
        "Google sent a page of events with neither a next page nor a sync token");
  }

  /**
   * The calendar's token; a refused one (a Workspace admin authorized domain-wide delegation for
   * the mail's scope only) concerns the calendar alone, and mail capture goes on.
   */
  static String calendarToken(MailboxAccess mailbox) {
    try {
      return mailbox.calendarCredential();
    } catch (AppAccessRefused refused) {
      throw new FolderUnreadable(
          "Google refused a token for the calendar, so meetings are not captured: "
              + refused.getMessage());
    }
  }

  /**
   * Google's refusals that concern the calendar alone: an expired sync token (410), a token without
   * a calendar scope or a project without the Calendar API (403, other than the rate limits, which
   * Google also answers with 403 and which mean "wait"), an account without a calendar (404).
   */
  static RuntimeException refused(HttpResponseException e) {
    String reason = reason(e);
    if (e.getStatusCode() == 410) {
      return new ChangePositionExpired(
          "Google no longer accepts this calendar's sync token (410 Gone); its window is read again");
    }
    if (e.getStatusCode() == 403 && reason != null && RATE_LIMITS.contains(reason)) {
      return new ProviderBusy(
          "google_calendar_busy",
          "Google Calendar asked Mailbridge to slow down",
          GmailMailbox.retryAfter(e.getHeaders()));
    }
    if (e.getStatusCode() == 403) {
      return new FolderUnreadable(
          "Google refused the calendar (Mailbridge's access to this mailbox has no calendar"
              + " scope, or the Calendar API is not enabled for the app's project); meetings are"
              + " not captured until it has");
    }
    if (e.getStatusCode() == 404) {
      // A Workspace account whose Calendar service is off has no primary calendar.
      return new FolderUnreadable(
          "Google has no calendar for this account (404); meetings are not captured");
    }
    return GmailMailbox.problemOf(e);
  }

  private static String reason(HttpResponseException e) {
    if (e instanceof GoogleJsonResponseException json
        && json.getDetails() != null
        && json.getDetails().getErrors() != null
        && !json.getDetails().getErrors().isEmpty()) {
      return json.getDetails().getErrors().get(0).getReason();
    }
    return null;
  }

  /**
   * An entry of {@code events.list} as a change. A cancelled entry that still describes the meeting
   * (a called-off occurrence, or a cancellation Google reports in full) keeps its activity, marked
   * cancelled, as a cancelled Microsoft 365 meeting does; one that carries only its id (Google
   * guarantees no more for a deleted event) is released from this mailbox like an event removed
   * from a Microsoft 365 calendar. Visibility {@code private} and {@code confidential} are the
   * marks that keep a meeting out of capture, and take it back once it becomes private.
   */
  static ItemChange change(Event e, ZoneId zone) {
    ZoneId calendarZone = zone == null ? ZoneOffset.UTC : zone;
    boolean cancelled = "cancelled".equals(e.getStatus());
    if (e.getStart() == null) {
      if (cancelled) {
        return ItemChange.removedEvent(e.getId());
      }
      throw new ProviderRefused("google_calendar_error", "Google sent an event without a start");
    }
    // An all-day event's dates are in the zone it names, else the calendar's.
    ZoneId days =
        e.getStart().getTimeZone() == null
            ? calendarZone
            : EventZone.of(e.getStart().getTimeZone());
    Instant start = instant(e.getStart(), days);
    Instant end = e.getEnd() == null ? null : instant(e.getEnd(), days);
    if (end != null && end.isBefore(start)) {
      end = start;
    }
    MailAddress organizer =
        e.getOrganizer() == null
            ? null
            : address(e.getOrganizer().getEmail(), e.getOrganizer().getDisplayName());
    List<CalendarEvent.Attendee> attendees = new ArrayList<>();
    List<MailAddress> invited = new ArrayList<>();
    if (e.getAttendees() != null) {
      for (EventAttendee a : e.getAttendees()) {
        MailAddress address = address(a.getEmail(), a.getDisplayName());
        if (address == null) {
          continue;
        }
        attendees.add(new CalendarEvent.Attendee(address, response(a)));
        // Rooms and equipment are no people: they take no part in matching or policy.
        if (!Boolean.TRUE.equals(a.getResource())) {
          invited.add(address);
        }
      }
    }
    String joinUrl = joinUrl(e);
    String description = e.getDescription();
    boolean html = description != null && HTML.matcher(description).find();
    CalendarEvent event =
        new CalendarEvent(
            "google",
            e.getId(),
            meetingUid(e),
            e.getSummary(),
            start,
            end,
            e.getStart().getTimeZone() != null ? e.getStart().getTimeZone() : calendarZone.getId(),
            blankToNull(e.getLocation()),
            organizer,
            attendees,
            joinUrl,
            joinUrl != null || e.getConferenceData() != null,
            html ? null : blankToNull(description),
            html ? description : null,
            cancelled,
            e.getStart().getDate() != null);
    MailMessage summary =
        new MailMessage(
            "gmail",
            e.getId(),
            null,
            null,
            e.getSummary(),
            organizer,
            invited,
            List.of(),
            List.of(),
            e.getOrganizer() != null && Boolean.TRUE.equals(e.getOrganizer().getSelf()),
            start,
            start,
            null,
            null,
            0,
            List.of());
    String visibility =
        e.getVisibility() == null ? null : e.getVisibility().toLowerCase(Locale.ROOT);
    return ItemChange.event(
        e.getId(),
        event,
        summary,
        new MessageMarks(
            visibility != null && PRIVATE_VISIBILITY.contains(visibility) ? visibility : null,
            List.of(),
            Map.of()));
  }

  /**
   * What makes two copies the same meeting. Google gives every occurrence of a recurring meeting
   * the series' {@code iCalUID}; RFC 5545 names one occurrence by UID and RECURRENCE-ID, which is
   * the occurrence's original start, so that is appended for an occurrence. Another attendee's copy
   * of the same occurrence has the same two, so it stays one activity.
   */
  static String meetingUid(Event e) {
    String uid = blankToNull(e.getICalUID());
    if (uid == null || e.getRecurringEventId() == null || e.getOriginalStartTime() == null) {
      return uid;
    }
    EventDateTime original = e.getOriginalStartTime();
    if (original.getDateTime() != null) {
      return uid
          + "/"
          + RECURRENCE_ID.format(Instant.ofEpochMilli(original.getDateTime().getValue()));
    }
    if (original.getDate() != null) {
      return uid + "/" + original.getDate().toStringRfc3339().replace("-", "");
    }
    return uid;
  }

  /** Meet's {@code hangoutLink}, else the video entry point of the conference data. */
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

  private static CalendarEvent.Response response(EventAttendee a) {
    if (Boolean.TRUE.equals(a.getOrganizer())) {
      return CalendarEvent.Response.ORGANIZER;
    }
    String status = a.getResponseStatus();
    if (status == null) {
      return CalendarEvent.Response.NONE;
    }
    return switch (status) {
      case "accepted" -> CalendarEvent.Response.ACCEPTED;
      case "tentative" -> CalendarEvent.Response.TENTATIVE;
      case "declined" -> CalendarEvent.Response.DECLINED;
      default -> CalendarEvent.Response.NONE;
    };
  }

  /**
   * A timed event's {@code dateTime} (RFC 3339 with its offset), or an all-day event's {@code
   * date}, which starts at midnight in the calendar's zone (an all-day event has none of its own).
   */
  static Instant instant(EventDateTime time, ZoneId calendarZone) {
    if (time.getDateTime() != null) {
      return Instant.ofEpochMilli(time.getDateTime().getValue());
    }
    if (time.getDate() != null) {
      try {
        return LocalDate.parse(time.getDate().toStringRfc3339())
            .atStartOfDay(calendarZone)
            .toInstant();
      } catch (DateTimeParseException e) {
        throw new ProviderRefused("google_calendar_error", "Google sent a date it cannot read");
      }
    }
    throw new ProviderRefused("google_calendar_error", "Google sent an event time without a date");
  }

  private static DateTime utc(Instant at) {
    return new DateTime(Date.from(at), TimeZone.getTimeZone("UTC"));
  }

  private static MailAddress address(String email, String name) {
    if (email == null || email.isBlank()) {
      return null;
    }
    return new MailAddress(email, blankToNull(name));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
