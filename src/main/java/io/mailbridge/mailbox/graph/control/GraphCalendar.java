package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.models.Attendee;
import com.microsoft.graph.models.AttendeeType;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.FreeBusyStatus;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.ScheduleInformation;
import com.microsoft.graph.models.ScheduleItem;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.calendar.getschedule.GetSchedulePostRequestBody;
import com.microsoft.graph.users.item.calendar.getschedule.GetSchedulePostResponse;
import com.microsoft.kiota.ApiException;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxCalendar;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderRefused;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Microsoft 365 calendar over Graph: free/busy through {@code POST /me/calendar/getSchedule} (in
 * UTC, only the items' status and times are read) and meetings through {@code POST /me/events} with
 * the attendee, for which Exchange sends the invitation itself.
 */
@ApplicationScoped
public class GraphCalendar implements MailboxCalendar {

  /** Graph's v1.0 names for UTC in {@code dateTimeTimeZone}. */
  static final String UTC = "UTC";

  private static final DateTimeFormatter WIRE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

  @Inject GraphMailbox graph;

  @Override
  public MailboxKind kind() {
    return MailboxKind.GRAPH;
  }

  @Override
  public List<BusyTime> busy(MailboxAccess mailbox, String address, Instant from, Instant to) {
    GetSchedulePostRequestBody body = new GetSchedulePostRequestBody();
    body.setSchedules(List.of(address));
    body.setStartTime(utc(from));
    body.setEndTime(utc(to));
    body.setAvailabilityViewInterval(15);
    GraphServiceClient client = graph.client(mailbox);
    GetSchedulePostResponse answer =
        graph.call(
            () ->
                client
                    .me()
                    .calendar()
                    .getSchedule()
                    .post(
                        body,
                        c -> {
                          // Times of the items in UTC, whatever the mailbox's own zone.
                          c.headers.add("Prefer", "outlook.timezone=\"" + UTC + "\"");
                          c.options.addAll(graph.options(GraphOperation.GET_SCHEDULE));
                        }));
    List<BusyTime> busy = new ArrayList<>();
    if (answer == null || answer.getValue() == null) {
      return busy;
    }
    for (ScheduleInformation schedule : answer.getValue()) {
      if (schedule.getError() != null) {
        throw new ProviderRefused(
            "graph_schedule_unavailable",
            "Microsoft 365 could not tell the calendar's free/busy times");
      }
      if (schedule.getScheduleItems() == null) {
        continue;
      }
      for (ScheduleItem item : schedule.getScheduleItems()) {
        if (item.getStatus() == FreeBusyStatus.Free
            || item.getStatus() == FreeBusyStatus.WorkingElsewhere) {
          continue;
        }
        Instant start = instant(item.getStart());
        Instant end = instant(item.getEnd());
        if (end.isAfter(start)) {
          busy.add(new BusyTime(start, end));
        }
      }
    }
    return busy;
  }

  @Override
  public CreatedMeeting createMeeting(MailboxAccess mailbox, NewMeeting meeting) {
    Event event = new Event();
    event.setSubject(meeting.subject());
    ItemBody body = new ItemBody();
    body.setContentType(BodyType.Text);
    body.setContent(meeting.bodyText() == null ? "" : meeting.bodyText());
    event.setBody(body);
    event.setStart(utc(meeting.start()));
    event.setEnd(utc(meeting.end()));
    EmailAddress address = new EmailAddress();
    address.setAddress(meeting.attendeeAddress());
    address.setName(meeting.attendeeName());
    Attendee attendee = new Attendee();
    attendee.setEmailAddress(address);
    attendee.setType(AttendeeType.Required);
    event.setAttendees(List.of(attendee));
    // Graph answers a second POST with the same transactionId with the first event.
    event.setTransactionId(meeting.idempotencyKey());
    GraphServiceClient client = graph.client(mailbox);
    Event created =
        graph.call(
            () -> {
              try {
                return client
                    .me()
                    .events()
                    .post(
                        event, c -> c.options.addAll(graph.onceOnly(GraphOperation.CREATE_EVENT)));
              } catch (ApiException e) {
                throw GraphMessageSender.sendProblem(e);
              }
            });
    if (created == null || created.getId() == null) {
      throw new ProviderRefused("graph_error", "Microsoft 365 did not answer with the meeting");
    }
    List<String> attendees = new ArrayList<>();
    if (created.getAttendees() != null) {
      for (Attendee a : created.getAttendees()) {
        if (a.getEmailAddress() != null && a.getEmailAddress().getAddress() != null) {
          attendees.add(a.getEmailAddress().getAddress());
        }
      }
    }
    return new CreatedMeeting(created.getId(), created.getICalUId(), attendees);
  }

  static DateTimeTimeZone utc(Instant at) {
    DateTimeTimeZone time = new DateTimeTimeZone();
    time.setDateTime(
        WIRE_TIME.format(
            LocalDateTime.ofInstant(at.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC)));
    time.setTimeZone(UTC);
    return time;
  }

  /** A time Graph gave in UTC (as asked), e.g. {@code 2026-12-01T09:00:00.0000000}. */
  static Instant instant(DateTimeTimeZone time) {
    if (time == null || time.getDateTime() == null) {
      throw new ProviderRefused("graph_error", "Microsoft 365 answered a schedule without times");
    }
    String zone = time.getTimeZone();
    if (zone != null && !zone.equalsIgnoreCase(UTC) && !zone.equalsIgnoreCase("Etc/UTC")) {
      throw new ProviderRefused(
          "graph_error", "Microsoft 365 answered schedule times in another time zone than UTC");
    }
    try {
      return LocalDateTime.parse(time.getDateTime()).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new ProviderRefused("graph_error", "Microsoft 365 answered a time it cannot read");
    }
  }
}
