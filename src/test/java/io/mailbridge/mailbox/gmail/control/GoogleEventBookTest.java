package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.util.Data;
import com.google.api.client.util.DateTime;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.EventAttendee;
import com.google.api.services.calendar.model.EventDateTime;
import io.mailbridge.mailbox.control.EventFields;
import io.mailbridge.mailbox.control.MailEvent;
import io.mailbridge.message.MailAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a Google event and the fields event sync carries map onto each other. */
class GoogleEventBookTest {

  private static final Instant START = Instant.parse("2026-12-08T08:00:00Z");

  private static Event series() {
    return new Event()
        .setId("abc")
        .setICalUID("abc@google.com")
        .setEtag("\"3181\"")
        .setUpdated(new DateTime("2026-12-01T10:00:00.000Z"))
        .setSummary("Standup")
        .setLocation("")
        .setDescription("Plan")
        .setStart(
            new EventDateTime()
                .setDateTime(new DateTime("2026-12-08T09:00:00+01:00"))
                .setTimeZone("Europe/Paris"))
        .setEnd(
            new EventDateTime()
                .setDateTime(new DateTime("2026-12-08T09:30:00+01:00"))
                .setTimeZone("Europe/Paris"))
        .setRecurrence(
            List.of(
                "EXDATE;TZID=Europe/Paris:20261210T090000",
                "RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH"))
        .setAttendees(
            List.of(
                new EventAttendee()
                    .setEmail("rep@contoso.example")
                    .setSelf(true)
                    .setOrganizer(true),
                new EventAttendee().setEmail("room@contoso.example").setResource(true),
                new EventAttendee().setEmail("nora@fabrikam.example").setDisplayName("Nora")));
  }

  @Test
  void aGoogleSeriesIsReadWithItsRuleZoneAndPeopleButNotItsOwner() {
    MailEvent event = GoogleEventBook.event(series(), List.of());
    EventFields fields = event.fields();
    assertEquals("abc", event.id());
    assertEquals("\"3181\"", event.etag());
    assertEquals(event.etag(), event.changeKey());
    assertEquals(Instant.parse("2026-12-01T10:00:00Z"), event.modifiedAt());
    assertEquals(START, fields.start());
    assertEquals(START.plusSeconds(1800), fields.end());
    assertEquals("Europe/Paris", fields.timeZone());
    assertNull(fields.location(), "an empty location is none");
    assertEquals("RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10", fields.recurrence(), "normalized");
    assertEquals(List.of(new MailAddress("nora@fabrikam.example", "Nora")), fields.attendees());
    assertFalse(fields.online());
  }

  @Test
  void fieldsGoOutWithTheirZoneOrUtcAndEmptyValuesClearGooglesFields() {
    EventFields fields =
        new EventFields(
            "Kickoff",
            START,
            START.plusSeconds(3600),
            null,
            null,
            null,
            List.of(new MailAddress("nora@fabrikam.example", null)),
            "RRULE:FREQ=DAILY;COUNT=3",
            List.of(),
            false,
            false);
    Event event = GoogleEventBook.googleEvent(fields);
    assertEquals("UTC", event.getStart().getTimeZone(), "a series needs a zone");
    assertEquals(START.toEpochMilli(), event.getStart().getDateTime().getValue());
    assertEquals("", event.getLocation());
    assertEquals("", event.getDescription());
    assertEquals(List.of("RRULE:FREQ=DAILY;COUNT=3"), event.getRecurrence());
    assertEquals("nora@fabrikam.example", event.getAttendees().get(0).getEmail());
    assertNull(event.getAttendees().get(0).getDisplayName());
    assertTrue(event.getExtendedProperties() == null, "the mark is added by create only");
  }

  @Test
  void aDateOnlyEventIsReadAsAllDayInTheZoneItNamesOrUtc() {
    Event days =
        series()
            .setStart(new EventDateTime().setDate(new DateTime("2026-12-08")))
            .setEnd(new EventDateTime().setDate(new DateTime("2026-12-10")));
    EventFields fields = GoogleEventBook.event(days, List.of()).fields();
    assertTrue(fields.allDay());
    assertEquals(Instant.parse("2026-12-08T00:00:00Z"), fields.start());
    assertEquals(Instant.parse("2026-12-10T00:00:00Z"), fields.end(), "end date exclusive");
    assertNull(fields.timeZone());
    assertEquals("RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10", fields.recurrence(), "still a series");

    days.setStart(
        new EventDateTime().setDate(new DateTime("2026-12-08")).setTimeZone("Europe/Paris"));
    fields = GoogleEventBook.event(days, List.of()).fields();
    assertEquals(Instant.parse("2026-12-07T23:00:00Z"), fields.start());
    assertEquals(Instant.parse("2026-12-09T23:00:00Z"), fields.end());
    assertEquals("Europe/Paris", fields.timeZone());

    assertFalse(GoogleEventBook.event(series(), List.of()).fields().allDay());
  }

  @Test
  void anAllDayEventGoesAsDatesInItsZoneAndATimedOneClearsTheDate() {
    // 8 and 9 December in Paris: midnight there to the midnight after the last day.
    EventFields days =
        new EventFields(
            "Trade fair",
            Instant.parse("2026-12-07T23:00:00Z"),
            Instant.parse("2026-12-09T23:00:00Z"),
            "Europe/Paris",
            null,
            null,
            List.of(),
            "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3",
            List.of(),
            false,
            true);
    Event event = GoogleEventBook.googleEvent(days);
    assertEquals("2026-12-08", event.getStart().getDate().toStringRfc3339());
    assertTrue(event.getStart().getDate().isDateOnly());
    assertEquals("2026-12-10", event.getEnd().getDate().toStringRfc3339(), "exclusive");
    assertTrue(Data.isNull(event.getStart().getDateTime()), "dateTime cleared");
    assertEquals("Europe/Paris", event.getStart().getTimeZone());
    assertEquals(List.of("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3"), event.getRecurrence());

    Event timed =
        GoogleEventBook.googleEvent(
            new EventFields(
                "Kickoff",
                START,
                START.plusSeconds(3600),
                null,
                null,
                null,
                List.of(),
                null,
                List.of(),
                false,
                false));
    assertTrue(Data.isNull(timed.getStart().getDate()), "date cleared");
    assertEquals(START.toEpochMilli(), timed.getStart().getDateTime().getValue());
  }
}
