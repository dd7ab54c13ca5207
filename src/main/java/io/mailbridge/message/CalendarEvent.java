package io.mailbridge.message;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The one normalized calendar event every provider maps into, as the CRM stores it on timelines.
 *
 * @param iCalUid the iCalendar UID shared by every copy of the meeting, when known
 * @param onlineMeeting whether it is held online (Teams, Meet, ...), with or without a known URL
 * @param bodyText the invitation's text, when the provider gave it as text
 * @param bodyHtml the invitation's HTML, when the provider gave it as HTML
 * @param cancelled whether the organizer cancelled it
 * @param allDay whether it covers whole days: {@code start} and {@code end} (exclusive) are then
 *     midnights in {@code timeZone} (UTC when none)
 */
public record CalendarEvent(
    String provider,
    String providerEventId,
    String iCalUid,
    String title,
    Instant start,
    Instant end,
    String timeZone,
    String location,
    MailAddress organizer,
    List<Attendee> attendees,
    String onlineMeetingUrl,
    boolean onlineMeeting,
    String bodyText,
    String bodyHtml,
    boolean cancelled,
    boolean allDay) {

  /** An invitee and how they answered. */
  public record Attendee(MailAddress address, Response response) {}

  /** An attendee's answer to the invitation. */
  public enum Response {
    NONE,
    ACCEPTED,
    TENTATIVE,
    DECLINED,
    ORGANIZER
  }

  public CalendarEvent {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(start, "start");
    attendees = attendees == null ? List.of() : List.copyOf(attendees);
    if ((iCalUid == null || iCalUid.isBlank())
        && (providerEventId == null || providerEventId.isBlank())) {
      throw new IllegalArgumentException("An event needs an iCalendar UID or a provider event id");
    }
    if (end != null && end.isBefore(start)) {
      throw new IllegalArgumentException("An event cannot end before it starts");
    }
  }

  /** An event as booking and availability know it: timed, no body, not cancelled. */
  public CalendarEvent(
      String provider,
      String providerEventId,
      String iCalUid,
      String title,
      Instant start,
      Instant end,
      String timeZone,
      String location,
      MailAddress organizer,
      List<Attendee> attendees,
      String onlineMeetingUrl) {
    this(
        provider,
        providerEventId,
        iCalUid,
        title,
        start,
        end,
        timeZone,
        location,
        organizer,
        attendees,
        onlineMeetingUrl,
        onlineMeetingUrl != null,
        null,
        null,
        false,
        false);
  }

  /** What makes two copies the same meeting: the iCalendar UID, else the provider's id. */
  public String identity() {
    return iCalUid == null || iCalUid.isBlank()
        ? "event:" + provider + ":" + providerEventId
        : "ical:" + iCalUid.strip();
  }
}
