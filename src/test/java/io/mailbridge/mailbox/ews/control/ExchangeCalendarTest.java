package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxCalendar.BusyTime;
import io.mailbridge.mailbox.control.MailboxCalendar.CreatedMeeting;
import io.mailbridge.mailbox.control.MailboxCalendar.NewMeeting;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxNotConnected;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.SendRefused;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Exchange calendar against the fake Exchange on loopback: the GetUserAvailability, CreateItem
 * and FindItem requests in the shapes of the fixtures, Microsoft's free/busy answer read into busy
 * times, one meeting per key, and EWS's refusals and busy answers as the mailbox's problems.
 */
class ExchangeCalendarTest {

  private static final String ALICE = "alice@contoso.example";
  private static final String NORA = "nora.field@fabrikam.example";
  private static final Instant DAY = Instant.parse("2026-12-01T00:00:00Z");

  private FakeExchange exchange;
  private EwsClient ews;
  private ExchangeCalendar calendar;

  @BeforeEach
  void start() {
    exchange = FakeExchange.start();
    ews = ExchangeLoopback.client();
    calendar = new ExchangeCalendar();
    calendar.ews = ews;
    calendar.concurrency = ExchangeLoopback.concurrency();
    calendar.account =
        new ExchangeServiceAccount() {
          @Override
          ServiceCall call(MailboxAccess mailbox) {
            return new ServiceCall("connection-1", asAlice().impersonating(mailbox.appUser()));
          }
        };
  }

  @AfterEach
  void stop() {
    exchange.close();
  }

  private EwsCall asAlice() {
    return new EwsCall(
        URI.create(exchange.ewsUrl()),
        "Basic c3ZjOnNlY3JldA==",
        host -> Optional.of(new HostRule(true, true)),
        null,
        ALICE);
  }

  private MailboxAccess alice() {
    return new MailboxAccess(
        MailboxKind.EXCHANGE,
        "org-1",
        "connection-1",
        URI.create(exchange.ewsUrl()),
        () -> "Basic c3ZjOnNlY3JldA==",
        ALICE);
  }

  private static NewMeeting meeting(String key) {
    return new NewMeeting(
        "Meeting: Alice Archer and Nora Field",
        "Booked by Nora Field <" + NORA + "> through Mailbridge.",
        DAY.plus(Duration.ofHours(9)),
        DAY.plus(Duration.ofMinutes(9 * 60 + 30)),
        "Europe/Berlin",
        NORA,
        "Nora Field",
        key);
  }

  @Test
  void getUserAvailabilitySendsTheShapeOfTheFixture() throws Exception {
    exchange.impersonable.add(ALICE);
    ews.freeBusy(asAlice(), ALICE, DAY, DAY.plus(Duration.ofDays(7)));
    FakeExchange.Received sent = exchange.ewsRequests.get(0);
    assertEquals(
        EwsClientTest.shape(FakeExchange.fixture("getuseravailability-request.xml")),
        EwsClientTest.shape(sent.body()));
    assertEquals(ALICE, sent.anchorMailbox());
    assertTrue(sent.soapAction().contains("/2006/messages/GetUserAvailability"), sent.soapAction());
  }

  @Test
  void readsMicrosoftsAnswerAsBusyTimesInUtc() {
    exchange.answerNextWith(200, FakeExchange.fixture("getuseravailability-response.xml"));
    List<BusyTime> busy = calendar.busy(alice(), ALICE, DAY, DAY.plus(Duration.ofDays(7)));
    assertEquals(
        List.of(
            new BusyTime(
                Instant.parse("2026-12-01T09:00:00Z"), Instant.parse("2026-12-01T10:00:00Z")),
            // Free (10:00) and WorkingElsewhere (12:00) are free.
            new BusyTime(
                Instant.parse("2026-12-01T11:00:00Z"), Instant.parse("2026-12-01T11:30:00Z")),
            new BusyTime(
                Instant.parse("2026-12-02T00:00:00Z"), Instant.parse("2026-12-03T00:00:00Z")),
            new BusyTime(
                Instant.parse("2026-12-03T14:00:00Z"), Instant.parse("2026-12-03T15:00:00Z")),
            // Given with an offset: read as it says.
            new BusyTime(
                Instant.parse("2026-12-04T17:00:00Z"), Instant.parse("2026-12-04T17:30:00.500Z")),
            // A BusyType Mailbridge does not know is not free.
            new BusyTime(
                Instant.parse("2026-12-07T16:00:00Z"), Instant.parse("2026-12-07T17:00:00Z"))),
        busy);
  }

  @Test
  void theFakesAnswerIsReadTheSameWay() {
    exchange.impersonable.add(ALICE);
    exchange.addBusy(
        ALICE, DAY.plus(Duration.ofHours(10)), DAY.plus(Duration.ofHours(11)), "Busy", "x");
    exchange.addBusy(
        ALICE, DAY.plus(Duration.ofHours(12)), DAY.plus(Duration.ofHours(13)), "Free", "y");
    assertEquals(
        List.of(new BusyTime(DAY.plus(Duration.ofHours(10)), DAY.plus(Duration.ofHours(11)))),
        calendar.busy(alice(), ALICE, DAY, DAY.plus(Duration.ofDays(1))));
  }

  @Test
  void aWindowLongerThanExchangeAnswersIsAskedInParts() {
    exchange.impersonable.add(ALICE);
    Instant late = DAY.plus(Duration.ofDays(50));
    exchange.addBusy(ALICE, late, late.plus(Duration.ofHours(1)), "Busy", "late");
    List<BusyTime> busy =
        calendar.busy(alice(), ALICE, DAY.plusMillis(300), DAY.plus(Duration.ofDays(60)));
    assertEquals(List.of(new BusyTime(late, late.plus(Duration.ofHours(1)))), busy);
    assertEquals(2, exchange.ewsRequests.size(), "42 days, then the rest");
    assertTrue(exchange.ewsRequests.get(0).body().contains("2026-12-01T00:00:00<"));
    assertTrue(exchange.ewsRequests.get(0).body().contains("2027-01-12T00:00:00<"));
  }

  @Test
  void anErrorForTheMailboxInsideA200IsRefused() {
    exchange.answerNextWith(200, FakeExchange.fixture("getuseravailability-error-in-response.xml"));
    ProviderRefused refused =
        assertThrows(
            ProviderRefused.class,
            () -> calendar.busy(alice(), ALICE, DAY, DAY.plus(Duration.ofDays(1))));
    assertEquals(502, ErrorAnswer.status(refused));
    assertTrue(refused.getMessage().contains("ErrorMailRecipientNotFound"), refused.getMessage());
  }

  @Test
  void impersonationDeniedAsAFaultIsRefused() {
    // The service account may not act as Alice: Exchange answers HTTP 500 with a SOAP fault.
    ProviderRefused refused =
        assertThrows(
            ProviderRefused.class,
            () -> calendar.busy(alice(), ALICE, DAY, DAY.plus(Duration.ofDays(1))));
    assertEquals(502, ErrorAnswer.status(refused));
    assertTrue(refused.getMessage().contains("ErrorImpersonateUserDenied"), refused.getMessage());
  }

  @Test
  void busyAnswersAreRetriedThenAre503() {
    exchange.impersonable.add(ALICE);
    exchange.answerNextWith(
        200, FakeExchange.fixture("getuseravailability-serverbusy-in-response.xml"));
    exchange.answerNextWith(500, FakeExchange.fixture("serverbusy-fault.xml"));
    assertEquals(List.of(), calendar.busy(alice(), ALICE, DAY, DAY.plus(Duration.ofDays(1))));
    assertEquals(3, exchange.ewsRequests.size());

    for (int i = 0; i < 3; i++) {
      exchange.answerNextWith(500, FakeExchange.fixture("serverbusy-fault.xml"));
    }
    ProviderBusy busy =
        assertThrows(
            ProviderBusy.class,
            () -> calendar.busy(alice(), ALICE, DAY, DAY.plus(Duration.ofDays(1))));
    assertEquals(503, ErrorAnswer.status(busy));
    assertEquals("exchange_busy", busy.code());
  }

  @Test
  void createItemAndFindItemSendTheShapesOfTheFixtures() throws Exception {
    exchange.impersonable.add(ALICE);
    CreatedMeeting made = calendar.createMeeting(alice(), meeting("booking-1"));
    List<FakeExchange.Received> requests = exchange.ewsRequests;
    assertEquals(2, requests.size(), "look, then make");
    assertEquals(
        EwsClientTest.shape(FakeExchange.fixture("finditem-calendar-request.xml")),
        EwsClientTest.shape(requests.get(0).body()));
    assertEquals(
        EwsClientTest.shape(FakeExchange.fixture("createitem-meeting-request.xml")),
        EwsClientTest.shape(requests.get(1).body()));
    for (FakeExchange.Received request : requests) {
      assertEquals(ALICE, request.anchorMailbox());
    }
    FakeExchange.FakeMeeting meeting = exchange.meetingsOf(ALICE).get(0);
    assertEquals(meeting.itemId(), made.providerEventId());
    assertEquals(meeting.uid(), made.iCalUid());
    assertEquals(ExchangeCalendar.uid("booking-1"), made.iCalUid());
    assertEquals(List.of(NORA), meeting.attendees());
    assertEquals("SendToAllAndSaveCopy", meeting.sendMeetingInvitations());
    assertEquals(DAY.plus(Duration.ofHours(9)), meeting.start());
  }

  @Test
  void theSameKeyMakesOneMeetingAndAnotherKeyAnother() {
    exchange.impersonable.add(ALICE);
    CreatedMeeting first = calendar.createMeeting(alice(), meeting("booking-1"));
    CreatedMeeting again = calendar.createMeeting(alice(), meeting("booking-1"));
    assertEquals(first, again);
    assertEquals(1, exchange.meetingsOf(ALICE).size());
    CreatedMeeting other = calendar.createMeeting(alice(), meeting("booking-2"));
    assertNotEquals(first.providerEventId(), other.providerEventId());
    assertNotEquals(first.iCalUid(), other.iCalUid());
    assertEquals(2, exchange.meetingsOf(ALICE).size());
  }

  @Test
  void aMeetingMadeWhoseAnswerWasLostIsFoundNotMadeAgain() {
    exchange.impersonable.add(ALICE);
    exchange.meetingAnswersLost.set(1);
    CreatedMeeting made = calendar.createMeeting(alice(), meeting("booking-1"));
    assertEquals(1, exchange.meetingsOf(ALICE).size());
    assertEquals(exchange.meetingsOf(ALICE).get(0).itemId(), made.providerEventId());
    assertEquals(3, exchange.ewsRequests.size(), "look, make (answer lost), look again");
  }

  @Test
  void aRefusedMeetingIsASendRefusalAndNothingIsMade() {
    SendRefused refused =
        assertThrows(
            SendRefused.class, () -> calendar.createMeeting(alice(), meeting("booking-1")));
    assertTrue(refused.getMessage().contains("ErrorImpersonateUserDenied"), refused.getMessage());
    assertEquals(502, ErrorAnswer.status(refused));
    assertEquals(List.of(), exchange.meetingsOf(ALICE));
  }

  @Test
  void aBusyCreationIsRetriedAndMakesOneMeeting() {
    exchange.impersonable.add(ALICE);
    // The look-up goes through; the creation is throttled once.
    exchange.answerNextFor(ALICE, 200, emptyFindItem());
    exchange.answerNextFor(ALICE, 500, FakeExchange.fixture("serverbusy-fault.xml"));
    calendar.createMeeting(alice(), meeting("booking-1"));
    assertEquals(1, exchange.meetingsOf(ALICE).size());
  }

  @Test
  void aMailboxOpenedWithACallbackTokenHasNoCalendarHere() {
    MailboxAccess callbackToken =
        new MailboxAccess(
            MailboxKind.EXCHANGE, "org-1", null, URI.create(exchange.ewsUrl()), () -> "token");
    assertThrows(
        MailboxNotConnected.class,
        () -> calendar.busy(callbackToken, ALICE, DAY, DAY.plus(Duration.ofDays(1))));
    assertEquals(0, exchange.ewsRequests.size());
  }

  private static String emptyFindItem() {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        + "<m:FindItemResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\""
        + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\">"
        + "<m:ResponseMessages><m:FindItemResponseMessage ResponseClass=\"Success\">"
        + "<m:ResponseCode>NoError</m:ResponseCode>"
        + "<m:RootFolder TotalItemsInView=\"0\" IncludesLastItemInRange=\"true\"><t:Items/></m:RootFolder>"
        + "</m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>";
  }
}
