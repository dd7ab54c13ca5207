package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.Event;
import io.mailbridge.mailbox.control.EventFields;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a Graph event and the fields event sync carries map onto each other, all-day or timed, and
 * the create's transactionId Graph recognises a retried create by.
 */
class GraphEventBookTest {

  // 8 and 9 December in Paris: from midnight there to the midnight after the last day.
  private static final Instant PARIS_8 = Instant.parse("2026-12-07T23:00:00Z");
  private static final Instant PARIS_10 = Instant.parse("2026-12-09T23:00:00Z");

  private static EventFields fields(Instant start, Instant end, boolean allDay, String rule) {
    return new EventFields(
        "Trade fair",
        start,
        end,
        "Europe/Paris",
        null,
        null,
        List.of(),
        rule,
        List.of(),
        false,
        allDay);
  }

  private static DateTimeTimeZone time(String local, String zone) {
    DateTimeTimeZone time = new DateTimeTimeZone();
    time.setDateTime(local);
    time.setTimeZone(zone);
    return time;
  }

  @Test
  void anAllDayEventGoesAsIsAllDayWithMidnightsInItsZone() {
    Event event = GraphEventBook.graphEvent(fields(PARIS_8, PARIS_10, true, null));
    assertTrue(event.getIsAllDay());
    assertEquals("2026-12-08T00:00:00", event.getStart().getDateTime());
    assertEquals("Europe/Paris", event.getStart().getTimeZone());
    assertEquals("2026-12-10T00:00:00", event.getEnd().getDateTime(), "end exclusive");
    assertEquals("Europe/Paris", event.getEnd().getTimeZone());
  }

  @Test
  void anAllDaySeriesKeepsItsPatternFromItsFirstDay() {
    Event event =
        GraphEventBook.graphEvent(
            fields(
                PARIS_8, PARIS_8.plusSeconds(86_400), true, "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3"));
    assertTrue(event.getIsAllDay());
    assertEquals("2026-12-08", event.getRecurrence().getRange().getStartDate().toString());
    assertEquals("Europe/Paris", event.getRecurrence().getRange().getRecurrenceTimeZone());
  }

  @Test
  void aTimedEventSaysSoSoAnAllDayOneStopsBeingIt() {
    Instant nine = Instant.parse("2026-12-08T08:00:00Z");
    Event event = GraphEventBook.graphEvent(fields(nine, nine.plusSeconds(3600), false, null));
    assertFalse(event.getIsAllDay());
    assertEquals("2026-12-08T09:00:00", event.getStart().getDateTime());
  }

  @Test
  void anAllDayEventIsReadAsItsDaysMidnightsInItsZone() {
    Event e = new Event();
    e.setId("AAMkAGallday=");
    e.setSubject("Trade fair");
    e.setIsAllDay(true);
    e.setOriginalStartTimeZone("Europe/Paris");
    // Asked in UTC, Graph still shows an all-day event's own midnights.
    e.setStart(time("2026-12-08T00:00:00.0000000", "UTC"));
    e.setEnd(time("2026-12-10T00:00:00.0000000", "UTC"));

    EventFields read = GraphEventBook.event(e).fields();
    assertTrue(read.allDay());
    assertEquals(PARIS_8, read.start());
    assertEquals(PARIS_10, read.end());
    assertEquals("Europe/Paris", read.timeZone());

    e.setIsAllDay(false);
    assertFalse(GraphEventBook.event(e).fields().allDay());
    assertEquals(Instant.parse("2026-12-08T00:00:00Z"), GraphEventBook.event(e).fields().start());
  }

  private static MailboxAccess mailbox(String connectionId) {
    return new MailboxAccess(MailboxKind.GRAPH, "org-1", connectionId, null, () -> "token");
  }

  @Test
  void aRetriedCreateSendsTheSameTransactionIdAndOtherCreatesOthers() {
    String first = GraphEventBook.transactionId(mailbox("conn-1"), "crm-1");
    assertEquals(first, GraphEventBook.transactionId(mailbox("conn-1"), "crm-1"));
    assertNotEquals(first, GraphEventBook.transactionId(mailbox("conn-1"), "crm-2"));
    assertNotEquals(first, GraphEventBook.transactionId(mailbox("conn-2"), "crm-1"));
  }
}
