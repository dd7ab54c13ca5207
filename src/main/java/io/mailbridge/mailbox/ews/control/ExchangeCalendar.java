package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxCalendar;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxNotConnected;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.SendRefused;
import io.mailbridge.mailbox.ews.stubs.AttendeeType;
import io.mailbridge.mailbox.ews.stubs.BodyType;
import io.mailbridge.mailbox.ews.stubs.BodyTypeType;
import io.mailbridge.mailbox.ews.stubs.CalendarEvent;
import io.mailbridge.mailbox.ews.stubs.CalendarItemType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressType;
import io.mailbridge.mailbox.ews.stubs.ExtendedPropertyType;
import io.mailbridge.mailbox.ews.stubs.LegacyFreeBusyType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfAttendeesType;
import io.mailbridge.mailbox.ews.stubs.PathToExtendedFieldType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.xml.datatype.DatatypeConstants;
import javax.xml.datatype.XMLGregorianCalendar;

/**
 * The calendar of a user of the org's Exchange server, through the org's Exchange connection (the
 * service account impersonating the user, {@code ExchangeImpersonation} and {@code X-AnchorMailbox}
 * on every request, Basic or NTLM as the connection says): free/busy through {@code
 * GetUserAvailability} (FreeBusy view, in UTC) and meetings through {@code CreateItem} of a
 * calendar item with {@code SendMeetingInvitations="SendToAllAndSaveCopy"}, so Exchange sends the
 * invitation from the user's mailbox. A meeting carries the caller's key, so asking twice with one
 * key makes one meeting.
 */
@ApplicationScoped
public class ExchangeCalendar implements MailboxCalendar {

  private static final Logger LOG = Logger.getLogger(ExchangeCalendar.class.getName());

  /** The named property (in Mailbridge's property set) that holds a meeting's idempotency key. */
  static final String MEETING_KEY_PROPERTY = "MailbridgeMeetingKey";

  /** GetUserAvailability answers for at most 42 days at once (MS-OXWAVLS). */
  static final Duration MAX_WINDOW = Duration.ofDays(42);

  @Inject EwsClient ews;
  @Inject ExchangeServiceAccount account;
  @Inject EwsConcurrency concurrency;

  @Override
  public MailboxKind kind() {
    return MailboxKind.EXCHANGE;
  }

  @Override
  public List<BusyTime> busy(MailboxAccess mailbox, String address, Instant from, Instant to) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    List<BusyTime> busy = new ArrayList<>();
    Instant end = ceilingSecond(to);
    for (Instant start = from.truncatedTo(ChronoUnit.SECONDS); start.isBefore(end); ) {
      Instant windowStart = start;
      Instant windowEnd = start.plus(MAX_WINDOW).isBefore(end) ? start.plus(MAX_WINDOW) : end;
      List<CalendarEvent> events =
          asServiceAccount(
              () ->
                  concurrency.within(
                      service.connectionId(),
                      () -> ews.freeBusy(service.call(), address, windowStart, windowEnd)));
      busy.addAll(busyTimes(events));
      start = windowEnd;
    }
    return busy;
  }

  /**
   * Looks for a meeting with this key first and makes one only when there is none. The key travels
   * as a named property of the item because Exchange keeps no key of its own for a CreateItem
   * (unlike Graph's transactionId) and gives no guarantee that a second item with the same UID is
   * refused; a FindItem restriction on that property is one request. The UID is derived from the
   * key too, so a meeting made twice anyway would reach the attendee as the same iCalendar event.
   * When the creation fails without Exchange saying no (the answer lost, a timeout), Exchange may
   * have made it all the same: the look-up runs again before the failure reaches the caller.
   */
  @Override
  public CreatedMeeting createMeeting(MailboxAccess mailbox, NewMeeting meeting) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    String key = meeting.idempotencyKey();
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("A meeting over EWS needs an idempotency key");
    }
    String uid = uid(key);
    Optional<CreatedMeeting> existing = existing(service, key, uid, meeting);
    if (existing.isPresent()) {
      return existing.get();
    }
    String itemId;
    try {
      itemId =
          asServiceAccount(
              () ->
                  concurrency.within(
                      service.connectionId(),
                      () -> ews.createMeeting(service.call(), calendarItem(meeting, uid))));
    } catch (SendRefused | ProviderBusy | MailboxNotConnected sure) {
      throw sure; // Exchange said no, or was not asked: nothing was made
    } catch (RuntimeException failed) {
      Optional<CreatedMeeting> made;
      try {
        made = existing(service, key, uid, meeting);
      } catch (RuntimeException lookupFailed) {
        failed.addSuppressed(lookupFailed);
        throw failed;
      }
      if (made.isEmpty()) {
        throw failed;
      }
      LOG.info("Exchange made the meeting although its answer to CreateItem was lost");
      return made.get();
    }
    return new CreatedMeeting(itemId, uid, List.of(meeting.attendeeAddress()));
  }

  private Optional<CreatedMeeting> existing(
      ExchangeServiceAccount.ServiceCall service, String key, String uid, NewMeeting meeting) {
    return asServiceAccount(
            () ->
                concurrency.within(
                    service.connectionId(),
                    () -> ews.calendarItemWith(service.call(), keyProperty(), key)))
        .map(
            item ->
                new CreatedMeeting(
                    item.getItemId().getId(),
                    item.getUID() == null ? uid : item.getUID(),
                    List.of(meeting.attendeeAddress())));
  }

  /** The calendar item as CreateItem sends it: times in UTC, the attendee required. */
  static CalendarItemType calendarItem(NewMeeting meeting, String uid) {
    CalendarItemType item = new CalendarItemType();
    item.setSubject(meeting.subject());
    BodyType body = new BodyType();
    body.setBodyType(BodyTypeType.TEXT);
    body.setValue(meeting.bodyText() == null ? "" : meeting.bodyText());
    item.setBody(body);
    ExtendedPropertyType key = new ExtendedPropertyType();
    key.setExtendedFieldURI(keyProperty());
    key.setValue(meeting.idempotencyKey());
    item.getExtendedProperty().add(key);
    item.setUID(uid);
    // Instants with Z; no StartTimeZone: Exchange then keeps the meeting in UTC, which places a
    // single meeting right in every viewer's zone (only recurrences would need the rep's zone).
    item.setStart(EwsClient.utcTime(meeting.start()));
    item.setEnd(EwsClient.utcTime(meeting.end()));
    EmailAddressType address = new EmailAddressType();
    if (meeting.attendeeName() != null && !meeting.attendeeName().isBlank()) {
      address.setName(meeting.attendeeName());
    }
    address.setEmailAddress(meeting.attendeeAddress());
    AttendeeType attendee = new AttendeeType();
    attendee.setMailbox(address);
    NonEmptyArrayOfAttendeesType attendees = new NonEmptyArrayOfAttendeesType();
    attendees.getAttendee().add(attendee);
    item.setRequiredAttendees(attendees);
    return item;
  }

  /**
   * The times that are not free: every event but Free and WorkingElsewhere (the rep works, only not
   * at the office; Graph's getSchedule is read the same way). Tentative, Busy, OOF, NoData and a
   * BusyType Mailbridge does not know are busy.
   */
  static List<BusyTime> busyTimes(List<CalendarEvent> events) {
    List<BusyTime> busy = new ArrayList<>();
    for (CalendarEvent event : events) {
      LegacyFreeBusyType type = event.getBusyType();
      if (type == LegacyFreeBusyType.FREE || type == LegacyFreeBusyType.WORKING_ELSEWHERE) {
        continue;
      }
      if (event.getStartTime() == null || event.getEndTime() == null) {
        throw new ProviderRefused("exchange_error", "Exchange answered an event without times");
      }
      Instant start = instant(event.getStartTime());
      Instant end = instant(event.getEndTime());
      if (end.isAfter(start)) {
        busy.add(new BusyTime(start, end));
      }
    }
    return busy;
  }

  /**
   * A time of the answer. Exchange gives them in the request's zone (UTC here), usually without an
   * offset ({@code 2026-12-01T09:00:00}); one with an offset is read as it says.
   */
  static Instant instant(XMLGregorianCalendar time) {
    if (time.getTimezone() != DatatypeConstants.FIELD_UNDEFINED) {
      return time.toGregorianCalendar().toInstant();
    }
    LocalDateTime local =
        LocalDateTime.of(
            time.getYear(),
            time.getMonth(),
            time.getDay(),
            time.getHour(),
            time.getMinute(),
            time.getSecond() == DatatypeConstants.FIELD_UNDEFINED ? 0 : time.getSecond());
    if (time.getFractionalSecond() != null) {
      local =
          local.plusNanos(
              time.getFractionalSecond()
                  .movePointRight(9)
                  .setScale(0, RoundingMode.DOWN)
                  .longValue());
    }
    return local.toInstant(ZoneOffset.UTC);
  }

  /** The iCalendar UID of the meeting with this key: the same key, the same UID. */
  static String uid(String key) {
    try {
      return "mailbridge-"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(("mailbridge-meeting:" + key).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static PathToExtendedFieldType keyProperty() {
    return EwsClient.stringProperty(ExchangeMailbox.LOGGED_PROPERTY_SET, MEETING_KEY_PROPERTY);
  }

  private ExchangeServiceAccount.ServiceCall service(MailboxAccess mailbox) {
    if (mailbox.appUser() == null) {
      // A mailbox opened with Outlook's callback token: it lives minutes and reaches one item.
      throw new MailboxNotConnected(
          "Mailbridge uses an Exchange calendar only through the org's Exchange connection");
    }
    return account.call(mailbox);
  }

  private static Instant ceilingSecond(Instant at) {
    Instant whole = at.truncatedTo(ChronoUnit.SECONDS);
    return whole.equals(at) ? at : whole.plusSeconds(1);
  }

  // EwsClient words a 401 for the add-in's callback token; here it is the service account's.
  private static <T> T asServiceAccount(Supplier<T> call) {
    try {
      return call.get();
    } catch (ProviderRefused refused) {
      if ("exchange_unauthorized".equals(refused.code())) {
        throw new SendRefused(
            "exchange_unauthorized",
            "Exchange refused the org's service account; an admin checks the Exchange connection");
      }
      throw refused;
    }
  }
}
