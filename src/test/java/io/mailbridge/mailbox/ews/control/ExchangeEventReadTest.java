package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.mailbox.control.EventFields;
import io.mailbridge.mailbox.control.MailEvent;
import io.mailbridge.mailbox.ews.stubs.CalendarItemType;
import io.mailbridge.mailbox.ews.stubs.DayOfWeekType;
import io.mailbridge.mailbox.ews.stubs.DeletedOccurrenceInfoType;
import io.mailbridge.mailbox.ews.stubs.ExtendedPropertyType;
import io.mailbridge.mailbox.ews.stubs.ItemIdType;
import io.mailbridge.mailbox.ews.stubs.NoEndRecurrenceRangeType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfDeletedOccurrencesType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfOccurrenceInfoType;
import io.mailbridge.mailbox.ews.stubs.OccurrenceInfoType;
import io.mailbridge.mailbox.ews.stubs.RecurrenceType;
import io.mailbridge.mailbox.ews.stubs.TimeZoneDefinitionType;
import io.mailbridge.mailbox.ews.stubs.WeeklyRecurrencePatternType;
import java.time.Instant;
import java.util.List;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import org.junit.jupiter.api.Test;

/** A series master as GetItem answers it, read in sync's terms. */
class ExchangeEventReadTest {

  private static XMLGregorianCalendar time(String text) throws Exception {
    // As Exchange answers: UTC with a Z.
    return DatatypeFactory.newInstance().newXMLGregorianCalendar(text);
  }

  private static CalendarItemType master(String windowsZone, String namedZone) throws Exception {
    CalendarItemType item = new CalendarItemType();
    ItemIdType id = new ItemIdType();
    id.setId("AAMkADmaster=");
    id.setChangeKey("DwAAAB");
    item.setItemId(id);
    item.setSubject("Weekly review");
    item.setStart(time("2027-03-16T08:00:00Z"));
    item.setEnd(time("2027-03-16T09:00:00Z"));
    RecurrenceType recurrence = new RecurrenceType();
    WeeklyRecurrencePatternType weekly = new WeeklyRecurrencePatternType();
    weekly.setInterval(1);
    weekly.getDaysOfWeek().add(DayOfWeekType.TUESDAY);
    weekly.setFirstDayOfWeek(DayOfWeekType.MONDAY);
    recurrence.setWeeklyRecurrence(weekly);
    NoEndRecurrenceRangeType range = new NoEndRecurrenceRangeType();
    range.setStartDate(DatatypeFactory.newInstance().newXMLGregorianCalendar("2027-03-16"));
    recurrence.setNoEndRecurrence(range);
    item.setRecurrence(recurrence);
    if (windowsZone != null) {
      TimeZoneDefinitionType zone = new TimeZoneDefinitionType();
      zone.setId(windowsZone);
      zone.setName("(UTC+01:00) Brussels, Copenhagen, Madrid, Paris");
      item.setStartTimeZone(zone);
    }
    if (namedZone != null) {
      ExtendedPropertyType property = new ExtendedPropertyType();
      property.setExtendedFieldURI(ExchangeEventBook.timeZoneProperty());
      property.setValue(namedZone);
      item.getExtendedProperty().add(property);
    }
    return item;
  }

  @Test
  void movedAndDeletedOccurrencesAreTheSeriesExceptions() throws Exception {
    CalendarItemType master = master("Romance Standard Time", null);
    NonEmptyArrayOfOccurrenceInfoType modified = new NonEmptyArrayOfOccurrenceInfoType();
    OccurrenceInfoType moved = new OccurrenceInfoType();
    ItemIdType movedId = new ItemIdType();
    movedId.setId("AAMkADoccurrence=");
    moved.setItemId(movedId);
    moved.setStart(time("2027-03-23T13:00:00Z"));
    moved.setEnd(time("2027-03-23T14:00:00Z"));
    moved.setOriginalStart(time("2027-03-23T08:00:00Z"));
    modified.getOccurrence().add(moved);
    master.setModifiedOccurrences(modified);
    NonEmptyArrayOfDeletedOccurrencesType deleted = new NonEmptyArrayOfDeletedOccurrencesType();
    DeletedOccurrenceInfoType gone = new DeletedOccurrenceInfoType();
    gone.setStart(time("2027-03-30T07:00:00Z"));
    deleted.getDeletedOccurrence().add(gone);
    master.setDeletedOccurrences(deleted);

    MailEvent event = ExchangeEventBook.event(master);

    assertEquals("RRULE:FREQ=WEEKLY;BYDAY=TU", event.fields().recurrence());
    assertEquals(
        List.of(
            new EventFields.Occurrence(
                Instant.parse("2027-03-23T08:00:00Z"),
                Instant.parse("2027-03-23T13:00:00Z"),
                Instant.parse("2027-03-23T14:00:00Z"),
                false),
            new EventFields.Occurrence(Instant.parse("2027-03-30T07:00:00Z"), null, null, true)),
        event.fields().exceptions());
  }

  @Test
  void anAllDaySeriesIsReadAsItsDaysMidnightsInItsZone() throws Exception {
    // Exchange answers an all-day item's midnights in its zone as UTC times.
    CalendarItemType days = master("Romance Standard Time", null);
    days.setIsAllDayEvent(true);
    days.setStart(time("2027-03-15T23:00:00Z"));
    days.setEnd(time("2027-03-17T23:00:00Z"));
    EventFields fields = ExchangeEventBook.event(days).fields();
    assertTrue(fields.allDay());
    assertEquals("Europe/Paris", fields.timeZone());
    assertEquals(Instant.parse("2027-03-15T23:00:00Z"), fields.start());
    assertEquals(Instant.parse("2027-03-17T23:00:00Z"), fields.end());
    assertEquals("RRULE:FREQ=WEEKLY;BYDAY=TU", fields.recurrence(), "still a series");

    // Written in UTC because Windows has no id for the CRM's zone: the same days, there.
    CalendarItemType utc = master("UTC", "America/Ciudad_Juarez");
    utc.setIsAllDayEvent(true);
    utc.setStart(time("2027-03-16T00:00:00Z"));
    utc.setEnd(time("2027-03-17T00:00:00Z"));
    EventFields juarez = ExchangeEventBook.event(utc).fields();
    assertEquals(
        java.time.LocalDate.parse("2027-03-16")
            .atStartOfDay(java.time.ZoneId.of("America/Ciudad_Juarez"))
            .toInstant(),
        juarez.start());

    assertFalse(ExchangeEventBook.event(master("Romance Standard Time", null)).fields().allDay());
  }

  @Test
  void aSingleItemHasNoExceptions() throws Exception {
    CalendarItemType single = master("Romance Standard Time", null);
    single.setRecurrence(null);
    assertEquals(List.of(), ExchangeEventBook.event(single).fields().exceptions());
  }

  @Test
  void theZoneIsTheWrittenIanaZoneWhileExchangesStillStandsForIt() throws Exception {
    // Brussels and Paris share Romance Standard Time: the CRM keeps the one it wrote.
    assertEquals(
        "Europe/Brussels",
        ExchangeEventBook.event(master("Romance Standard Time", "Europe/Brussels"))
            .fields()
            .timeZone());
    // Changed in Outlook to Tokyo: the Windows zone wins, as its IANA zone.
    assertEquals(
        "Asia/Tokyo",
        ExchangeEventBook.event(master("Tokyo Standard Time", "Europe/Brussels"))
            .fields()
            .timeZone());
    // Made in Outlook: the Windows zone's own.
    assertEquals(
        "Europe/Paris",
        ExchangeEventBook.event(master("Romance Standard Time", null)).fields().timeZone());
    // A zone Windows has no id for went as UTC: the written one stays.
    assertEquals(
        "America/Ciudad_Juarez",
        ExchangeEventBook.event(master("UTC", "America/Ciudad_Juarez")).fields().timeZone());
  }

  @Test
  void aSeriesWrittenInUtcBeforeKeepsItsZoneAndItsDays() throws Exception {
    // Written before StartTimeZone was sent: Exchange holds it in UTC, Mailbridge's zone beside.
    // Wednesday 23:30 UTC is Thursday 00:30 in Paris.
    CalendarItemType master = master("UTC", "Europe/Paris");
    master.setStart(time("2027-03-17T23:30:00Z"));
    master.setEnd(time("2027-03-18T00:00:00Z"));
    master.getRecurrence().getWeeklyRecurrence().getDaysOfWeek().set(0, DayOfWeekType.WEDNESDAY);
    EventFields fields = ExchangeEventBook.event(master).fields();
    assertEquals("Europe/Paris", fields.timeZone());
    assertEquals("RRULE:FREQ=WEEKLY;BYDAY=TH", fields.recurrence());
  }
}
