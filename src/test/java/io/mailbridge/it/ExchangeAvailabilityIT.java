package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.mailbox.control.SendingMailboxes;
import io.mailbridge.productivity.control.Availability;
import io.mailbridge.productivity.control.FreeSlots.WorkingHours;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Insert availability on Exchange on-premises against the fake Exchange in EWS's SOAP: the org's
 * service account (Basic) impersonates the rep with {@code X-AnchorMailbox} on every request;
 * GetUserAvailability's busy times are left out of the offer (Free and WorkingElsewhere stay
 * offered), a booking makes exactly one meeting with the attendee and {@code SendToAllAndSaveCopy}
 * and logs it, a creation whose answer was lost and two recipients racing still make one meeting,
 * and EWS faults (impersonation refused, server busy) are the API's 502 and 503 with the offer left
 * open. An add-in session of Outlook on the org's Exchange server reads the Exchange calendar when
 * the rep has other mailboxes too.
 */
@ExtendWith(ArquillianExtension.class)
class ExchangeAvailabilityIT {

  private static final String USER = "svc-mailbridge";
  private static final String PASSWORD = "correct exchange password";
  private static final String SECRET_SUBJECT = "Secret merger talk with Northwind";

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject SendingMailboxes sending;
  @Inject Availability availability;

  /** One fake Exchange for the class, over plain HTTP on loopback (allowed per host). */
  static final class Shared {
    static final FakeExchange FAKE = start();

    private static FakeExchange start() {
      FakeExchange fake = FakeExchange.start();
      fake.requireBasic(USER, PASSWORD);
      return fake;
    }
  }

  private static FakeExchange fake() {
    return Shared.FAKE;
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  private record Setup(String orgId, String adminToken, String repToken, String rep, Instant day) {}

  /** An org whose Exchange connection lists the rep, whom the service account may act as. */
  private Setup setup() {
    TestOrgs.SignedInOrg org = testOrgs.signedIn("exchange-avail", api());
    connectExchange(org.adminToken(), org.rep().email());
    return new Setup(
        org.orgId(),
        org.adminToken(),
        org.repToken(),
        org.rep().email().toLowerCase(Locale.ROOT),
        day());
  }

  private void connectExchange(String adminToken, String rep) {
    ApiClient.Reply hosts =
        api()
            .put(
                "/api/admin/exchange/hosts",
                adminToken,
                "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]");
    assertEquals(200, hosts.status(), hosts.body());
    ApiClient.Reply connection =
        api()
            .put(
                "/api/admin/exchange/connection",
                adminToken,
                Json.createObjectBuilder()
                    .add("ewsUrl", fake().ewsUrl())
                    .add("auth", "basic")
                    .add("username", USER)
                    .add("password", PASSWORD)
                    .add("users", Json.createArrayBuilder().add(rep))
                    .build()
                    .toString());
    assertEquals(200, connection.status(), connection.body());
    fake().impersonable.add(rep.toLowerCase(Locale.ROOT));
  }

  /** 00:00 UTC three days from now: the one working day of the offers below. */
  private static Instant day() {
    return Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(3));
  }

  private static DayOfWeek weekday(Instant day) {
    return DayOfWeek.from(day.atZone(ZoneOffset.UTC));
  }

  /** An hour-long-slot offer over seven days whose only working day is {@code s.day()}. */
  private ApiClient.Reply offer(Setup s) {
    return api()
        .post(
            "/api/availability",
            s.repToken(),
            Json.createObjectBuilder()
                .add("durationMinutes", 60)
                .add("days", 7)
                .add("timeZone", "UTC")
                .add(
                    "workingHours",
                    Json.createObjectBuilder()
                        .add("start", "09:00")
                        .add("end", "17:00")
                        .add("days", Json.createArrayBuilder().add(weekday(s.day()).name())))
                .build()
                .toString());
  }

  private JsonObject offered(Setup s) {
    ApiClient.Reply reply = offer(s);
    assertEquals(201, reply.status(), reply.body());
    return reply.json();
  }

  private static String token(JsonObject offer) {
    String url = offer.getString("bookingUrl");
    return url.substring(url.lastIndexOf('/') + 1);
  }

  private static ApiClient.Reply book(
      String base, JsonObject offer, String start, String name, String email) {
    return new ApiClient(base)
        .post(
            "/api/availability/" + offer.getString("id") + "/book",
            null,
            Json.createObjectBuilder()
                .add("token", token(offer))
                .add("slot", start)
                .add("name", name)
                .add("email", email)
                .build()
                .toString());
  }

  private ApiClient.Reply book(JsonObject offer, String start, String name, String email) {
    return book(base(), offer, start, name, email);
  }

  private static List<String> starts(JsonObject offer) {
    return offer.getJsonArray("slots").getValuesAs(JsonObject.class).stream()
        .map(s -> s.getString("start"))
        .toList();
  }

  private static String at(Setup s, int hour) {
    return s.day().plus(Duration.ofHours(hour)).toString();
  }

  /**
   * This rep's EWS requests since {@code from}, of the operation named (e.g. GetUserAvailability).
   */
  private static List<FakeExchange.Received> requests(String rep, int from, String operation) {
    List<FakeExchange.Received> all = fake().ewsRequests;
    return all.subList(from, all.size()).stream()
        .filter(r -> r.body().contains("PrimarySmtpAddress>" + rep + "<"))
        .filter(
            r ->
                r.soapAction() != null
                    && r.soapAction().replace("\"", "").endsWith("/messages/" + operation))
        .toList();
  }

  /**
   * Every request made as the rep went as the service account impersonating and anchored to them.
   */
  private static void asTheRep(List<FakeExchange.Received> requests, String rep) {
    assertFalse(requests.isEmpty());
    for (FakeExchange.Received r : requests) {
      assertEquals(rep, r.anchorMailbox(), "X-AnchorMailbox");
      assertTrue(r.authorization().startsWith("Basic "), "the service account's Basic");
      assertFalse(r.body().contains(PASSWORD));
    }
    assertTrue(
        fake().anchorProblems.stream().noneMatch(p -> p.contains(rep)),
        fake().anchorProblems.toString());
  }

  @Test
  void theOfferLeavesOutExchangesBusyTimesAndABookingMakesOneMeeting() {
    Setup s = setup();
    Instant d = s.day();
    fake()
        .addBusy(
            s.rep(),
            d.plus(Duration.ofHours(10)),
            d.plus(Duration.ofHours(11)),
            "Busy",
            SECRET_SUBJECT);
    fake()
        .addBusy(
            s.rep(), d.plus(Duration.ofHours(12)), d.plus(Duration.ofHours(13)), "Free", "Lunch");
    fake()
        .addBusy(
            s.rep(),
            d.plus(Duration.ofHours(14)),
            d.plus(Duration.ofHours(15)),
            "Tentative",
            "Maybe");
    fake()
        .addBusy(
            s.rep(),
            d.plus(Duration.ofHours(15)),
            d.plus(Duration.ofHours(16)),
            "WorkingElsewhere",
            "Home");
    fake()
        .addBusy(
            s.rep(),
            d.plus(Duration.ofHours(16)),
            d.plus(Duration.ofMinutes(16 * 60 + 30)),
            "OOF",
            "Gone");
    String nora = OAuthOrgs.account("nora");
    String contact = testOrgs.contact(s.orgId(), "Nora", "Field", nora);
    int before = fake().ewsRequests.size();

    JsonObject offer = offered(s);
    assertEquals(
        List.of(at(s, 9), at(s, 11), at(s, 12), at(s, 13), at(s, 15)),
        starts(offer),
        "busy, tentative and out of office are left out");
    assertFalse(offer.toString().contains(SECRET_SUBJECT));
    List<FakeExchange.Received> availability = requests(s.rep(), before, "GetUserAvailability");
    assertEquals(1, availability.size());
    asTheRep(availability, s.rep());
    // Asked in UTC, the rep's own calendar, times and BusyType only.
    // Whatever prefix (or none) the marshaller gave the types namespace in this JVM.
    assertTrue(
        java.util.regex.Pattern.compile("<(\\w+:)?Bias(\\s[^>]*)?>0</(\\w+:)?Bias>")
            .matcher(availability.get(0).body())
            .find(),
        availability.get(0).body());
    assertTrue(availability.get(0).body().contains(">FreeBusy</"), availability.get(0).body());
    assertTrue(availability.get(0).body().contains("Address>" + s.rep() + "<"));

    int beforeBooking = fake().ewsRequests.size();
    ApiClient.Reply booked = book(offer, at(s, 11), "Nora Field", nora);
    assertEquals(200, booked.status(), booked.body());
    assertEquals(at(s, 11), booked.json().getString("start"));

    List<FakeExchange.FakeMeeting> meetings = fake().meetingsOf(s.rep());
    assertEquals(1, meetings.size(), meetings.toString());
    FakeExchange.FakeMeeting meeting = meetings.get(0);
    assertEquals(List.of(nora), meeting.attendees());
    assertEquals("SendToAllAndSaveCopy", meeting.sendMeetingInvitations());
    assertEquals(Instant.parse(at(s, 11)), meeting.start());
    assertEquals(Instant.parse(at(s, 12)), meeting.end());
    List<FakeExchange.Received> bookingCalls = new ArrayList<>();
    bookingCalls.addAll(requests(s.rep(), beforeBooking, "GetUserAvailability"));
    bookingCalls.addAll(requests(s.rep(), beforeBooking, "FindItem"));
    bookingCalls.addAll(requests(s.rep(), beforeBooking, "CreateItem"));
    assertEquals(3, bookingCalls.size(), "re-check, look for the meeting, make it");
    asTheRep(bookingCalls, s.rep());

    // Logged on Nora's timeline as an event.
    ApiClient.Reply timeline =
        api().get("/api/records/contacts/" + contact + "/timeline", s.repToken());
    assertEquals(200, timeline.status(), timeline.body());
    List<JsonObject> items = timeline.json().getJsonArray("items").getValuesAs(JsonObject.class);
    assertEquals(1, items.size(), timeline.body());
    assertEquals("EVENT", items.get(0).getString("type"));

    // The offer is closed: nobody else books, nothing more is made.
    ApiClient.Reply again = book(offer, at(s, 13), "Olaf Other", OAuthOrgs.account("olaf"));
    assertEquals(409, again.status(), again.body());
    assertEquals(1, fake().meetingsOf(s.rep()).size());
  }

  @Test
  void aCreationWhoseAnswerWasLostIsFoundAndNotMadeTwice() {
    Setup s = setup();
    JsonObject offer = offered(s);
    fake().meetingAnswersLost.set(1);
    String pia = OAuthOrgs.account("pia");
    ApiClient.Reply booked = book(offer, starts(offer).get(0), "Pia", pia);
    assertEquals(200, booked.status(), booked.body());
    assertEquals(0, fake().meetingAnswersLost.get(), "the answer was lost");
    List<FakeExchange.FakeMeeting> meetings = fake().meetingsOf(s.rep());
    assertEquals(1, meetings.size(), meetings.toString());
    assertEquals(List.of(pia), meetings.get(0).attendees());
  }

  @Test
  void twoRecipientsRacingForOneSlotMakeOneMeeting() throws Exception {
    Setup s = setup();
    JsonObject offer = offered(s);
    String slot = starts(offer).get(0);
    // The injected request is request-scoped: the racing threads get the server's address here.
    String base = base();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<ApiClient.Reply>> replies = new ArrayList<>();
    for (String who : List.of("racer-a", "racer-b")) {
      replies.add(
          pool.submit(
              () -> {
                go.await();
                return book(base, offer, slot, who, OAuthOrgs.account(who));
              }));
    }
    go.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (Future<ApiClient.Reply> f : replies) {
      statuses.add(f.get().status());
    }
    pool.shutdown();
    Collections.sort(statuses);
    assertEquals(List.of(200, 409), statuses);
    assertEquals(1, fake().meetingsOf(s.rep()).size(), "one meeting made");
  }

  @Test
  void impersonationRefusedIs502AndTheOfferStaysOpen() {
    Setup s = setup();
    // The Exchange admin took the rep out of the service account's impersonation scope.
    fake().impersonable.remove(s.rep());
    ApiClient.Reply refused = offer(s);
    assertEquals(502, refused.status(), refused.body());
    assertEquals("exchange_error", refused.error());
    assertTrue(refused.body().contains("ErrorImpersonateUserDenied"), refused.body());

    fake().impersonable.add(s.rep());
    JsonObject offer = offered(s);
    fake().impersonable.remove(s.rep());
    ApiClient.Reply bookingRefused =
        book(offer, starts(offer).get(0), "Quinn", OAuthOrgs.account("quinn"));
    assertEquals(502, bookingRefused.status(), bookingRefused.body());
    assertEquals(List.of(), fake().meetingsOf(s.rep()));

    fake().impersonable.add(s.rep());
    ApiClient.Reply booked = book(offer, starts(offer).get(0), "Quinn", OAuthOrgs.account("quinn"));
    assertEquals(200, booked.status(), "the offer stayed open: " + booked.body());
    assertEquals(1, fake().meetingsOf(s.rep()).size());
  }

  @Test
  void aBusyExchangeIs503WithRetryAfterAndTheOfferStaysOpen() {
    Setup s = setup();
    String busyFault = FakeExchange.fixture("serverbusy-fault.xml");
    // Busy at every attempt the client makes (mailbridge.ews.busy-attempts, 3).
    for (int i = 0; i < 3; i++) {
      fake().answerNextFor(s.rep(), 500, busyFault);
    }
    ApiClient.Reply busy = offer(s);
    assertEquals(503, busy.status(), busy.body());
    assertEquals("exchange_busy", busy.error());
    assertTrue(busy.raw().headers().firstValue("Retry-After").isPresent());

    JsonObject offer = offered(s);
    for (int i = 0; i < 3; i++) {
      fake().answerNextFor(s.rep(), 500, busyFault);
    }
    ApiClient.Reply busyBooking =
        book(offer, starts(offer).get(0), "Rosa", OAuthOrgs.account("rosa"));
    assertEquals(503, busyBooking.status(), busyBooking.body());
    assertEquals(List.of(), fake().meetingsOf(s.rep()));

    ApiClient.Reply booked = book(offer, starts(offer).get(0), "Rosa", OAuthOrgs.account("rosa"));
    assertEquals(200, booked.status(), "the offer stayed open: " + booked.body());
    assertEquals(1, fake().meetingsOf(s.rep()).size());
  }

  @Test
  void anOutlookOnExchangeSessionReadsTheExchangeCalendarBesidesOtherMailboxes() {
    OAuthOrgs.Org org = OAuthOrgs.create(testOrgs, api(), FakeProviders.get());
    String graphMailbox =
        OAuthOrgs.connect(base(), org.repToken(), "microsoft", OAuthOrgs.account("avail"));
    connectExchange(org.adminToken(), org.rep().email());
    String rep = org.rep().email().toLowerCase(Locale.ROOT);
    String orgId = org.admin().orgId();
    String exchangeMailbox = sending.exchangeOf(orgId, org.rep().id()).orElseThrow().id();

    // Two calendars and no session to tell which: the rep names one.
    ApiClient.Reply ambiguous =
        api().post("/api/availability", org.repToken(), "{\"durationMinutes\":30}");
    assertEquals(400, ambiguous.status(), ambiguous.body());

    Instant d = day();
    WorkingHours hours =
        new WorkingHours(EnumSet.of(weekday(d)), LocalTime.of(9, 0), LocalTime.of(17, 0));
    Availability.OfferRequest request = new Availability.OfferRequest(60, 7, null, "UTC", hours);
    int before = fake().ewsRequests.size();
    Availability.OfferView onExchange =
        availability.offer(new Availability.Owner(orgId, org.rep().id(), null, true), request);
    assertFalse(onExchange.slots().isEmpty());
    assertEquals(1, requests(rep, before, "GetUserAvailability").size(), "Exchange's calendar");

    // A Microsoft 365 session's own mailbox wins, and Exchange is not asked.
    int beforeGraph = fake().ewsRequests.size();
    availability.offer(new Availability.Owner(orgId, org.rep().id(), graphMailbox, false), request);
    assertEquals(0, requests(rep, beforeGraph, "GetUserAvailability").size());

    // Named explicitly, the Exchange mailbox is the org's connection.
    ApiClient.Reply named =
        api()
            .post(
                "/api/availability",
                org.repToken(),
                Json.createObjectBuilder()
                    .add("mailboxId", exchangeMailbox)
                    .add("durationMinutes", 60)
                    .add("timeZone", "UTC")
                    .build()
                    .toString());
    assertEquals(201, named.status(), named.body());
  }
}
