package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeCalendar;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.mailbox.control.EventFields;
import io.mailbridge.mailbox.control.MailEvent;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.ews.stubs.RecurrenceType;
import io.mailbridge.message.MailAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A series with exceptions written to the fake Exchange on loopback: CreateItem in the series' own
 * zone, then each exception by OccurrenceItemId (GetItem to check it, DeleteItem or UpdateItem), in
 * the shapes of the fixtures; an exception already there, one the pattern does not have and one on
 * a deleted occurrence write nothing.
 */
class ExchangeEventBookTest {

  private static final String ALICE = "alice@contoso.example";
  private static final String NORA = "nora.field@fabrikam.example";
  // Tuesday 16 March 2027, 09:00 in Paris (UTC+1): Tuesdays and Thursdays, ten times.
  private static final Instant FIRST = Instant.parse("2027-03-16T08:00:00Z");
  private static final EventFields.Occurrence CANCELLED =
      new EventFields.Occurrence(Instant.parse("2027-03-18T08:00:00Z"), null, null, true);
  private static final EventFields.Occurrence MOVED =
      new EventFields.Occurrence(
          Instant.parse("2027-03-23T08:00:00Z"),
          Instant.parse("2027-03-23T10:00:00Z"),
          Instant.parse("2027-03-23T10:30:00Z"),
          false);

  private FakeExchange exchange;
  private ExchangeEventBook book;

  @BeforeEach
  void start() {
    exchange = FakeExchange.start();
    exchange.impersonable.add(ALICE);
    book = new ExchangeEventBook();
    book.ews = ExchangeLoopback.client();
    book.concurrency = ExchangeLoopback.concurrency();
    book.pageSize = 512;
    book.account = ExchangeLoopback.serviceAccount(exchange, ALICE);
  }

  @AfterEach
  void stop() {
    exchange.close();
  }

  private MailboxAccess alice() {
    return ExchangeLoopback.mailbox(exchange, ALICE);
  }

  private static EventFields standup(List<EventFields.Occurrence> exceptions) {
    return new EventFields(
        "Standup",
        FIRST,
        FIRST.plus(Duration.ofMinutes(30)),
        "Europe/Paris",
        null,
        "Daily status",
        List.of(new MailAddress(NORA, "Nora Field")),
        "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10",
        exceptions,
        false,
        false);
  }

  private List<String> operations() {
    return exchange.ewsRequests.stream()
        .map(r -> r.soapAction().substring(r.soapAction().lastIndexOf('/') + 1))
        .map(a -> a.replace("\"", ""))
        .toList();
  }

  private String shape(int request) throws Exception {
    return EwsClientTest.shape(exchange.ewsRequests.get(request).body());
  }

  @Test
  void aSeriesGoesInItsZoneAndItsExceptionsByOccurrenceItemId() throws Exception {
    MailEvent made = book.create(alice(), standup(List.of(CANCELLED, MOVED)), "evt-1");

    assertEquals(
        List.of(
            "FindItem", "CreateItem", "GetItem", "DeleteItem", "GetItem", "UpdateItem", "GetItem"),
        operations());
    assertEquals(
        EwsClientTest.shape(FakeExchange.fixture("createitem-series-request.xml")), shape(1));
    assertEquals(
        EwsClientTest.shape(FakeExchange.fixture("getitem-occurrence-request.xml")),
        shape(2).replace(made.id(), "AAMkADseries="));
    assertEquals(
        EwsClientTest.shape(FakeExchange.fixture("deleteitem-occurrence-request.xml")),
        shape(3).replace(made.id(), "AAMkADseries="));
    assertEquals(
        EwsClientTest.shape(FakeExchange.fixture("updateitem-occurrence-request.xml")),
        shape(5).replace(made.id(), "AAMkADseries="));
    FakeCalendar.Item series = exchange.calendar.in(ALICE).get(0);
    assertEquals("Romance Standard Time", series.startTimeZone);
    assertEquals(Set.of(2), series.deleted);
    assertEquals(
        new FakeCalendar.Item.Moved(series.moved.get(3).id(), MOVED.start(), MOVED.end()),
        series.moved.get(3));
    assertEquals(series.changeKey(), made.changeKey(), "the master's ChangeKey after them all");
  }

  @Test
  void anAllDaySeriesGoesAsIsAllDayEventAtItsZonesMidnightsAndStaysSoWhenChanged()
      throws Exception {
    // Tuesdays and Thursdays in Paris, whole days: from midnight there to the next midnight.
    Instant tuesday = Instant.parse("2027-03-15T23:00:00Z");
    EventFields days =
        new EventFields(
            "Trade fair",
            tuesday,
            tuesday.plus(Duration.ofDays(1)),
            "Europe/Paris",
            null,
            null,
            List.of(),
            "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4",
            List.of(),
            false,
            true);

    MailEvent made = book.create(alice(), days, "evt-1");

    // The look-up of an item a lost create made comes first (FindItem), then the CreateItem.
    assertEquals(List.of("FindItem", "CreateItem"), operations().subList(0, 2));
    assertTrue(exchange.ewsRequests.get(1).body().contains("IsAllDayEvent>true<"));
    FakeCalendar.Item item = exchange.calendar.in(ALICE).get(0);
    assertTrue(item.allDay);
    assertEquals("Romance Standard Time", item.startTimeZone);
    assertEquals(tuesday, item.start, "Exchange kept them: they were midnights in its zone");
    assertEquals(tuesday.plus(Duration.ofDays(1)), item.end);
    assertEquals(Instant.parse("2027-03-17T23:00:00Z"), item.occurrenceStart(2), "a series");
    assertTrue(made.fields().allDay());

    exchange.ewsRequests.clear();
    EventFields renamed =
        new EventFields(
            "Trade fair (B12)",
            days.start(),
            days.end(),
            days.timeZone(),
            null,
            null,
            List.of(),
            days.recurrence(),
            List.of(),
            false,
            true);
    book.update(alice(), made.id(), item.changeKey(), renamed);
    String update = exchange.ewsRequests.get(exchange.ewsRequests.size() - 1).body();
    assertTrue(update.contains("calendar:IsAllDayEvent"), update);
    assertTrue(item.allDay, "still all-day");
    assertEquals("Trade fair (B12)", item.subject);
    assertEquals(tuesday, item.start);

    EventFields timed =
        new EventFields(
            "Trade fair (B12)",
            FIRST,
            FIRST.plus(Duration.ofMinutes(30)),
            days.timeZone(),
            null,
            null,
            List.of(),
            days.recurrence(),
            List.of(),
            false,
            false);
    book.update(alice(), made.id(), item.changeKey(), timed);
    assertFalse(item.allDay, "a timed event again");
    assertEquals(FIRST, item.start);
  }

  @Test
  void exceptionsAlreadyThereAndOnesWithoutAnOccurrenceWriteNothing() {
    MailEvent made = book.create(alice(), standup(List.of(CANCELLED, MOVED)), "evt-1");
    FakeCalendar.Item series = exchange.calendar.in(ALICE).get(0);
    exchange.calendar.deleteOccurrenceByHand(series.id, 5); // Tuesday 30 March
    exchange.ewsRequests.clear();
    EventFields.Occurrence onAWednesday =
        new EventFields.Occurrence(Instant.parse("2027-03-17T08:00:00Z"), null, null, true);
    EventFields.Occurrence onTheDeleted =
        new EventFields.Occurrence(
            Instant.parse("2027-03-30T07:00:00Z"),
            Instant.parse("2027-03-30T09:00:00Z"),
            Instant.parse("2027-03-30T09:30:00Z"),
            false);

    MailEvent updated =
        book.update(
            alice(),
            made.id(),
            series.changeKey(),
            standup(List.of(CANCELLED, MOVED, onAWednesday, onTheDeleted)));

    // The master read and written (its pattern left alone); the occurrence deleted in Outlook
    // is among the master's DeletedOccurrences, so it is not even looked at.
    assertEquals(List.of("GetItem", "UpdateItem"), operations());
    assertEquals(false, exchange.ewsRequests.get(1).body().contains("Recurrence>"));
    assertEquals(Set.of(2, 5), series.deleted);
    assertEquals(series.changeKey(), updated.changeKey());
  }

  @Test
  void anOccurrenceExchangeSaysIsOutOfTheSeriesIsNotWritten() {
    exchange.answerNextWith(200, FakeExchange.fixture("finditem-calendar-empty-response.xml"));
    exchange.answerNextWith(200, FakeExchange.fixture("createitem-calendar-response.xml"));
    exchange.answerNextWith(200, FakeExchange.fixture("getitem-occurrence-outofrange.xml"));

    MailEvent made = book.create(alice(), standup(List.of(MOVED)), "evt-1");

    assertEquals(List.of("FindItem", "CreateItem", "GetItem"), operations(), "no UpdateItem of it");
    assertEquals("DwAAABYAAAA1", made.changeKey());
  }

  @Test
  void aMoveExchangeRefusesIsLeftAndTheOtherExceptionsWritten() {
    // Occurrence 3 (Tuesday 23 March) onto the day of occurrence 4 (Thursday 25 March).
    EventFields.Occurrence ontoItsNeighbour =
        new EventFields.Occurrence(
            MOVED.originalStart(),
            Instant.parse("2027-03-25T12:00:00Z"),
            Instant.parse("2027-03-25T12:30:00Z"),
            false);

    MailEvent made = book.create(alice(), standup(List.of(CANCELLED, ontoItsNeighbour)), "evt-1");

    assertEquals(
        List.of(
            "FindItem", "CreateItem", "GetItem", "DeleteItem", "GetItem", "UpdateItem", "GetItem"),
        operations(),
        "the refused move does not stop the cancellation");
    FakeCalendar.Item series = exchange.calendar.in(ALICE).get(0);
    assertEquals(Set.of(2), series.deleted);
    assertEquals(java.util.Map.of(), series.moved, "ErrorOccurrenceCrossingBoundary");
    assertEquals(series.changeKey(), made.changeKey());
  }

  @Test
  void aCreateRepeatedAfterALostAnswerFindsTheFirstItemAndMakesNoSecond() {
    exchange.calendar.createAnswersLost.set(1);
    assertThrows(RuntimeException.class, () -> book.create(alice(), standup(List.of()), "evt-1"));
    assertEquals(1, exchange.calendar.in(ALICE).size(), "Exchange made it");

    MailEvent again = book.create(alice(), standup(List.of()), "evt-1");

    FakeCalendar.Item only = exchange.calendar.in(ALICE).get(0);
    assertEquals(1, exchange.calendar.in(ALICE).size(), "no second item");
    assertEquals(only.id, again.id());
    assertEquals(only.changeKey(), again.changeKey());
    assertEquals(ExchangeEventBook.uid("evt-1"), again.iCalUid());
    assertEquals(java.util.Optional.of("evt-1"), book.mark(alice(), again));
  }

  @Test
  void aSeriesWrittenInUtcBeforeGetsItsPatternAgainInItsOwnZone() {
    // As Mailbridge wrote a series before it sent StartTimeZone: UTC, its zone in the property.
    RecurrenceType utcPattern =
        ExchangeEventBook.recurrence(
            new EventFields(
                "Standup",
                FIRST,
                FIRST.plus(Duration.ofMinutes(30)),
                null,
                null,
                null,
                List.of(),
                "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10",
                List.of(),
                false,
                false));
    FakeCalendar.Item series =
        exchange.calendar.addSeriesByHand(
            ALICE,
            "Standup",
            FIRST,
            FIRST.plus(Duration.ofMinutes(30)),
            null,
            utcPattern,
            List.of());
    series.properties.put(FakeExchange.LOGGED_PROPERTY_SET + "|MailbridgeTimeZone", "Europe/Paris");

    book.update(alice(), series.id, series.changeKey(), standup(List.of()));

    assertEquals(List.of("GetItem", "UpdateItem"), operations());
    assertTrue(exchange.ewsRequests.get(1).body().contains("Recurrence>"), "the pattern again");
    assertEquals("Romance Standard Time", series.startTimeZone);
  }
}
