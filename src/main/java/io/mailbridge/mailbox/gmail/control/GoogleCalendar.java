package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.DateTime;
import com.google.api.services.calendar.Calendar;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.EventAttendee;
import com.google.api.services.calendar.model.EventDateTime;
import com.google.api.services.calendar.model.FreeBusyCalendar;
import com.google.api.services.calendar.model.FreeBusyRequest;
import com.google.api.services.calendar.model.FreeBusyRequestItem;
import com.google.api.services.calendar.model.FreeBusyResponse;
import com.google.api.services.calendar.model.TimePeriod;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxCalendar;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxQuotas;
import io.mailbridge.mailbox.control.PacedLimit;
import io.mailbridge.mailbox.control.ProviderOutbound;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.SendRefused;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Google calendar through Google's API client: free/busy through {@code freeBusy.query} of the
 * primary calendar and meetings through {@code events.insert} with {@code sendUpdates=all}, so
 * Google sends the invitation. The event's id is derived from the caller's key, so a retried insert
 * is refused as a duplicate instead of making a second meeting.
 */
@ApplicationScoped
public class GoogleCalendar implements MailboxCalendar {

  static final String PRIMARY = "primary";
  private static final OutboundCall FREE_BUSY = new OutboundCall("google_calendar", "free_busy");
  private static final OutboundCall INSERT_EVENT =
      new OutboundCall("google_calendar", "insert_event");

  @Inject OutboundHttp outbound;
  @Inject ProviderOutbound providerOutbound;
  @Inject MailboxQuotas quotas;

  @Inject
  @ConfigProperty(
      name = "mailbridge.google.calendar-url",
      defaultValue = "https://www.googleapis.com/")
  String calendarUrl;

  @Inject
  @ConfigProperty(name = "mailbridge.google-calendar.timeout", defaultValue = "PT30S")
  Duration timeout;

  @Override
  public MailboxKind kind() {
    return MailboxKind.GMAIL;
  }

  /**
   * A client for one operation on {@code mailbox}'s calendar with {@code accessToken}: its calls
   * are paced, one request each, under the mailbox's Google Calendar quota.
   */
  Calendar client(MailboxAccess mailbox, String accessToken, OutboundCall operation) {
    String root = calendarUrl.endsWith("/") ? calendarUrl : calendarUrl + "/";
    OutboundGoogleTransport transport =
        new OutboundGoogleTransport(
                outbound,
                operation,
                providerOutbound.policyFor(root),
                // A schedule of six weeks is a few kilobytes; nothing bigger is read here.
                new OutboundLimits(timeout, 4L * 1024 * 1024, 2))
            .pacedAs(quotas, PacedLimit.GOOGLE_CALENDAR, mailbox.connectionId(), 1);
    return new Calendar.Builder(
            transport,
            GsonFactory.getDefaultInstance(),
            request -> {
              request.getHeaders().setAuthorization("Bearer " + accessToken);
              request.setNumberOfRetries(0);
            })
        .setRootUrl(root)
        .setApplicationName("Mailbridge")
        .build();
  }

  @Override
  public List<BusyTime> busy(MailboxAccess mailbox, String address, Instant from, Instant to) {
    FreeBusyRequest query =
        new FreeBusyRequest()
            .setTimeMin(new DateTime(from.toEpochMilli()))
            .setTimeMax(new DateTime(to.toEpochMilli()))
            .setTimeZone("UTC")
            .setItems(List.of(new FreeBusyRequestItem().setId(PRIMARY)));
    FreeBusyResponse answer =
        GmailMailbox.call(
            () ->
                client(mailbox, mailbox.credential(), FREE_BUSY).freebusy().query(query).execute());
    List<BusyTime> busy = new ArrayList<>();
    FreeBusyCalendar calendar =
        answer == null || answer.getCalendars() == null ? null : answer.getCalendars().get(PRIMARY);
    if (calendar == null || (calendar.getErrors() != null && !calendar.getErrors().isEmpty())) {
      throw new ProviderRefused(
          "google_freebusy_unavailable", "Google could not tell the calendar's free/busy times");
    }
    if (calendar.getBusy() != null) {
      for (TimePeriod period : calendar.getBusy()) {
        if (period.getStart() == null || period.getEnd() == null) {
          continue;
        }
        Instant start = Instant.ofEpochMilli(period.getStart().getValue());
        Instant end = Instant.ofEpochMilli(period.getEnd().getValue());
        if (end.isAfter(start)) {
          busy.add(new BusyTime(start, end));
        }
      }
    }
    return busy;
  }

  @Override
  public CreatedMeeting createMeeting(MailboxAccess mailbox, NewMeeting meeting) {
    Event event =
        new Event()
            .setId(eventId(meeting.idempotencyKey()))
            .setSummary(meeting.subject())
            .setDescription(meeting.bodyText())
            .setStart(
                new EventDateTime()
                    .setDateTime(new DateTime(meeting.start().toEpochMilli()))
                    .setTimeZone(meeting.timeZone()))
            .setEnd(
                new EventDateTime()
                    .setDateTime(new DateTime(meeting.end().toEpochMilli()))
                    .setTimeZone(meeting.timeZone()))
            .setAttendees(
                List.of(
                    new EventAttendee()
                        .setEmail(meeting.attendeeAddress())
                        .setDisplayName(meeting.attendeeName())));
    Event created =
        GmailMailbox.call(
            () -> {
              try {
                return client(mailbox, mailbox.credential(), INSERT_EVENT)
                    .events()
                    .insert(PRIMARY, event)
                    .setSendUpdates("all")
                    .execute();
              } catch (HttpResponseException e) {
                throw refusedForGood(e);
              }
            });
    if (created == null || created.getId() == null) {
      throw new ProviderRefused("google_calendar_error", "Google did not answer with the meeting");
    }
    List<String> attendees = new ArrayList<>();
    if (created.getAttendees() != null) {
      for (EventAttendee a : created.getAttendees()) {
        if (a.getEmail() != null) {
          attendees.add(a.getEmail());
        }
      }
    }
    return new CreatedMeeting(created.getId(), created.getICalUID(), attendees);
  }

  /**
   * Google's event ids are 5 to 1024 characters of base32hex ({@code a-v}, {@code 0-9}): the hex
   * SHA-256 of the key is one.
   */
  static String eventId(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(("mailbridge-meeting:" + key).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponseException refusedForGood(HttpResponseException e) {
    int status = e.getStatusCode();
    boolean rateLimit =
        e instanceof GoogleJsonResponseException json
            && json.getDetails() != null
            && json.getDetails().getErrors() != null
            && json.getDetails().getErrors().stream()
                .anyMatch(
                    error ->
                        "rateLimitExceeded".equals(error.getReason())
                            || "userRateLimitExceeded".equals(error.getReason()));
    if (status >= 400 && status < 500 && status != 408 && status != 429 && !rateLimit) {
      throw new SendRefused(
          status == 401 ? "google_calendar_unauthorized" : "google_calendar_refused",
          status == 401
              ? "Google did not accept Mailbridge's access to the calendar; connect it again"
              : "Google refused the meeting (answer " + status + ")");
    }
    return e;
  }
}
