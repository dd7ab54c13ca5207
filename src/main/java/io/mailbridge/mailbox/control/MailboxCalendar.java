package io.mailbridge.mailbox.control;

import java.time.Instant;
import java.util.List;

/**
 * The port through which a connected mailbox's calendar is read as free/busy times and a meeting is
 * created in it with attendees (so the provider sends the invitations), one implementation per
 * {@link MailboxKind} (Exchange, Graph, Google). Only busy times leave it: never subjects or other
 * details of the events. Failures are the mailbox's typed problems, never provider types.
 */
public interface MailboxCalendar {

  /** The kind of mailbox whose calendar this reads and writes. */
  MailboxKind kind();

  /**
   * The times between {@code from} and {@code to} at which the owner of the mailbox (whose address
   * is {@code address}) is not free: busy, tentative, out of office or unknown.
   */
  List<BusyTime> busy(MailboxAccess mailbox, String address, Instant from, Instant to);

  /** Creates the meeting in the mailbox's calendar and invites its attendee. */
  CreatedMeeting createMeeting(MailboxAccess mailbox, NewMeeting meeting);

  /** A time span that is not free; {@code end} after {@code start}. */
  record BusyTime(Instant start, Instant end) {
    public BusyTime {
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException("A busy time must end after it starts");
      }
    }
  }

  /**
   * A meeting to create: its times, the IANA time zone its times are shown in, one attendee, and a
   * key that makes a retried creation the same meeting where the provider supports it.
   */
  record NewMeeting(
      String subject,
      String bodyText,
      Instant start,
      Instant end,
      String timeZone,
      String attendeeAddress,
      String attendeeName,
      String idempotencyKey) {}

  /** The created meeting as the provider names it. */
  record CreatedMeeting(String providerEventId, String iCalUid, List<String> attendees) {
    public CreatedMeeting {
      attendees = attendees == null ? List.of() : List.copyOf(attendees);
    }
  }
}
