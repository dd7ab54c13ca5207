package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.calendar.model.Event;
import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.FolderUnreadable;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.message.CalendarEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entries of {@code events.list} in Google's documented JSON, as capture sees them. */
class GoogleCalendarChangesTest {

  private static Event event(String json) throws IOException {
    return GsonFactory.getDefaultInstance().fromString(json, Event.class);
  }

  @Test
  void aTimedMeetingBecomesAMeetingAndAMessageViewForPolicy() throws IOException {
    Event e =
        event(
            """
            {"kind": "calendar#event", "id": "7cbh8rpc10lrc0ckih9tafss99", "status": "confirmed",
             "summary": "Review", "description": "Agenda: prices", "location": "Room 4",
             "organizer": {"email": "ada@contoso.example", "self": true},
             "start": {"dateTime": "2026-12-03T10:00:00+01:00", "timeZone": "Europe/Zurich"},
             "end": {"dateTime": "2026-12-03T10:45:00+01:00", "timeZone": "Europe/Zurich"},
             "iCalUID": "7cbh8rpc10lrc0ckih9tafss99@google.com",
             "attendees": [
               {"email": "ada@contoso.example", "organizer": true, "self": true,
                "responseStatus": "accepted"},
               {"email": "nora@fabrikam.example", "displayName": "Nora",
                "responseStatus": "tentative"},
               {"email": "c_188@resource.calendar.google.com", "displayName": "Room 4",
                "resource": true, "responseStatus": "accepted"},
               {"email": "bob@customer.example", "responseStatus": "declined"}],
             "hangoutLink": "https://meet.google.com/abc-defg-hij"}
            """);
    ItemChange change = GoogleCalendarChanges.change(e, ZoneOffset.UTC);
    assertTrue(change.calendar());
    assertFalse(change.removed());
    CalendarEvent meeting = change.event();
    assertEquals("7cbh8rpc10lrc0ckih9tafss99@google.com", meeting.iCalUid());
    assertEquals(Instant.parse("2026-12-03T09:00:00Z"), meeting.start());
    assertEquals(Instant.parse("2026-12-03T09:45:00Z"), meeting.end());
    assertEquals("Europe/Zurich", meeting.timeZone());
    assertEquals("Room 4", meeting.location());
    assertEquals("ada@contoso.example", meeting.organizer().email());
    assertEquals(4, meeting.attendees().size());
    assertEquals(CalendarEvent.Response.ORGANIZER, meeting.attendees().get(0).response());
    assertEquals(CalendarEvent.Response.TENTATIVE, meeting.attendees().get(1).response());
    assertEquals(CalendarEvent.Response.DECLINED, meeting.attendees().get(3).response());
    assertEquals("https://meet.google.com/abc-defg-hij", meeting.onlineMeetingUrl());
    assertTrue(meeting.onlineMeeting());
    assertEquals("Agenda: prices", meeting.bodyText());
    assertNull(meeting.bodyHtml());
    assertFalse(meeting.cancelled());
    // the room is no participant for matching and policy; the organizer is the sender
    assertEquals(
        List.of("ada@contoso.example", "nora@fabrikam.example", "bob@customer.example"),
        change.summary().to().stream().map(a -> a.email()).toList());
    assertEquals("ada@contoso.example", change.summary().from().email());
    assertTrue(change.summary().ownerSent());
    assertNull(change.marks().sensitivity());
  }

  @Test
  void anAllDayEventStartsAtMidnightInTheCalendarsZoneAndConferenceDataGivesTheJoinUrl()
      throws IOException {
    Event e =
        event(
            """
            {"id": "allday1", "status": "confirmed", "summary": "Offsite",
             "organizer": {"email": "ada@contoso.example"},
             "start": {"date": "2026-12-10"}, "end": {"date": "2026-12-11"},
             "iCalUID": "allday1@google.com", "description": "<b>Bring</b> slides<br>",
             "conferenceData": {"entryPoints": [
               {"entryPointType": "phone", "uri": "tel:+41-44-000"},
               {"entryPointType": "video", "uri": "https://zoom.example/j/1"}],
               "conferenceSolution": {"key": {"type": "addOn"}, "name": "Zoom"}}}
            """);
    CalendarEvent meeting = GoogleCalendarChanges.change(e, ZoneId.of("Europe/Zurich")).event();
    assertEquals(Instant.parse("2026-12-09T23:00:00Z"), meeting.start());
    assertEquals(Instant.parse("2026-12-10T23:00:00Z"), meeting.end());
    assertEquals("Europe/Zurich", meeting.timeZone());
    assertEquals("https://zoom.example/j/1", meeting.onlineMeetingUrl());
    assertEquals("<b>Bring</b> slides<br>", meeting.bodyHtml(), "HTML descriptions stay HTML");
    assertNull(meeting.bodyText());
  }

  @Test
  void eachOccurrenceOfARecurringMeetingIsAMeetingOfItsOwnSharedAcrossCalendars()
      throws IOException {
    String occurrence =
        """
        {"id": "%s", "status": "confirmed", "summary": "Weekly",
         "recurringEventId": "series1",
         "originalStartTime": {"dateTime": "2026-12-07T09:00:00Z"},
         "start": {"dateTime": "2026-12-07T10:00:00Z"}, "end": {"dateTime": "2026-12-07T10:30:00Z"},
         "iCalUID": "series1@google.com"}
        """;
    ItemChange adas =
        GoogleCalendarChanges.change(event(occurrence.formatted("series1_20261207T090000Z")), null);
    ItemChange bens =
        GoogleCalendarChanges.change(event(occurrence.formatted("other_20261207T090000Z")), null);
    assertEquals("series1@google.com/20261207T090000Z", adas.event().iCalUid());
    assertEquals(adas.event().identity(), bens.event().identity());
    Event next = event(occurrence.formatted("series1_20261214T090000Z"));
    next.getOriginalStartTime()
        .setDateTime(new com.google.api.client.util.DateTime("2026-12-14T09:00:00Z"));
    assertFalse(
        adas.event().identity().equals(GoogleCalendarChanges.change(next, null).event().identity()),
        "another occurrence is another meeting");
  }

  @Test
  void privateAndConfidentialAreThePolicysPrivateMarks() throws IOException {
    for (String visibility : List.of("private", "confidential")) {
      Event e =
          event(
              """
              {"id": "p1", "status": "confirmed", "visibility": "%s",
               "start": {"dateTime": "2026-12-03T10:00:00Z"},
               "end": {"dateTime": "2026-12-03T11:00:00Z"}, "iCalUID": "p1@google.com"}
              """
                  .formatted(visibility));
      assertEquals(visibility, GoogleCalendarChanges.change(e, null).marks().sensitivity());
    }
    Event open =
        event(
            """
            {"id": "p2", "visibility": "public", "start": {"dateTime": "2026-12-03T10:00:00Z"},
             "iCalUID": "p2@google.com"}
            """);
    assertNull(GoogleCalendarChanges.change(open, null).marks().sensitivity());
  }

  @Test
  void aCancelledMeetingStillDescribedIsMarkedAndADeletedOneIsRemoved() throws IOException {
    ItemChange cancelled =
        GoogleCalendarChanges.change(
            event(
                """
                {"id": "c1", "status": "cancelled", "summary": "Called off",
                 "start": {"dateTime": "2026-12-03T10:00:00Z"},
                 "end": {"dateTime": "2026-12-03T11:00:00Z"}, "iCalUID": "c1@google.com"}
                """),
            null);
    assertFalse(cancelled.removed());
    assertTrue(cancelled.event().cancelled());
    ItemChange deleted =
        GoogleCalendarChanges.change(
            event(
                """
                {"kind": "calendar#event", "etag": "\\"3181\\"", "id": "d1", "status": "cancelled"}
                """),
            null);
    assertTrue(deleted.removed());
    assertTrue(deleted.calendar());
    assertEquals("d1", deleted.itemId());
  }

  @Test
  void positionsKeepTheWindowAndTheTokensAndRefuseForeignOnes() {
    GoogleCalendarChanges.Position p =
        new GoogleCalendarChanges.Position(
            false, Instant.parse("2027-03-01T00:00:00Z"), "CPDAlvWDx70CEPDAlvWDx", null);
    assertEquals(p, GoogleCalendarChanges.Position.parse(p.stored()));
    GoogleCalendarChanges.Position paging =
        new GoogleCalendarChanges.Position(
            true, Instant.parse("2027-03-01T00:00:00Z"), null, "CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA");
    assertEquals(paging, GoogleCalendarChanges.Position.parse(paging.stored()));
    assertNull(GoogleCalendarChanges.Position.parse("d|2027-03-01T00:00:00Z|https://x"));
    assertNull(GoogleCalendarChanges.Position.parse("sync|not a time||"));
  }

  private static GoogleJsonResponseException answer(int status, String reason) {
    GoogleJsonError details = new GoogleJsonError();
    GoogleJsonError.ErrorInfo info = new GoogleJsonError.ErrorInfo();
    info.setReason(reason);
    details.setErrors(List.of(info));
    details.setCode(status);
    return new GoogleJsonResponseException(
        new HttpResponseException.Builder(status, "answer " + status, new HttpHeaders()), details);
  }

  @Test
  void googlesAnswersAreTheCalendarsOwnProblems() {
    assertTrue(
        GoogleCalendarChanges.refused(answer(410, "fullSyncRequired"))
            instanceof ChangePositionExpired);
    assertTrue(
        GoogleCalendarChanges.refused(answer(403, "insufficientPermissions"))
            instanceof FolderUnreadable);
    assertTrue(
        GoogleCalendarChanges.refused(answer(403, "accessNotConfigured"))
            instanceof FolderUnreadable);
    assertTrue(GoogleCalendarChanges.refused(answer(404, "notFound")) instanceof FolderUnreadable);
    // Google answers its rate limits with 403 too: those mean wait, not "no calendar"
    for (String limit : List.of("rateLimitExceeded", "userRateLimitExceeded")) {
      RuntimeException wait = GoogleCalendarChanges.refused(answer(403, limit));
      assertTrue(wait instanceof ProviderBusy, limit);
      assertFalse(wait instanceof FolderUnreadable, limit);
    }
    assertTrue(
        GoogleCalendarChanges.refused(answer(429, "rateLimitExceeded")) instanceof ProviderBusy);
    RuntimeException other = GoogleCalendarChanges.refused(answer(400, "invalid"));
    assertTrue(other instanceof ProviderRefused && !(other instanceof FolderUnreadable));
  }
}
