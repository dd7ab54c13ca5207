package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.models.Attendee;
import com.microsoft.graph.models.AttendeeType;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.Location;
import com.microsoft.graph.models.Recipient;
import com.microsoft.graph.models.ResponseStatus;
import com.microsoft.graph.models.ResponseType;
import com.microsoft.graph.models.Sensitivity;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.message.CalendarEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphCalendarViewTest {

  private static EmailAddress email(String address) {
    EmailAddress email = new EmailAddress();
    email.setAddress(address);
    email.setName("Name of " + address);
    return email;
  }

  private static Attendee attendee(String address, AttendeeType type, ResponseType response) {
    Attendee a = new Attendee();
    a.setEmailAddress(email(address));
    a.setType(type);
    ResponseStatus status = new ResponseStatus();
    status.setResponse(response);
    a.setStatus(status);
    return a;
  }

  private static DateTimeTimeZone time(String dateTime, String zone) {
    DateTimeTimeZone t = new DateTimeTimeZone();
    t.setDateTime(dateTime);
    t.setTimeZone(zone);
    return t;
  }

  @Test
  void anEventBecomesAMeetingAndAMessageViewForPolicy() {
    Event e = new Event();
    e.setId("AAMkAGI2TG93AAA=");
    e.setICalUId("040000008200E00074C5B7101A82E008");
    e.setSubject("Review");
    e.setStart(time("2026-12-03T09:00:00.0000000", "UTC"));
    e.setEnd(time("2026-12-03T10:00:00.0000000", "Europe/Berlin"));
    Location location = new Location();
    location.setDisplayName("Room 4");
    e.setLocation(location);
    Recipient organizer = new Recipient();
    organizer.setEmailAddress(email("rep@ourco.example"));
    e.setOrganizer(organizer);
    e.setAttendees(
        List.of(
            attendee("nora@fabrikam.example", AttendeeType.Required, ResponseType.Accepted),
            attendee("room4@ourco.example", AttendeeType.Resource, ResponseType.Accepted)));
    e.setSensitivity(Sensitivity.Private);
    e.setIsCancelled(true);
    e.setIsOnlineMeeting(true);
    ItemBody body = new ItemBody();
    body.setContentType(BodyType.Text);
    body.setContent("Agenda");
    e.setBody(body);
    e.setCategories(List.of("Customers"));

    ItemChange change = GraphCalendarView.change(e);
    assertTrue(change.calendar());
    assertFalse(change.removed());
    CalendarEvent event = change.event();
    assertEquals(Instant.parse("2026-12-03T09:00:00Z"), event.start());
    assertEquals(Instant.parse("2026-12-03T09:00:00Z"), event.end(), "10:00 Berlin is 09:00 UTC");
    assertEquals("Room 4", event.location());
    assertEquals(2, event.attendees().size());
    assertEquals(CalendarEvent.Response.ACCEPTED, event.attendees().get(0).response());
    assertTrue(event.cancelled());
    assertTrue(event.onlineMeeting());
    assertEquals("Agenda", event.bodyText());
    assertNull(event.bodyHtml());
    assertEquals("ical:040000008200E00074C5B7101A82E008", event.identity());
    // the message view: organizer as sender, people as recipients, rooms left out
    assertEquals("rep@ourco.example", change.summary().from().email());
    assertEquals(1, change.summary().to().size());
    assertEquals("nora@fabrikam.example", change.summary().to().get(0).email());
    assertEquals("private", change.marks().sensitivity());
    assertEquals(List.of("Customers"), change.marks().categories());
  }

  @Test
  void anAllDayEventIsCapturedAsItsDaysInItsZone() {
    Event e = new Event();
    e.setId("AAMkAGallday=");
    e.setICalUId("040000008200E00074C5B7101A82E009");
    e.setSubject("Trade fair");
    e.setIsAllDay(true);
    e.setOriginalStartTimeZone("Europe/Paris");
    // Graph shows an all-day event's midnights as they are, whatever zone was asked for.
    e.setStart(time("2026-12-08T00:00:00.0000000", "UTC"));
    e.setEnd(time("2026-12-10T00:00:00.0000000", "UTC"));

    CalendarEvent event = GraphCalendarView.change(e).event();
    assertTrue(event.allDay());
    assertEquals(Instant.parse("2026-12-07T23:00:00Z"), event.start());
    assertEquals(Instant.parse("2026-12-09T23:00:00Z"), event.end());
    assertEquals("Europe/Paris", event.timeZone());
  }

  @Test
  void aRemovedEventCarriesOnlyItsId() {
    Event e = new Event();
    e.setId("gone");
    Map<String, Object> extra = new HashMap<>();
    extra.put("@removed", Map.of("reason", "deleted"));
    e.setAdditionalData(extra);
    ItemChange change = GraphCalendarView.change(e);
    assertTrue(change.removed());
    assertTrue(change.calendar());
    assertEquals("gone", change.itemId());
  }
}
