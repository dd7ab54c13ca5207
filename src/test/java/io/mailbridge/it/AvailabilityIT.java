package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.FakeProviders.CalendarItem;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.productivity.control.BookingTokens;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * Insert availability against the fake Graph and Google calendars in their wire formats: the offer
 * leaves out busy times, the public booking page shows only the open slots and the rep's name
 * (never a subject of the calendar), a booking makes the meeting at the provider with the attendee
 * invited and logs it to the attendee's contact, two recipients racing for one slot get one 200 and
 * one 409, a slot that filled since is refused with the rest, an expired or forged link shows
 * nothing, and a connection not granted calendar access is refused before any calendar call.
 */
@ExtendWith(ArquillianExtension.class)
class AvailabilityIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  private static final String SECRET_SUBJECT = "Secret merger talk with Northwind";

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject BookingTokens tokens;
  @Inject RawDatabase raw;

  private static FakeProviders fake() {
    return FakeProviders.get();
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  private record Setup(Org org, String account, String mailboxId) {}

  private Setup setup(String provider) {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String account = OAuthOrgs.account("avail");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), provider, account);
    return new Setup(org, account, mailboxId);
  }

  /** The first working day after two days from now, 00:00 UTC: far from "now" in every test. */
  private static Instant nextWorkingDay() {
    Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2));
    while (java.time.DayOfWeek.from(day.atZone(java.time.ZoneOffset.UTC)).getValue() > 5) {
      day = day.plus(Duration.ofDays(1));
    }
    return day;
  }

  private JsonObject offer(Setup s, String timeZone, int days) {
    ApiClient.Reply reply =
        api()
            .post(
                "/api/availability",
                s.org().repToken(),
                Json.createObjectBuilder()
                    .add("durationMinutes", 60)
                    .add("days", days)
                    .add("mailboxId", s.mailboxId())
                    .add("timeZone", timeZone)
                    .build()
                    .toString());
    assertEquals(201, reply.status(), reply.body());
    return reply.json();
  }

  private static String token(JsonObject offer) {
    String url = offer.getString("bookingUrl");
    return url.substring(url.lastIndexOf('/') + 1);
  }

  private HttpResponse<String> page(String token) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base() + "/book/" + token)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private ApiClient.Reply book(
      String offerId, String token, String start, String name, String email) {
    return book(base(), offerId, token, start, name, email);
  }

  private static ApiClient.Reply book(
      String base, String offerId, String token, String start, String name, String email) {
    return new ApiClient(base)
        .post(
            "/api/availability/" + offerId + "/book",
            null,
            Json.createObjectBuilder()
                .add("token", token)
                .add("slot", start)
                .add("name", name)
                .add("email", email)
                .build()
                .toString());
  }

  private static List<String> starts(JsonObject offer) {
    return offer.getJsonArray("slots").getValuesAs(JsonObject.class).stream()
        .map(s -> s.getString("start"))
        .toList();
  }

  @Test
  void graphOfferLeavesOutBusyTimesAndBookingMakesTheMeetingAndLogsIt() throws Exception {
    Setup s = setup("microsoft");
    Instant day = nextWorkingDay();
    // 10:00-11:00 UTC is busy: 10:00 is not offered, 09:00 and 11:00 are.
    fake()
        .addBusy(
            s.account(),
            SECRET_SUBJECT,
            day.plus(Duration.ofHours(10)),
            day.plus(Duration.ofHours(11)));
    String nora = OAuthOrgs.account("nora");
    String contact = testOrgs.contact(s.org().admin().orgId(), "Nora", "Field", nora);

    JsonObject offer = offer(s, "UTC", 7);
    List<String> starts = starts(offer);
    assertTrue(starts.contains(day.plus(Duration.ofHours(9)).toString()), starts.toString());
    assertFalse(starts.contains(day.plus(Duration.ofHours(10)).toString()), "busy time offered");
    assertTrue(starts.contains(day.plus(Duration.ofHours(11)).toString()));
    assertFalse(offer.toString().contains(SECRET_SUBJECT));
    assertTrue(offer.getString("bookingUrl").startsWith("http://mailbridge.it.example/book/b."));

    // The public page: the rep's name and the slots, nothing of the busy event.
    HttpResponse<String> page = page(token(offer));
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains(s.org().rep().displayName()), page.body());
    assertFalse(page.body().contains(SECRET_SUBJECT), "a busy event's subject on the page");
    assertFalse(page.body().contains("Room 4.2"), "a busy event's location on the page");
    String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
    assertFalse(page.body().contains("<script>"), "inline script");

    String slot = day.plus(Duration.ofHours(11)).toString();
    ApiClient.Reply booked = book(offer.getString("id"), token(offer), slot, "Nora Field", nora);
    assertEquals(200, booked.status(), booked.body());
    assertEquals(slot, booked.json().getString("start"));

    // The meeting is in the rep's calendar at the provider, with Nora invited.
    CalendarItem meeting =
        fake().calendarOf(s.account()).stream()
            .filter(i -> i.attendees().contains(nora))
            .findFirst()
            .orElseThrow();
    assertEquals(Instant.parse(slot), meeting.start());
    assertEquals(Instant.parse(slot).plus(Duration.ofHours(1)), meeting.end());
    assertTrue(
        fake().invitations.contains(s.account().toLowerCase() + " -> " + nora)
            || fake().invitations.contains(s.account() + " -> " + nora),
        fake().invitations.toString());

    // Logged on Nora's timeline as an event.
    ApiClient.Reply timeline =
        api().get("/api/records/contacts/" + contact + "/timeline", s.org().repToken());
    assertEquals(200, timeline.status(), timeline.body());
    List<JsonObject> items = timeline.json().getJsonArray("items").getValuesAs(JsonObject.class);
    assertEquals(1, items.size(), timeline.body());
    assertEquals("EVENT", items.get(0).getString("type"));

    // The offer is closed: the page says so and another booking is 409 with nothing left.
    assertFalse(page(token(offer)).body().contains("slot-0"));
    ApiClient.Reply again =
        book(
            offer.getString("id"),
            token(offer),
            starts.get(0),
            "Olaf Other",
            OAuthOrgs.account("olaf"));
    assertEquals(409, again.status(), again.body());
    assertEquals(0, again.json().getJsonArray("slots").size());
  }

  @Test
  void googleBookingInvitesTheAttendeeAndASlotThatFilledIsRefusedWithTheRest() throws Exception {
    Setup s = setup("google");
    Instant day = nextWorkingDay();
    JsonObject offer = offer(s, "Europe/Berlin", 7);
    List<String> starts = starts(offer);
    // 09:00 in Berlin is 08:00 UTC in winter, 07:00 UTC in summer: the first slot of a day.
    assertTrue(
        starts.contains(day.plus(Duration.ofHours(8)).toString())
            || starts.contains(day.plus(Duration.ofHours(7)).toString()),
        starts.toString());
    // The first slot fills after the offer was made.
    Instant first = Instant.parse(starts.get(0));
    fake().addBusy(s.account(), SECRET_SUBJECT, first, first.plus(Duration.ofMinutes(30)));
    ApiClient.Reply refused =
        book(offer.getString("id"), token(offer), starts.get(0), "Pia", OAuthOrgs.account("pia"));
    assertEquals(409, refused.status(), refused.body());
    List<String> left =
        refused.json().getJsonArray("slots").getValuesAs(JsonObject.class).stream()
            .map(x -> x.getString("start"))
            .toList();
    assertEquals(starts.subList(1, starts.size()), left);
    assertFalse(refused.body().contains(SECRET_SUBJECT));

    String pia = OAuthOrgs.account("pia");
    ApiClient.Reply booked = book(offer.getString("id"), token(offer), starts.get(1), "Pia", pia);
    assertEquals(200, booked.status(), booked.body());
    assertTrue(
        fake().calendarOf(s.account()).stream()
            .anyMatch(
                i ->
                    i.attendees().contains(pia) && i.start().equals(Instant.parse(starts.get(1)))));
    assertTrue(
        fake().invitations.stream().anyMatch(i -> i.endsWith("-> " + pia)), "sendUpdates=all");
  }

  @Test
  void twoRecipientsRacingForOneSlotOneWins() throws Exception {
    Setup s = setup("microsoft");
    JsonObject offer = offer(s, "UTC", 7);
    String slot = starts(offer).get(0);
    int before = fake().calendarOf(s.account()).size();
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
                return book(
                    base, offer.getString("id"), token(offer), slot, who, OAuthOrgs.account(who));
              }));
    }
    go.countDown();
    List<Integer> statuses = new ArrayList<>();
    ApiClient.Reply loser = null;
    for (Future<ApiClient.Reply> f : replies) {
      ApiClient.Reply r = f.get();
      statuses.add(r.status());
      if (r.status() == 409) {
        loser = r;
      }
    }
    pool.shutdown();
    Collections.sort(statuses);
    assertEquals(List.of(200, 409), statuses);
    assertEquals("slot_taken", loser.json().getString("error"));
    assertTrue(loser.json().containsKey("slots"));
    assertEquals(1, fake().calendarOf(s.account()).size() - before, "one meeting made");
  }

  @Test
  void expiredForgedAndOtherOffersTokensShowNothing() throws Exception {
    Setup s = setup("microsoft");
    JsonObject offer = offer(s, "UTC", 7);
    String id = offer.getString("id");
    String slot = starts(offer).get(0);

    String expired = tokens.issue(id, Instant.now().minusSeconds(60));
    HttpResponse<String> gone = page(expired);
    assertEquals(410, gone.statusCode());
    assertFalse(gone.body().contains(s.org().rep().displayName()));
    assertFalse(gone.body().contains(slot.substring(0, 13)));
    assertEquals(410, book(id, expired, slot, "Eve", OAuthOrgs.account("eve")).status());

    String real = token(offer);
    String forged = real.substring(0, real.length() - 2) + (real.endsWith("AA") ? "BA" : "AA");
    HttpResponse<String> notFound = page(forged);
    assertEquals(404, notFound.statusCode());
    assertFalse(notFound.body().contains(s.org().rep().displayName()));
    ApiClient.Reply refused = book(id, forged, slot, "Eve", OAuthOrgs.account("eve"));
    assertEquals(404, refused.status(), refused.body());
    assertFalse(refused.body().contains(id));
    assertEquals(404, page("not-a-token").statusCode());

    // A genuine token of another offer does not book this one.
    JsonObject other = offer(s, "UTC", 7);
    assertNotEquals(id, other.getString("id"));
    assertEquals(404, book(id, token(other), slot, "Eve", OAuthOrgs.account("eve")).status());
  }

  @Test
  void offersNeedASignedInRepAndTheirOwnMailbox() {
    Setup s = setup("microsoft");
    assertEquals(401, api().post("/api/availability", null, "{\"durationMinutes\":30}").status());
    ApiClient.Reply otherOrg =
        api()
            .post(
                "/api/availability",
                testOrgs.signedIn("avail-other", api()).repToken(),
                Json.createObjectBuilder().add("mailboxId", s.mailboxId()).build().toString());
    assertEquals(404, otherOrg.status(), otherOrg.body());
    ApiClient.Reply zone =
        api()
            .post(
                "/api/availability",
                s.org().repToken(),
                Json.createObjectBuilder().add("timeZone", "Mars/Olympus").build().toString());
    assertEquals(400, zone.status(), zone.body());
  }

  /** What a consent granted when the calendar scopes were not asked for (or were left out). */
  private static final String MICROSOFT_WITHOUT_CALENDAR =
      "openid email profile offline_access https://graph.microsoft.com/Mail.ReadWrite.Shared"
          + " https://graph.microsoft.com/User.Read https://graph.microsoft.com/Mail.Send"
          + " https://graph.microsoft.com/Contacts.ReadWrite";

  private static final String GOOGLE_WITHOUT_CALENDAR =
      "openid email https://www.googleapis.com/auth/gmail.modify";

  private static final String NO_CALENDAR =
      " yet: reconnect the mailbox to allow calendar access (My mailboxes → Reconnect).";

  private JsonObject mailbox(Setup s) {
    return OAuthOrgs.mailboxes(api(), s.org().repToken()).stream()
        .filter(m -> m.getString("id").equals(s.mailboxId()))
        .findFirst()
        .orElseThrow();
  }

  private ApiClient.Reply tryOffer(Setup s) {
    return api()
        .post(
            "/api/availability",
            s.org().repToken(),
            Json.createObjectBuilder()
                .add("durationMinutes", 30)
                .add("mailboxId", s.mailboxId())
                .build()
                .toString());
  }

  @Test
  void aConnectionWithoutCalendarAccessIsRefusedBeforeAnyCalendarCallUntilReconnected() {
    for (String provider : List.of("microsoft", "google")) {
      Org org = OAuthOrgs.create(testOrgs, api(), fake());
      String account = OAuthOrgs.account("nocal-" + provider);
      fake()
          .grantedScopes
          .put(
              account,
              provider.equals("microsoft") ? MICROSOFT_WITHOUT_CALENDAR : GOOGLE_WITHOUT_CALENDAR);
      Setup s =
          new Setup(org, account, OAuthOrgs.connect(base(), org.repToken(), provider, account));
      JsonObject listed = mailbox(s);
      assertFalse(listed.getBoolean("canUseCalendar"), listed.toString());
      assertEquals("/api/oauth/" + provider + "/start", listed.getString("reconnect"));

      ApiClient.Reply refused = tryOffer(s);
      assertEquals(409, refused.status(), refused.body());
      assertEquals("mailbox_cannot_use_calendar", refused.error());
      assertEquals(
          "Mailbridge may not use the calendar of " + account + NO_CALENDAR,
          refused.json().getString("message"));
      assertEquals(List.of(), fake().calendarCallsOf(account), "no calendar call: " + provider);

      // The rep reconnects, now granting everything asked: calendar access included.
      fake().grantedScopes.remove(account);
      assertEquals(s.mailboxId(), OAuthOrgs.connect(base(), org.repToken(), provider, account));
      listed = mailbox(s);
      assertTrue(listed.getBoolean("canUseCalendar"), listed.toString());
      assertTrue(listed.isNull("reconnect"), listed.toString());
      ApiClient.Reply offered = tryOffer(s);
      assertEquals(201, offered.status(), offered.body());
      assertFalse(fake().calendarCallsOf(account).isEmpty());
    }
  }

  @Test
  void aBookingAfterTheConnectionLostCalendarAccessMakesNoCallAndLeavesTheOfferOpen()
      throws Exception {
    Setup s = setup("microsoft");
    JsonObject offer = offer(s, "UTC", 7);
    List<String> starts = starts(offer);
    int calls = fake().calendarCallsOf(s.account()).size();
    // The rep connected again meanwhile and left the calendar permission out.
    raw.update(
        "UPDATE mailbox_connection SET scopes = ? WHERE id = ?",
        "https://graph.microsoft.com/mail.readwrite.shared https://graph.microsoft.com/user.read",
        s.mailboxId());

    ApiClient.Reply refused =
        book(offer.getString("id"), token(offer), starts.get(0), "Ute", OAuthOrgs.account("ute"));
    assertEquals(409, refused.status(), refused.body());
    assertEquals("mailbox_not_connected", refused.error());
    assertFalse(refused.body().contains(s.account()), "the rep's address shown to the recipient");
    assertEquals(calls, fake().calendarCallsOf(s.account()).size(), "no calendar call");
    // Nothing was booked: the claim was let go and every slot is still offered on the page.
    String page = page(token(offer)).body();
    for (String start : starts) {
      assertTrue(page.contains("value=\"" + start + "\""), start + " no longer offered");
    }
  }
}
