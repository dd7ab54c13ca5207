package io.mailbridge.mailbox.control;

import io.mailbridge.message.MailAddress;
import java.time.Instant;
import java.util.List;

/**
 * The fields of an event that sync carries between the CRM and a calendar, in the CRM's terms; null
 * means empty. {@code timeZone} is the zone the times are shown in (IANA, or the provider's name
 * when it has no IANA one), {@code recurrence} an {@code RRULE:} line for a series. An {@code
 * allDay} event covers whole days: {@code start} and {@code end} (exclusive, as in iCalendar) are
 * midnights in {@code timeZone} (UTC when none), whatever the provider's own shape for one.
 */
public record EventFields(
    String subject,
    Instant start,
    Instant end,
    String timeZone,
    String location,
    String bodyText,
    List<MailAddress> attendees,
    String recurrence,
    List<Occurrence> exceptions,
    boolean online,
    boolean allDay) {

  /**
   * An occurrence of a series that is not as its rule says: cancelled, or moved to {@code start} –
   * {@code end}; {@code originalStart} is when the rule put it.
   */
  public record Occurrence(Instant originalStart, Instant start, Instant end, boolean cancelled) {}

  public EventFields {
    attendees = attendees == null ? List.of() : List.copyOf(attendees);
    exceptions = exceptions == null || recurrence == null ? List.of() : List.copyOf(exceptions);
  }
}
