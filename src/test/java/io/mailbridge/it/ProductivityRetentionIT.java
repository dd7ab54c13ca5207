package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.productivity.control.ProductivityRetention;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The productivity retention job: ended scheduled sends older than their keep time, tracked emails
 * older than the tracking retention, and availability offers that expired or were booked longer ago
 * than their keep time go (with their sealed MIME, their opens, their bookings), pending sends,
 * offers that can still be booked and recent data stay, another org's data is untouched, and the
 * counts reach the audit log.
 */
@ExtendWith(ArquillianExtension.class)
class ProductivityRetentionIT {

  private static final Pattern PIXEL = Pattern.compile("src=\"[^\"]*(/t/o/[^\"]+)\"");
  private static final String NORA = "nora.retention@customer.example";

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject RawDatabase raw;
  @Inject ProductivityRetention retention;

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  private void drain() {
    while (true) {
      List<ClaimedJob> claimed = jobs.claim("it-productivity-retention", 1, Duration.ofMinutes(5));
      if (claimed.isEmpty()) {
        return;
      }
      runner.run(claimed.get(0));
    }
  }

  private record Setup(Org org, String mailboxId, String nora) {}

  private Setup setup() {
    Org org = OAuthOrgs.create(testOrgs, api(), FakeProviders.get());
    String account = OAuthOrgs.account("retention");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "microsoft", account);
    String nora = testOrgs.contact(org.admin().orgId(), "Nora", "Retention", NORA);
    return new Setup(org, mailboxId, nora);
  }

  private String schedule(Setup s, Instant at) {
    String mime =
        "MIME-Version: 1.0\r\nTo: "
            + NORA
            + "\r\nSubject: Retention "
            + UUID.randomUUID()
            + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello Nora\r\n";
    ApiClient.Reply reply =
        api()
            .post(
                "/api/scheduled-sends",
                s.org().repToken(),
                Json.createObjectBuilder()
                    .add("mailboxId", s.mailboxId())
                    .add("sendAt", at.toString())
                    .add(
                        "mime",
                        Base64.getEncoder().encodeToString(mime.getBytes(StandardCharsets.UTF_8)))
                    .add("recordIds", Json.createArrayBuilder().add(s.nora()))
                    .build()
                    .toString());
    assertEquals(201, reply.status(), reply.body());
    return reply.json().getString("id");
  }

  private String state(Setup s, String sendId) {
    ApiClient.Reply reply = api().get("/api/scheduled-sends/" + sendId, s.org().repToken());
    return reply.status() == 404 ? "gone" : reply.json().getString("state");
  }

  private JsonObject track(Setup s) {
    ApiClient.Reply reply =
        api()
            .post(
                "/api/tracking/prepare",
                s.org().repToken(),
                Json.createObjectBuilder()
                    .add("html", "<html><body><p>Offer</p></body></html>")
                    .add("recipients", Json.createArrayBuilder().add(NORA))
                    .build()
                    .toString());
    assertEquals(200, reply.status(), reply.body());
    assertTrue(reply.json().getBoolean("tracked"), reply.body());
    return reply.json();
  }

  private void open(JsonObject tracked) throws Exception {
    Matcher m = PIXEL.matcher(tracked.getString("html"));
    assertTrue(m.find(), tracked.toString());
    HttpResponse<byte[]> pixel =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base() + m.group(1)))
                    .header(
                        "User-Agent",
                        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
                            + " (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, pixel.statusCode());
  }

  private JsonObject offer(Setup s) {
    ApiClient.Reply reply =
        api()
            .post(
                "/api/availability",
                s.org().repToken(),
                Json.createObjectBuilder()
                    .add("durationMinutes", 30)
                    .add("mailboxId", s.mailboxId())
                    .build()
                    .toString());
    assertEquals(201, reply.status(), reply.body());
    return reply.json();
  }

  private void book(JsonObject offer, String who) {
    String url = offer.getString("bookingUrl");
    ApiClient.Reply reply =
        api()
            .post(
                "/api/availability/" + offer.getString("id") + "/book",
                null,
                Json.createObjectBuilder()
                    .add("token", url.substring(url.lastIndexOf('/') + 1))
                    .add("slot", offer.getJsonArray("slots").getJsonObject(0).getString("start"))
                    .add("name", who)
                    .add("email", who + "@booker.example")
                    .build()
                    .toString());
    assertEquals(200, reply.status(), reply.body());
  }

  private boolean offerExists(JsonObject offer) throws Exception {
    return !raw.strings("SELECT id FROM availability_offer WHERE id = ?", offer.getString("id"))
        .isEmpty();
  }

  private boolean bookingExists(JsonObject offer) throws Exception {
    return !raw.strings(
            "SELECT id FROM availability_booking WHERE offer_id = ?", offer.getString("id"))
        .isEmpty();
  }

  @Test
  void availabilityOffersThatEndedLongAgoGoWithTheirBookingsAndOpenOnesStay() throws Exception {
    Setup s = setup();
    Setup other = setup();
    String orgId = s.org().admin().orgId();
    Instant now = Instant.now();
    Instant monthsAgo = now.minus(90, ChronoUnit.DAYS);

    JsonObject expiredLongAgo = offer(s);
    JsonObject expiredYesterday = offer(s);
    JsonObject bookedLongAgo = offer(s);
    book(bookedLongAgo, "ada");
    JsonObject bookedToday = offer(s);
    book(bookedToday, "ben");
    JsonObject openForAges = offer(s);
    JsonObject othersExpired = offer(other);

    raw.update(
        "UPDATE availability_offer SET expires_at = ?, created_at = ? WHERE id = ?",
        SqlTime.utc(monthsAgo),
        SqlTime.utc(monthsAgo.minus(14, ChronoUnit.DAYS)),
        expiredLongAgo.getString("id"));
    raw.update(
        "UPDATE availability_offer SET expires_at = ? WHERE id = ?",
        SqlTime.utc(now.minus(1, ChronoUnit.DAYS)),
        expiredYesterday.getString("id"));
    // Booked two months ago; its link (made to last long) has not expired yet.
    raw.update(
        "UPDATE availability_booking SET created_at = ? WHERE offer_id = ?",
        SqlTime.utc(now.minus(60, ChronoUnit.DAYS)),
        bookedLongAgo.getString("id"));
    // Offered long ago with a link that still works: it can be booked, so it stays.
    raw.update(
        "UPDATE availability_offer SET created_at = ? WHERE id = ?",
        SqlTime.utc(now.minus(800, ChronoUnit.DAYS)),
        openForAges.getString("id"));
    raw.update(
        "UPDATE availability_offer SET expires_at = ? WHERE id = ?",
        SqlTime.utc(monthsAgo),
        othersExpired.getString("id"));
    assertTrue(bookingExists(bookedLongAgo));

    retention.requestFor(orgId, now);
    drain();

    assertFalse(offerExists(expiredLongAgo), "expired more than 30 days ago");
    assertFalse(offerExists(bookedLongAgo), "booked more than 30 days ago");
    assertFalse(bookingExists(bookedLongAgo), "the recipient's sealed name and address go too");
    assertTrue(offerExists(expiredYesterday));
    assertTrue(offerExists(bookedToday));
    assertTrue(bookingExists(bookedToday));
    assertTrue(offerExists(openForAges), "an offer that can still be booked is never purged");
    assertTrue(offerExists(othersExpired), "another org's run is its own");

    JsonObject audit =
        api()
            .get("/api/admin/audit?action=productivity.retention", s.org().adminToken())
            .json()
            .getJsonArray("items")
            .getJsonObject(0);
    assertTrue(
        audit
            .getString("detail")
            .contains("; 2 availability offers that expired or were booked before"),
        audit.toString());
  }

  @Test
  void endedSendsAndOldTrackedEmailsGoPendingAndRecentOnesStay() throws Exception {
    Setup s = setup();
    Setup other = setup();
    String orgId = s.org().admin().orgId();
    assertEquals(
        200,
        api()
            .put(
                "/api/admin/productivity/settings",
                s.org().adminToken(),
                "{\"trackingEnabled\":true,\"internalDomains\":[\"retention-corp.example\"]}")
            .status());

    String oldSent = schedule(s, Instant.now());
    String recentSent = schedule(s, Instant.now());
    String otherOrgsSent = schedule(other, Instant.now());
    drain();
    assertEquals("SENT", state(s, oldSent));
    assertEquals("SENT", state(s, recentSent));
    assertEquals("SENT", state(other, otherOrgsSent));
    String cancelled = schedule(s, Instant.now().plus(1, ChronoUnit.DAYS));
    assertEquals(
        200, api().delete("/api/scheduled-sends/" + cancelled, s.org().repToken()).status());
    String pending = schedule(s, Instant.now().plus(1, ChronoUnit.DAYS));

    JsonObject oldTracked = track(s);
    open(oldTracked);
    JsonObject recentTracked = track(s);

    Instant longAgo = Instant.now().minus(800, ChronoUnit.DAYS);
    for (String id : List.of(oldSent, otherOrgsSent, cancelled, pending)) {
      raw.update(
          "UPDATE scheduled_send SET sent_at = CASE WHEN sent_at IS NULL THEN NULL ELSE ? END,"
              + " updated_at = ? WHERE id = ?",
          SqlTime.utc(longAgo),
          SqlTime.utc(longAgo),
          id);
    }
    raw.update(
        "UPDATE tracked_email SET prepared_at = ? WHERE id = ?",
        SqlTime.utc(longAgo),
        oldTracked.getString("id"));
    assertEquals(
        1,
        raw.strings(
                "SELECT id FROM tracking_event WHERE tracked_email_id = ?",
                oldTracked.getString("id"))
            .size(),
        "the open was recorded");

    retention.requestFor(orgId, Instant.now());
    drain();

    assertEquals("gone", state(s, oldSent));
    assertEquals("gone", state(s, cancelled));
    assertEquals("SENT", state(s, recentSent));
    assertEquals("SCHEDULED", state(s, pending), "a send that has not ended is never purged");
    assertEquals("SENT", state(other, otherOrgsSent), "another org's run is its own");
    assertTrue(
        raw.strings(
                "SELECT id FROM tracking_event WHERE tracked_email_id = ?",
                oldTracked.getString("id"))
            .isEmpty());
    assertEquals(
        404, api().get("/api/tracking/" + oldTracked.getString("id"), s.org().repToken()).status());
    assertEquals(
        200,
        api().get("/api/tracking/" + recentTracked.getString("id"), s.org().repToken()).status());

    JsonObject audit =
        api()
            .get("/api/admin/audit?action=productivity.retention", s.org().adminToken())
            .json()
            .getJsonArray("items")
            .getJsonObject(0);
    assertTrue(
        audit.getString("detail").startsWith("2 scheduled sends that ended before"),
        audit.toString());
    assertTrue(audit.getString("detail").contains(" and 1 tracked emails"), audit.toString());
  }
}
