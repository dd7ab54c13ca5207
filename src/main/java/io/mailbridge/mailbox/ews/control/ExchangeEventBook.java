package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.EventBook;
import io.mailbridge.mailbox.control.EventChangedMeanwhile;
import io.mailbridge.mailbox.control.EventFields;
import io.mailbridge.mailbox.control.EventPage;
import io.mailbridge.mailbox.control.MailEvent;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxNotConnected;
import io.mailbridge.mailbox.ews.stubs.AttendeeType;
import io.mailbridge.mailbox.ews.stubs.BasePathToElementType;
import io.mailbridge.mailbox.ews.stubs.BodyType;
import io.mailbridge.mailbox.ews.stubs.BodyTypeType;
import io.mailbridge.mailbox.ews.stubs.CalendarItemCreateOrDeleteOperationType;
import io.mailbridge.mailbox.ews.stubs.CalendarItemType;
import io.mailbridge.mailbox.ews.stubs.CalendarItemUpdateOperationType;
import io.mailbridge.mailbox.ews.stubs.DeleteItemFieldType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressType;
import io.mailbridge.mailbox.ews.stubs.ExtendedPropertyType;
import io.mailbridge.mailbox.ews.stubs.ItemIdType;
import io.mailbridge.mailbox.ews.stubs.ItemType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfAttendeesType;
import io.mailbridge.mailbox.ews.stubs.PathToExtendedFieldType;
import io.mailbridge.mailbox.ews.stubs.RecurrenceType;
import io.mailbridge.mailbox.ews.stubs.SetItemFieldType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsCreateOrUpdateType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.UnindexedFieldURIType;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.RecurrenceRule;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Calendar folder of a user of the org's Exchange server for event sync over EWS, through the
 * org's connection (the service account impersonating the user, {@code X-AnchorMailbox} on every
 * request): changes through {@code SyncFolderItems} on the well-known {@code calendar} folder with
 * the stored SyncState ({@code ErrorInvalidSyncStateData}: {@code ChangePositionExpired}) and then
 * {@code GetItem} of the changed items; writes through {@code CreateItem} carrying the CRM id in a
 * named property, {@code UpdateItem} with the ChangeKey sync last saw and {@code
 * ConflictResolution="NeverOverwrite"} ({@code ErrorIrresolvableConflict}: {@link
 * EventChangedMeanwhile}) and {@code DeleteItem} only after the CRM id is read back. Attendees are
 * told as Graph tells them (Graph invites on create, updates on change, cancels on delete). The
 * ChangeKey serves as both version marks of {@link MailEvent}.
 */
@ApplicationScoped
public class ExchangeEventBook implements EventBook {

  /** The CRM id's property: the one contacts carry (one name in Mailbridge's property set). */
  static final String CRM_ID_PROPERTY = ExchangeContactBook.CRM_ID_PROPERTY;

  /**
   * The named property that keeps the CRM event's time zone: times go to Exchange in UTC and the
   * subset of EWS Mailbridge speaks has no time zone element, so the zone travels beside them.
   */
  static final String TIME_ZONE_PROPERTY = "MailbridgeTimeZone";

  @Inject EwsClient ews;
  @Inject ExchangeServiceAccount account;
  @Inject EwsConcurrency concurrency;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.ews.page-size", defaultValue = "512")
  int pageSize;

  @Override
  public MailboxKind kind() {
    return MailboxKind.EXCHANGE;
  }

  @Override
  public EventPage changes(MailboxAccess mailbox, String position) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    SyncFolderItemsResponseMessageType page =
        within(
            service,
            () ->
                ews.syncFolderItems(
                    service.call(),
                    DistinguishedFolderIdNameType.CALENDAR,
                    position,
                    pageSize,
                    List.of()));
    // The calendar folder lists single items and series masters (never occurrences).
    FolderChanges split =
        FolderChanges.of(page, SyncFolderItemsCreateOrUpdateType::getCalendarItem);
    List<MailEvent> changes = new ArrayList<>();
    split.deleted().forEach(gone -> changes.add(MailEvent.gone(gone)));
    List<String> changed = split.changed();
    if (!changed.isEmpty()) {
      List<ItemType> items =
          within(service, () -> ews.getItems(service.call(), changed, eventProperties(), true));
      for (ItemType item : items) {
        if (item instanceof CalendarItemType event && event.getItemId() != null) {
          changes.add(event(event));
        }
      }
    }
    return new EventPage(
        changes, page.getSyncState(), !Boolean.FALSE.equals(page.isIncludesLastItemInRange()));
  }

  @Override
  public MailEvent create(MailboxAccess mailbox, EventFields fields, String crmId) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    CalendarItemType item = new CalendarItemType();
    // The UID is Mailbridge's, from the CRM id: CreateItem answers the id only, and the CRM event
    // adopts the UID so capture finds it; a creation repeated after a lost answer keeps it.
    String uid = uid(crmId);
    item.setUID(uid);
    item.setSubject(orEmpty(fields.subject()));
    item.setBody(body(fields.bodyText()));
    item.getExtendedProperty().add(property(crmIdProperty(), crmId));
    if (fields.timeZone() != null) {
      item.getExtendedProperty().add(property(timeZoneProperty(), fields.timeZone()));
    }
    item.setStart(EwsClient.utcTime(fields.start()));
    item.setEnd(EwsClient.utcTime(fields.end() == null ? fields.start() : fields.end()));
    if (fields.location() != null) {
      item.setLocation(fields.location());
    }
    item.setRequiredAttendees(attendees(fields.attendees()));
    item.setRecurrence(recurrence(fields));
    ItemIdType made =
        within(
            service,
            () ->
                ews.createCalendarItem(
                    service.call(),
                    item,
                    fields.attendees().isEmpty()
                        ? CalendarItemCreateOrDeleteOperationType.SEND_TO_NONE
                        : CalendarItemCreateOrDeleteOperationType.SEND_TO_ALL_AND_SAVE_COPY));
    return new MailEvent(
        made.getId(),
        uid,
        made.getChangeKey(),
        made.getChangeKey(),
        null,
        written(fields),
        null,
        false);
  }

  @Override
  public MailEvent update(MailboxAccess mailbox, String eventId, String etag, EventFields fields) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    ItemIdType item = new ItemIdType();
    item.setId(eventId);
    item.setChangeKey(etag);
    ItemIdType written;
    try {
      written =
          within(
              service,
              () ->
                  ews.updateItem(
                      service.call(),
                      item,
                      changes(fields),
                      CalendarItemUpdateOperationType.SEND_TO_CHANGED_AND_SAVE_COPY));
    } catch (EwsRefused refused) {
      if ("ErrorIrresolvableConflict".equals(refused.responseCode())) {
        throw new EventChangedMeanwhile();
      }
      throw refused;
    }
    return new MailEvent(
        written.getId(),
        null,
        written.getChangeKey(),
        written.getChangeKey(),
        null,
        written(fields),
        null,
        false);
  }

  @Override
  public boolean deleteIfMarked(MailboxAccess mailbox, String eventId, String crmId) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    List<ItemType> found =
        within(
            service,
            () ->
                ews.getItems(
                    service.call(),
                    List.of(eventId),
                    List.<BasePathToElementType>of(crmIdProperty())));
    boolean ours =
        found.stream().anyMatch(i -> crmId.equals(value(i.getExtendedProperty(), CRM_ID_PROPERTY)));
    if (!ours) {
      return false;
    }
    try {
      within(
          service,
          () -> {
            ews.deleteItem(
                service.call(),
                eventId,
                CalendarItemCreateOrDeleteOperationType.SEND_TO_ALL_AND_SAVE_COPY);
            return null;
          });
    } catch (NotFound gone) {
      return false;
    }
    return true;
  }

  /**
   * The UpdateItem changes that make the item hold these fields: a SetItemField per value, a
   * DeleteItemField per empty one (a subject and times are always set).
   */
  static List<Object> changes(EventFields fields) {
    List<Object> changes = new ArrayList<>();
    CalendarItemType subject = new CalendarItemType();
    subject.setSubject(orEmpty(fields.subject()));
    changes.add(set(UnindexedFieldURIType.ITEM_SUBJECT, subject));
    CalendarItemType body = new CalendarItemType();
    body.setBody(body(fields.bodyText()));
    changes.add(set(UnindexedFieldURIType.ITEM_BODY, body));
    CalendarItemType start = new CalendarItemType();
    start.setStart(EwsClient.utcTime(fields.start()));
    changes.add(set(UnindexedFieldURIType.CALENDAR_START, start));
    CalendarItemType end = new CalendarItemType();
    end.setEnd(EwsClient.utcTime(fields.end() == null ? fields.start() : fields.end()));
    changes.add(set(UnindexedFieldURIType.CALENDAR_END, end));
    if (fields.location() == null) {
      changes.add(delete(UnindexedFieldURIType.CALENDAR_LOCATION));
    } else {
      CalendarItemType location = new CalendarItemType();
      location.setLocation(fields.location());
      changes.add(set(UnindexedFieldURIType.CALENDAR_LOCATION, location));
    }
    if (fields.attendees().isEmpty()) {
      changes.add(delete(UnindexedFieldURIType.CALENDAR_REQUIRED_ATTENDEES));
    } else {
      CalendarItemType attendees = new CalendarItemType();
      attendees.setRequiredAttendees(attendees(fields.attendees()));
      changes.add(set(UnindexedFieldURIType.CALENDAR_REQUIRED_ATTENDEES, attendees));
    }
    RecurrenceType rule = recurrence(fields);
    if (rule == null) {
      changes.add(delete(UnindexedFieldURIType.CALENDAR_RECURRENCE));
    } else {
      CalendarItemType series = new CalendarItemType();
      series.setRecurrence(rule);
      changes.add(set(UnindexedFieldURIType.CALENDAR_RECURRENCE, series));
    }
    if (fields.timeZone() == null) {
      DeleteItemFieldType delete = new DeleteItemFieldType();
      delete.setExtendedFieldURI(timeZoneProperty());
      changes.add(delete);
    } else {
      CalendarItemType zone = new CalendarItemType();
      zone.getExtendedProperty().add(property(timeZoneProperty(), fields.timeZone()));
      SetItemFieldType set = new SetItemFieldType();
      set.setExtendedFieldURI(timeZoneProperty());
      set.setCalendarItem(zone);
      changes.add(set);
    }
    return changes;
  }

  /** A calendar item as GetItem answers it (times in UTC, the body as text), in sync's terms. */
  static MailEvent event(CalendarItemType item) {
    Instant start = item.getStart() == null ? null : ExchangeCalendar.instant(item.getStart());
    Instant end = item.getEnd() == null ? start : ExchangeCalendar.instant(item.getEnd());
    List<MailAddress> attendees = new ArrayList<>();
    if (item.getRequiredAttendees() != null) {
      for (AttendeeType attendee : item.getRequiredAttendees().getAttendee()) {
        EmailAddressType address = attendee.getMailbox();
        if (address == null
            || address.getEmailAddress() == null
            || address.getEmailAddress().isBlank()) {
          continue;
        }
        attendees.add(
            new MailAddress(address.getEmailAddress().strip(), blankToNull(address.getName())));
      }
    }
    String text =
        item.getBody() == null || item.getBody().getValue() == null
            ? null
            : blankToNull(item.getBody().getValue());
    String changeKey = item.getItemId().getChangeKey();
    String zone = value(item.getExtendedProperty(), TIME_ZONE_PROPERTY);
    String rule =
        start == null ? null : ExchangeRecurrence.rule(item.getRecurrence(), shift(start, zone));
    return new MailEvent(
        item.getItemId().getId(),
        blankToNull(item.getUID()),
        changeKey,
        changeKey,
        item.getLastModifiedTime() == null
            ? null
            : ExchangeCalendar.instant(item.getLastModifiedTime()),
        new EventFields(
            blankToNull(item.getSubject()),
            start,
            end,
            zone,
            blankToNull(item.getLocation()),
            text,
            attendees,
            rule,
            List.of(),
            false),
        null,
        false);
  }

  /** What GetItem reads of a changed calendar item: the fields sync carries and the CRM id. */
  static List<BasePathToElementType> eventProperties() {
    return List.of(
        EwsClient.field(UnindexedFieldURIType.ITEM_SUBJECT),
        EwsClient.field(UnindexedFieldURIType.ITEM_BODY),
        EwsClient.field(UnindexedFieldURIType.ITEM_LAST_MODIFIED_TIME),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_UID),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_START),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_END),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_LOCATION),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_REQUIRED_ATTENDEES),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_RECURRENCE),
        crmIdProperty(),
        timeZoneProperty());
  }

  /**
   * What this book writes of the fields: the rule when EWS can say it, no exceptions and no online
   * meeting (an Exchange server has no Teams to make one).
   */
  private static EventFields written(EventFields fields) {
    return new EventFields(
        fields.subject(),
        fields.start(),
        fields.end(),
        fields.timeZone(),
        fields.location(),
        fields.bodyText(),
        fields.attendees(),
        recurrence(fields) == null ? null : fields.recurrence(),
        List.of(),
        false);
  }

  /** The series' rule as EWS's recurrence, or null for a single event (or an unsayable rule). */
  static RecurrenceType recurrence(EventFields fields) {
    if (fields.recurrence() == null || fields.start() == null) {
      return null;
    }
    RecurrenceRule rule;
    try {
      rule = RecurrenceRule.parse(fields.recurrence());
    } catch (IllegalArgumentException e) {
      return null;
    }
    return ExchangeRecurrence.of(
        rule,
        fields.start().atOffset(ZoneOffset.UTC).toLocalDate(),
        shift(fields.start(), fields.timeZone()));
  }

  /** The UTC day of {@code start} less its day in the zone (-1, 0 or 1). */
  static int shift(Instant start, String timeZone) {
    ZoneId zone;
    try {
      zone = timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      zone = ZoneOffset.UTC;
    }
    return (int)
        ChronoUnit.DAYS.between(
            start.atZone(zone).toLocalDate(), start.atOffset(ZoneOffset.UTC).toLocalDate());
  }

  /** The iCalendar UID of the calendar item Mailbridge makes for this CRM event. */
  static String uid(String crmId) {
    try {
      return "mailbridge-event-"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(("mailbridge-event:" + crmId).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static PathToExtendedFieldType crmIdProperty() {
    return ExchangeContactBook.crmIdProperty();
  }

  static PathToExtendedFieldType timeZoneProperty() {
    return EwsClient.stringProperty(ExchangeMailbox.LOGGED_PROPERTY_SET, TIME_ZONE_PROPERTY);
  }

  private static SetItemFieldType set(UnindexedFieldURIType uri, CalendarItemType value) {
    SetItemFieldType set = new SetItemFieldType();
    set.setFieldURI(EwsClient.field(uri));
    set.setCalendarItem(value);
    return set;
  }

  private static DeleteItemFieldType delete(UnindexedFieldURIType uri) {
    DeleteItemFieldType delete = new DeleteItemFieldType();
    delete.setFieldURI(EwsClient.field(uri));
    return delete;
  }

  private static BodyType body(String text) {
    BodyType body = new BodyType();
    body.setBodyType(BodyTypeType.TEXT);
    body.setValue(orEmpty(text));
    return body;
  }

  private static NonEmptyArrayOfAttendeesType attendees(List<MailAddress> addresses) {
    if (addresses.isEmpty()) {
      return null;
    }
    NonEmptyArrayOfAttendeesType attendees = new NonEmptyArrayOfAttendeesType();
    for (MailAddress address : addresses) {
      EmailAddressType mailbox = new EmailAddressType();
      if (address.name() != null && !address.name().isBlank()) {
        mailbox.setName(address.name());
      }
      mailbox.setEmailAddress(address.email());
      AttendeeType attendee = new AttendeeType();
      attendee.setMailbox(mailbox);
      attendees.getAttendee().add(attendee);
    }
    return attendees;
  }

  private static ExtendedPropertyType property(PathToExtendedFieldType uri, String value) {
    ExtendedPropertyType property = new ExtendedPropertyType();
    property.setExtendedFieldURI(uri);
    property.setValue(value);
    return property;
  }

  private static String value(List<ExtendedPropertyType> properties, String name) {
    for (ExtendedPropertyType property : properties) {
      PathToExtendedFieldType uri = property.getExtendedFieldURI();
      if (uri != null
          && ExchangeMailbox.LOGGED_PROPERTY_SET.equalsIgnoreCase(uri.getPropertySetId())
          && name.equals(uri.getPropertyName())) {
        return blankToNull(property.getValue());
      }
    }
    return null;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private <T> T within(ExchangeServiceAccount.ServiceCall service, Supplier<T> request) {
    return concurrency.within(service.connectionId(), request);
  }

  private ExchangeServiceAccount.ServiceCall service(MailboxAccess mailbox) {
    if (mailbox.appUser() == null) {
      throw new MailboxNotConnected(
          "Mailbridge syncs Exchange calendars only through the org's Exchange connection");
    }
    return account.call(mailbox);
  }
}
