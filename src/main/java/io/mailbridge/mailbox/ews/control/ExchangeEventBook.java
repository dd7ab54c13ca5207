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
import io.mailbridge.mailbox.ews.stubs.DeletedOccurrenceInfoType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressType;
import io.mailbridge.mailbox.ews.stubs.ExtendedPropertyType;
import io.mailbridge.mailbox.ews.stubs.ItemIdType;
import io.mailbridge.mailbox.ews.stubs.ItemType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfAttendeesType;
import io.mailbridge.mailbox.ews.stubs.OccurrenceInfoType;
import io.mailbridge.mailbox.ews.stubs.OccurrenceItemIdType;
import io.mailbridge.mailbox.ews.stubs.PathToExtendedFieldType;
import io.mailbridge.mailbox.ews.stubs.RecurrenceType;
import io.mailbridge.mailbox.ews.stubs.SetItemFieldType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsCreateOrUpdateType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.TimeZoneDefinitionType;
import io.mailbridge.mailbox.ews.stubs.UnindexedFieldURIType;
import io.mailbridge.message.EventZone;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.RecurrenceRule;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.xml.datatype.XMLGregorianCalendar;
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
 *
 * <p>An event goes in its own zone ({@code StartTimeZone}/{@code EndTimeZone} with the Windows id
 * of the CRM's IANA zone), so a series keeps its local time across a change of daylight saving time
 * as Outlook shows it; a zone Windows has no id for goes as UTC. A series' exceptions are its
 * master's {@code ModifiedOccurrences} and {@code DeletedOccurrences}; they are written after the
 * master, each occurrence named by an {@code OccurrenceItemId} (the master's id and the place the
 * pattern gives it), checked by a {@code GetItem} of that occurrence, then moved ({@code
 * UpdateItem} of its start and end) or cancelled ({@code DeleteItem}). An all-day event goes as
 * {@code IsAllDayEvent} with Start and End at the midnights of its days in the zone it is written
 * in (Exchange moves other times out to midnights there), and comes back as those days' midnights
 * in the CRM's zone.
 */
@ApplicationScoped
public class ExchangeEventBook implements EventBook {

  /** The CRM id's property: the one contacts carry (one name in Mailbridge's property set). */
  static final String CRM_ID_PROPERTY = ExchangeContactBook.CRM_ID_PROPERTY;

  /**
   * The named property that keeps the CRM event's IANA zone beside Exchange's Windows one: several
   * IANA zones share one Windows id, and a zone Windows has no id for goes as UTC.
   */
  static final String TIME_ZONE_PROPERTY = "MailbridgeTimeZone";

  /** The Windows id of UTC, the zone of an event whose own zone Windows has no id for. */
  static final String UTC_WINDOWS_ID = "UTC";

  private static final Logger LOG = Logger.getLogger(ExchangeEventBook.class.getName());

  /**
   * What Exchange answers an occurrence write that its calendar rules refuse: a moved occurrence
   * may not cross its neighbours, and the occurrence must still be in the series.
   */
  private static final Set<String> OCCURRENCE_REFUSALS =
      Set.of(
          "ErrorOccurrenceCrossingBoundary",
          "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange",
          "ErrorCalendarOccurrenceIsDeletedFromRecurrence");

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
    Optional<MailEvent> earlier = madeEarlier(mailbox, service, fields, crmId);
    if (earlier.isPresent()) {
      return earlier.get();
    }
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
    item.setStart(EwsClient.utcTime(itemTime(fields.start(), fields)));
    item.setEnd(
        EwsClient.utcTime(itemTime(fields.end() == null ? fields.start() : fields.end(), fields)));
    if (fields.allDay()) {
      item.setIsAllDayEvent(true);
    }
    if (fields.location() != null) {
      item.setLocation(fields.location());
    }
    item.setRequiredAttendees(attendees(fields.attendees()));
    item.setRecurrence(recurrence(fields));
    item.setStartTimeZone(zone(fields.timeZone()));
    item.setEndTimeZone(zone(fields.timeZone()));
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
    String changeKey =
        withExceptions(service, made.getId(), fields, List.of(), made.getChangeKey());
    return new MailEvent(
        made.getId(), uid, changeKey, changeKey, null, written(fields), null, false);
  }

  @Override
  public MailEvent update(MailboxAccess mailbox, String eventId, String etag, EventFields fields) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    ItemIdType item = new ItemIdType();
    item.setId(eventId);
    item.setChangeKey(etag);
    List<EventFields.Occurrence> current = List.of();
    boolean sameRule = false;
    if (recurrence(fields) != null) {
      // A pattern written again may take the series' exceptions with it (Outlook discards them
      // when the pattern changes): an unchanged pattern is left alone, and the exceptions already
      // there are not written twice.
      CalendarItemType master = readItem(service, eventId);
      if (master == null) {
        throw new NotFound("Event in Exchange");
      }
      MailEvent before = event(master);
      current = before.fields().exceptions();
      // The pattern's start date and days follow the first start and the zone Exchange reads it
      // in as well (an item written in UTC before gets its pattern again in its own zone).
      sameRule =
          Objects.equals(normalized(before.fields().recurrence()), normalized(fields.recurrence()))
              && Objects.equals(before.fields().start(), fields.start())
              && Objects.equals(before.fields().timeZone(), fields.timeZone())
              && master.getStartTimeZone() != null
              && Objects.equals(master.getStartTimeZone().getId(), zone(fields.timeZone()).getId());
    }
    if (!sameRule) {
      current = List.of(); // each is checked again by GetItem of its occurrence
    }
    List<Object> changes = changes(fields, !sameRule);
    ItemIdType written;
    try {
      written =
          within(
              service,
              () ->
                  ews.updateItem(
                      service.call(),
                      item,
                      changes,
                      CalendarItemUpdateOperationType.SEND_TO_CHANGED_AND_SAVE_COPY));
    } catch (EwsRefused refused) {
      if ("ErrorIrresolvableConflict".equals(refused.responseCode())) {
        throw new EventChangedMeanwhile();
      }
      throw refused;
    }
    String changeKey =
        withExceptions(service, written.getId(), fields, current, written.getChangeKey());
    return new MailEvent(
        written.getId(), null, changeKey, changeKey, null, written(fields), null, false);
  }

  /**
   * Makes the series' occurrences what {@code fields} says: each exception not in {@code current}
   * is its occurrence moved or cancelled; answers the master's ChangeKey afterwards (every write of
   * an occurrence gives the master a new one). An occurrence the pattern does not put where the
   * exception says, or one deleted already, is left as it is: EWS cannot bring a deleted occurrence
   * back short of writing the pattern again.
   */
  private String withExceptions(
      ExchangeServiceAccount.ServiceCall service,
      String masterId,
      EventFields fields,
      List<EventFields.Occurrence> current,
      String changeKey) {
    RecurrenceType pattern = recurrence(fields);
    if (pattern == null || fields.exceptions().isEmpty()) {
      return changeKey;
    }
    // The pattern as Exchange holds it, in the days of the zone Exchange reads it in.
    RecurrenceRule rule = RecurrenceRule.parse(ExchangeRecurrence.rule(pattern, 0));
    ZoneId zone = seriesZone(fields.timeZone());
    LocalDate firstDay = fields.start().atZone(zone).toLocalDate();
    boolean changed = false;
    for (EventFields.Occurrence wanted : fields.exceptions()) {
      if (current.contains(wanted)
          || current.stream()
              .anyMatch(o -> o.cancelled() && o.originalStart().equals(wanted.originalStart()))) {
        continue;
      }
      int index =
          ExchangeRecurrence.index(
              rule, firstDay, wanted.originalStart().atZone(zone).toLocalDate());
      if (index == 0) {
        LOG.fine("An exception of a series is on no occurrence of its pattern; not written");
        continue;
      }
      OccurrenceItemIdType occurrence = new OccurrenceItemIdType();
      occurrence.setRecurringMasterId(masterId);
      occurrence.setInstanceIndex(index);
      if (!isOccurrence(service, occurrence, wanted.originalStart())) {
        continue;
      }
      try {
        if (wanted.cancelled()) {
          within(
              service,
              () -> {
                ews.deleteItem(
                    service.call(),
                    occurrence,
                    fields.attendees().isEmpty()
                        ? CalendarItemCreateOrDeleteOperationType.SEND_TO_NONE
                        : CalendarItemCreateOrDeleteOperationType.SEND_TO_ALL_AND_SAVE_COPY);
                return null;
              });
        } else {
          within(
              service,
              () ->
                  ews.updateItem(
                      service.call(),
                      occurrence,
                      moved(wanted),
                      fields.attendees().isEmpty()
                          ? CalendarItemUpdateOperationType.SEND_TO_NONE
                          : CalendarItemUpdateOperationType.SEND_TO_CHANGED_AND_SAVE_COPY));
        }
      } catch (EwsRefused refused) {
        if (!OCCURRENCE_REFUSALS.contains(refused.responseCode())) {
          throw refused;
        }
        // Exchange's rule, not a passing fault: writing it again would be refused again.
        LOG.info("Exchange refused an exception of a series (" + refused.responseCode() + ")");
        continue;
      }
      changed = true;
    }
    if (!changed) {
      return changeKey;
    }
    MailEvent after = read(service, masterId);
    if (after == null) {
      throw new NotFound("Event in Exchange");
    }
    return after.changeKey();
  }

  /**
   * Whether the occurrence at that place of the series is the one the rule put at {@code
   * originalStart} (a moved one says so in its OriginalStart); false when there is none (out of the
   * series' range, or deleted).
   */
  private boolean isOccurrence(
      ExchangeServiceAccount.ServiceCall service,
      OccurrenceItemIdType occurrence,
      Instant originalStart) {
    List<ItemType> found;
    try {
      found =
          within(
              service,
              () ->
                  ews.getItemsById(
                      service.call(),
                      List.of(occurrence),
                      List.of(
                          EwsClient.field(UnindexedFieldURIType.CALENDAR_START),
                          EwsClient.field(UnindexedFieldURIType.CALENDAR_ORIGINAL_START)),
                      false));
    } catch (EwsRefused refused) {
      if (OCCURRENCE_REFUSALS.contains(refused.responseCode())) {
        return false;
      }
      throw refused;
    }
    for (ItemType item : found) {
      if (item instanceof CalendarItemType event) {
        XMLGregorianCalendar original =
            event.getOriginalStart() != null ? event.getOriginalStart() : event.getStart();
        if (original != null && ExchangeCalendar.instant(original).equals(originalStart)) {
          return true;
        }
      }
    }
    LOG.fine("The occurrence EWS has at an exception's place starts elsewhere; not written");
    return false;
  }

  /** The series master as GetItem reads it now, or null when it is gone. */
  private MailEvent read(ExchangeServiceAccount.ServiceCall service, String masterId) {
    CalendarItemType master = readItem(service, masterId);
    return master == null ? null : event(master);
  }

  private CalendarItemType readItem(ExchangeServiceAccount.ServiceCall service, String itemId) {
    List<ItemType> items =
        within(
            service, () -> ews.getItems(service.call(), List.of(itemId), eventProperties(), true));
    for (ItemType item : items) {
      if (item instanceof CalendarItemType event && event.getItemId() != null) {
        return event;
      }
    }
    return null;
  }

  private static String normalized(String rule) {
    try {
      return rule == null ? null : RecurrenceRule.parse(rule).format();
    } catch (IllegalArgumentException e) {
      return rule;
    }
  }

  /** The UpdateItem changes that move an occurrence. */
  private static List<Object> moved(EventFields.Occurrence wanted) {
    CalendarItemType start = new CalendarItemType();
    start.setStart(EwsClient.utcTime(wanted.start()));
    CalendarItemType end = new CalendarItemType();
    end.setEnd(EwsClient.utcTime(wanted.end() == null ? wanted.start() : wanted.end()));
    return List.of(
        set(UnindexedFieldURIType.CALENDAR_START, start),
        set(UnindexedFieldURIType.CALENDAR_END, end));
  }

  @Override
  public Optional<String> mark(MailboxAccess mailbox, MailEvent event) {
    return markOf(service(mailbox), event.id());
  }

  @Override
  public boolean deleteIfMarked(MailboxAccess mailbox, String eventId, String crmId) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    if (!markOf(service, eventId).filter(crmId::equals).isPresent()) {
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
    return changes(fields, true);
  }

  /** {@link #changes(EventFields)}, the series' pattern left as it is unless {@code pattern}. */
  static List<Object> changes(EventFields fields, boolean pattern) {
    List<Object> changes = new ArrayList<>();
    CalendarItemType subject = new CalendarItemType();
    subject.setSubject(orEmpty(fields.subject()));
    changes.add(set(UnindexedFieldURIType.ITEM_SUBJECT, subject));
    CalendarItemType body = new CalendarItemType();
    body.setBody(body(fields.bodyText()));
    changes.add(set(UnindexedFieldURIType.ITEM_BODY, body));
    CalendarItemType start = new CalendarItemType();
    start.setStart(EwsClient.utcTime(itemTime(fields.start(), fields)));
    changes.add(set(UnindexedFieldURIType.CALENDAR_START, start));
    CalendarItemType end = new CalendarItemType();
    end.setEnd(
        EwsClient.utcTime(itemTime(fields.end() == null ? fields.start() : fields.end(), fields)));
    changes.add(set(UnindexedFieldURIType.CALENDAR_END, end));
    // Written every time, so an event that stops being all-day stops being so in Outlook too.
    CalendarItemType allDay = new CalendarItemType();
    allDay.setIsAllDayEvent(fields.allDay());
    changes.add(set(UnindexedFieldURIType.CALENDAR_IS_ALL_DAY_EVENT, allDay));
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
    // The zone before the pattern: Exchange reads the pattern's days in the item's zone.
    CalendarItemType startZone = new CalendarItemType();
    startZone.setStartTimeZone(zone(fields.timeZone()));
    changes.add(set(UnindexedFieldURIType.CALENDAR_START_TIME_ZONE, startZone));
    CalendarItemType endZone = new CalendarItemType();
    endZone.setEndTimeZone(zone(fields.timeZone()));
    changes.add(set(UnindexedFieldURIType.CALENDAR_END_TIME_ZONE, endZone));
    RecurrenceType rule = recurrence(fields);
    if (rule == null) {
      changes.add(delete(UnindexedFieldURIType.CALENDAR_RECURRENCE));
    } else if (pattern) {
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
    boolean allDay = Boolean.TRUE.equals(item.isIsAllDayEvent());
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
    String named = value(item.getExtendedProperty(), TIME_ZONE_PROPERTY);
    String windows = item.getStartTimeZone() == null ? null : item.getStartTimeZone().getId();
    String zone = zone(windows, named);
    if (allDay && start != null) {
      start = day(start, zone);
      end = day(end, zone);
    }
    // A series in a zone of its own has its pattern in that zone's days; one in UTC has them in
    // UTC's, shifted from the zone the CRM shows it in.
    int shift = ownZone(windows) ? 0 : start == null ? 0 : shift(start, zone);
    String rule = start == null ? null : ExchangeRecurrence.rule(item.getRecurrence(), shift);
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
            rule == null ? List.of() : exceptions(item),
            false,
            allDay),
        null,
        false);
  }

  /**
   * A series master's exceptions: its ModifiedOccurrences (moved, with their OriginalStart) and its
   * DeletedOccurrences (the start the pattern gave them).
   */
  static List<EventFields.Occurrence> exceptions(CalendarItemType master) {
    List<EventFields.Occurrence> out = new ArrayList<>();
    if (master.getModifiedOccurrences() != null) {
      for (OccurrenceInfoType moved : master.getModifiedOccurrences().getOccurrence()) {
        if (moved.getOriginalStart() == null || moved.getStart() == null) {
          continue;
        }
        Instant start = ExchangeCalendar.instant(moved.getStart());
        out.add(
            new EventFields.Occurrence(
                ExchangeCalendar.instant(moved.getOriginalStart()),
                start,
                moved.getEnd() == null ? start : ExchangeCalendar.instant(moved.getEnd()),
                false));
      }
    }
    if (master.getDeletedOccurrences() != null) {
      for (DeletedOccurrenceInfoType deleted :
          master.getDeletedOccurrences().getDeletedOccurrence()) {
        if (deleted.getStart() != null) {
          out.add(
              new EventFields.Occurrence(
                  ExchangeCalendar.instant(deleted.getStart()), null, null, true));
        }
      }
    }
    return out;
  }

  /**
   * The zone the CRM shows an item in: the IANA zone Mailbridge wrote while Exchange's Windows zone
   * is still the one it stands for (several IANA zones share one), else the Windows zone's own.
   */
  static String zone(String windowsId, String named) {
    if (windowsId == null) {
      return named;
    }
    // UTC with Mailbridge's zone beside it: a zone Windows has no id for, or an item written before
    // Mailbridge sent StartTimeZone (its pattern then in UTC's days).
    if (named != null
        && (UTC_WINDOWS_ID.equals(windowsId) || windowsId.equals(WindowsZones.windowsId(named)))) {
      return named;
    }
    String iana = WindowsZones.ianaZone(windowsId);
    return iana == null ? named : iana;
  }

  /** EWS's zone of an event in the CRM's zone: its Windows id, or UTC when Windows has none. */
  static TimeZoneDefinitionType zone(String iana) {
    String windows = WindowsZones.windowsId(iana);
    TimeZoneDefinitionType zone = new TimeZoneDefinitionType();
    zone.setId(windows == null ? UTC_WINDOWS_ID : windows);
    return zone;
  }

  /** Whether a Windows zone is one the pattern's days are read in other than UTC. */
  private static boolean ownZone(String windowsId) {
    return windowsId != null
        && !UTC_WINDOWS_ID.equals(windowsId)
        && WindowsZones.ianaZone(windowsId) != null;
  }

  /**
   * The zone Exchange reads a series' pattern in: its own, or UTC when Windows has no id for it.
   */
  static ZoneId seriesZone(String iana) {
    String windows = WindowsZones.windowsId(iana);
    return ownZone(windows) ? EventZone.of(iana) : ZoneOffset.UTC;
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
        EwsClient.field(UnindexedFieldURIType.CALENDAR_IS_ALL_DAY_EVENT),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_LOCATION),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_REQUIRED_ATTENDEES),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_RECURRENCE),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_MODIFIED_OCCURRENCES),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_DELETED_OCCURRENCES),
        EwsClient.field(UnindexedFieldURIType.CALENDAR_START_TIME_ZONE),
        crmIdProperty(),
        timeZoneProperty());
  }

  /**
   * What this book writes of the fields: the rule and its exceptions when EWS can say the rule, no
   * online meeting (an Exchange server has no Teams to make one).
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
        fields.exceptions(),
        false,
        fields.allDay());
  }

  /**
   * A time as the item gets it: an all-day event's day as its midnight in the zone the item is
   * written in (its own, or UTC when Windows has no id for it), any other time as it is.
   */
  static Instant itemTime(Instant at, EventFields fields) {
    if (!fields.allDay()) {
      return at;
    }
    return at.atZone(EventZone.of(fields.timeZone()))
        .toLocalDate()
        .atStartOfDay(seriesZone(fields.timeZone()))
        .toInstant();
  }

  /** An all-day item's time as the CRM keeps it: the day's midnight in the CRM's zone. */
  static Instant day(Instant at, String iana) {
    return at.atZone(seriesZone(iana)).toLocalDate().atStartOfDay(EventZone.of(iana)).toInstant();
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
    ZoneId zone = seriesZone(fields.timeZone());
    return ExchangeRecurrence.of(
        rule,
        fields.start().atZone(zone).toLocalDate(),
        ZoneOffset.UTC.equals(zone) ? shift(fields.start(), fields.timeZone()) : 0);
  }

  /** The UTC day of {@code start} less its day in the zone (-1, 0 or 1). */
  static int shift(Instant start, String timeZone) {
    ZoneId zone = EventZone.of(timeZone);
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

  /**
   * The item a create whose answer was lost made for this CRM event, brought up to {@code fields}.
   * Exchange keeps no key of a CreateItem (Graph's transactionId), so it is looked for by the CRM
   * id property, as ExchangeCalendar looks for a booked meeting: a second item would reach the
   * attendees with the same UID, and deleting that copy later would cancel their meeting.
   */
  private Optional<MailEvent> madeEarlier(
      MailboxAccess mailbox,
      ExchangeServiceAccount.ServiceCall service,
      EventFields fields,
      String crmId) {
    Optional<CalendarItemType> found =
        within(service, () -> ews.calendarItemWith(service.call(), crmIdProperty(), crmId));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ItemIdType id = found.get().getItemId();
    MailEvent written = update(mailbox, id.getId(), id.getChangeKey(), fields);
    return Optional.of(
        new MailEvent(
            written.id(),
            uid(crmId),
            written.changeKey(),
            written.etag(),
            null,
            written.fields(),
            null,
            false));
  }

  /** The CRM id in Mailbridge's property on the item (GetItem of that property alone). */
  private Optional<String> markOf(ExchangeServiceAccount.ServiceCall service, String eventId) {
    List<ItemType> found =
        within(
            service,
            () ->
                ews.getItems(
                    service.call(),
                    List.of(eventId),
                    List.<BasePathToElementType>of(crmIdProperty())));
    return found.stream()
        .map(i -> value(i.getExtendedProperty(), CRM_ID_PROPERTY))
        .filter(Objects::nonNull)
        .findFirst();
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
