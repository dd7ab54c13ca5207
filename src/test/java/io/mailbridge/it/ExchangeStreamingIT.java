package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.mailbox.ews.control.EwsNotificationStreams;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
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
import java.util.List;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Live capture over EWS notifications against the fake Exchange: a streamed notification brings a
 * new mail to the timeline with no poll, a dropped stream is opened again and the mail sent
 * meanwhile captured once, an expired subscription is opened anew, pull subscriptions take over
 * when the server refuses streaming, and in push mode Exchange's SendNotification posts (sent here
 * as Exchange would) queue the sync, a silent push subscription is opened again; every Subscribe
 * and GetStreamingEvents impersonates its mailbox with X-AnchorMailbox and asks for server
 * affinity; capture switched off ends the subscription with Unsubscribe, and a busy answer inside a
 * stream is waited out before the connection is opened again. The timer pump is off: each test runs
 * the job queue and the stream keeper itself.
 */
@ExtendWith(ArquillianExtension.class)
class ExchangeStreamingIT {

  static final String USER = "svc-mailbridge";
  static final String DOMAIN = "CONTOSO";
  static final String PASSWORD = "correct horse battery staple";
  static final String NORA = "nora.field@fabrikam.example";

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject JobStore jobs;
  @Inject JobRunner runner;
  @Inject EwsNotificationStreams streams;
  @Inject io.mailbridge.it.support.RawDatabase raw;

  static final class Shared {
    static final FakeExchange FAKE = start();

    private static FakeExchange start() {
      FakeExchange fake = FakeExchange.start();
      fake.requireBasic(DOMAIN + "\\" + USER, PASSWORD);
      return fake;
    }
  }

  private static FakeExchange fake() {
    return Shared.FAKE;
  }

  private ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + request.getLocalPort());
  }

  private record Setup(TestOrgs.SignedInOrg org, String nora) {}

  private Setup setup() {
    TestOrgs.SignedInOrg org = testOrgs.signedIn("ews-streaming", api());
    ApiClient.Reply hosts =
        api()
            .put(
                "/api/admin/exchange/hosts",
                org.adminToken(),
                "[{\"host\":\"127.0.0.1\",\"plainHttp\":true,\"privateAddress\":true}]");
    assertEquals(200, hosts.status(), hosts.body());
    return new Setup(org, testOrgs.contact(org.orgId(), "Nora", "Field", NORA));
  }

  private void connect(Setup s, String address) {
    JsonArrayBuilder users = Json.createArrayBuilder().add(address);
    String body =
        Json.createObjectBuilder()
            .add("ewsUrl", fake().ewsUrl())
            .add("auth", "basic")
            .add("username", USER)
            .add("domain", DOMAIN)
            .add("password", PASSWORD)
            .add("users", users)
            .build()
            .toString();
    ApiClient.Reply saved = api().put("/api/admin/exchange/connection", s.org().adminToken(), body);
    assertEquals(200, saved.status(), saved.body());
  }

  private static String address(String label) {
    String address = TestOrgs.uniqueEmail(label);
    fake().impersonable.add(address);
    return address;
  }

  private static String mailFromNora(String mailbox, String subject) {
    return fake()
        .deliver(
            mailbox,
            "inbox",
            subject,
            NORA,
            mailbox,
            Instant.now().minus(1, ChronoUnit.MINUTES),
            null);
  }

  private void drain() {
    for (List<ClaimedJob> claimed = jobs.claim("it-ews-streaming", 1, Duration.ofMinutes(5));
        !claimed.isEmpty();
        claimed = jobs.claim("it-ews-streaming", 1, Duration.ofMinutes(5))) {
      runner.run(claimed.get(0));
    }
  }

  private List<String> timeline(Setup s) {
    ApiClient.Reply reply =
        api()
            .get("/api/records/contacts/" + s.nora() + "/timeline?limit=200", s.org().adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(i -> i.getString("subject"))
        .sorted()
        .toList();
  }

  /**
   * Runs the queue (and {@code also}) until {@code done} holds, for at most 60 seconds (a loaded
   * build machine is slow, a passing test is not).
   */
  private void until(BooleanSupplier done, Runnable also, String what) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end) {
      also.run();
      drain();
      if (done.getAsBoolean()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "Timed out waiting for "
            + what
            + "; streamed: "
            + fake().streamedNotifications
            + ", stream requests: "
            + fake().streamRequests.size()
            + ", streams open: "
            + fake().openStreams.get());
  }

  private String subscriptionOf(String mailbox) {
    List<FakeExchange.FakeSubscription> open = fake().subscriptionsOf(mailbox);
    assertEquals(1, open.size(), "one subscription for " + mailbox);
    return open.get(0).id();
  }

  private long streamsOf(String subscriptionId) {
    return fake().streamRequests.stream()
        .filter(r -> r.subscriptionIds().contains(subscriptionId))
        .count();
  }

  /** Backfilled and subscribed, with its stream open: answers the subscription id. */
  private String live(Setup s, String mailbox) throws InterruptedException {
    connect(s, mailbox);
    drain();
    String id = subscriptionOf(mailbox);
    until(() -> fake().openStreamsFor(id) > 0, streams::keep, "the stream");
    return id;
  }

  @AfterEach
  void subscriptionsAndStreamsImpersonateTheirMailboxWithAffinity() {
    assertEquals(List.of(), fake().anchorProblems);
    for (String[] headers : fake().subscribeHeaders) {
      assertEquals("true", headers[0], "X-PreferServerAffinity on Subscribe");
      assertTrue(headers[1] != null && !headers[1].isBlank(), "X-AnchorMailbox on Subscribe");
    }
    for (FakeExchange.StreamRequest r : fake().streamRequests) {
      assertEquals(r.impersonated(), r.anchorMailbox(), "impersonated and anchored alike");
      assertEquals("true", r.preferServerAffinity());
      assertEquals("X-BackEndOverrideCookie=" + FakeExchange.BACKEND_COOKIE, r.cookie());
      assertEquals(30, r.connectionTimeout(), "mailbridge.capture.ews.stream-minutes");
    }
  }

  @Test
  void anotherNodesLeaseKeepsThisNodeOffTheOrgsStreamsUntilItRunsOut() throws Exception {
    Setup s = setup();
    String max = address("max");
    String subscription = live(s, max);
    java.time.LocalDateTime now = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC);
    assertEquals(
        1,
        raw.update(
            "UPDATE ews_stream_lease SET lease_owner = 'ews-another-node', lease_until = ?"
                + " WHERE org_id = ?",
            now.plusMinutes(10),
            s.org().orgId()));

    streams.keep();
    until(() -> fake().openStreamsFor(subscription) == 0, () -> {}, "the stream stopped");
    long before = streamsOf(subscription);
    mailFromNora(max, "While another node streams");
    Thread.sleep(1500);
    streams.keep();
    assertEquals(before, streamsOf(subscription), "this node does not stream the org");

    raw.update(
        "UPDATE ews_stream_lease SET lease_until = ? WHERE org_id = ?",
        now.minusMinutes(1),
        s.org().orgId());
    until(
        () -> timeline(s).contains("While another node streams"),
        streams::keep,
        "the lease taken over and the mail streamed");
    assertTrue(streamsOf(subscription) > before);
  }

  @Test
  void aNewMailReachesTheTimelineThroughAStreamedNotification() throws Exception {
    Setup s = setup();
    String ivy = address("ivy");
    mailFromNora(ivy, "Before live");
    String subscription = live(s, ivy);
    assertEquals(List.of("Before live"), timeline(s));

    mailFromNora(ivy, "Streamed to us");
    // No poll runs here (the timer is off): only the notification queues the sync.
    until(
        () -> timeline(s).contains("Streamed to us"),
        () -> {},
        "the streamed mail in the timeline");

    assertEquals(List.of("Before live", "Streamed to us"), timeline(s));
    assertEquals(1, fake().streamedNotifications.get(ivy).get(), "one notification streamed");
    assertEquals(subscription, subscriptionOf(ivy), "the same subscription throughout");
  }

  @Test
  void aDroppedStreamReconnectsAndTheMailSentMeanwhileIsCapturedOnce() throws Exception {
    Setup s = setup();
    String jon = address("jon");
    String subscription = live(s, jon);
    long before = streamsOf(subscription);

    fake().dropStreams();
    until(() -> fake().openStreamsFor(subscription) == 0, () -> {}, "the stream dropped");
    mailFromNora(jon, "Sent while dropped");
    // The event went down with the connection: only the catch-up sync can find the mail.
    fake().subscriptions.get(subscription).pending().clear();
    until(
        () -> streamsOf(subscription) > before && timeline(s).contains("Sent while dropped"),
        streams::keep,
        "a new stream and the mail");
    Thread.sleep(1000);
    drain();

    assertEquals(List.of("Sent while dropped"), timeline(s), "exactly once");
    assertEquals(
        null, fake().streamedNotifications.get(jon), "found by the catch-up, not streamed");
  }

  @Test
  void anExpiredSubscriptionIsOpenedAgain() throws Exception {
    Setup s = setup();
    String kim = address("kim");
    String expired = live(s, kim);

    fake().expireSubscriptions(kim);
    fake().dropStreams();
    until(() -> fake().subscriptionsOf(kim).size() == 1, streams::keep, "a new subscription");
    String renewed = subscriptionOf(kim);
    assertNotEquals(expired, renewed);
    until(() -> streamsOf(renewed) > 0, streams::keep, "the new subscription's stream");

    mailFromNora(kim, "After resubscribing");
    until(() -> timeline(s).contains("After resubscribing"), () -> {}, "the mail");
    assertEquals(List.of("After resubscribing"), timeline(s));
  }

  @Test
  void pullSubscriptionsDeliverNewMailWhenStreamingIsRefused() throws Exception {
    Setup s = setup();
    String lea = address("lea");
    fake().refuseStreaming = true;
    System.setProperty("mailbridge.capture.ews.pull-interval", "PT0S");
    try {
      connect(s, lea);
      drain();
      FakeExchange.FakeSubscription pull = fake().subscriptionsOf(lea).get(0);
      assertTrue(!pull.streaming(), "a pull subscription");
      int pulled = fake().pulls.get();
      until(() -> fake().pulls.get() > pulled, streams::keep, "a GetEvents");

      mailFromNora(lea, "Pulled in");
      until(() -> timeline(s).contains("Pulled in"), streams::keep, "the pulled mail");
      assertEquals(List.of("Pulled in"), timeline(s));
      assertEquals(
          0,
          fake().streamRequests.stream()
              .filter(r -> r.subscriptionIds().contains(pull.id()))
              .count(),
          "never streamed");
    } finally {
      fake().refuseStreaming = false;
      System.clearProperty("mailbridge.capture.ews.pull-interval");
    }
  }

  @Test
  void captureSwitchedOffUnsubscribesTheStreamingSubscriptionAndForgetsIt() throws Exception {
    Setup s = setup();
    String pia = address("pia");
    String subscription = live(s, pia);

    // The admin takes the user off the connection's list: its capture stops.
    connect(s, address("quin"));
    drain();

    List<FakeExchange.Unsubscribed> asked =
        fake().unsubscribes.stream().filter(u -> subscription.equals(u.subscriptionId())).toList();
    assertEquals(1, asked.size(), "one Unsubscribe for the subscription");
    assertEquals(pia, asked.get(0).impersonated(), "ExchangeImpersonation");
    assertEquals(pia, asked.get(0).anchorMailbox(), "X-AnchorMailbox");
    assertEquals("X-BackEndOverrideCookie=" + FakeExchange.BACKEND_COOKIE, asked.get(0).cookie());
    assertTrue(asked.get(0).known());
    assertEquals(List.of(), fake().subscriptionsOf(pia), "ended at Exchange");
    assertEquals(
        List.of("0"),
        raw.strings("SELECT COUNT(*) FROM ews_subscription WHERE id = ?", subscription),
        "the row is forgotten");
    until(() -> fake().openStreamsFor(subscription) == 0, streams::keep, "the stream dropped it");
    drain();
    assertEquals(List.of(), fake().subscriptionsOf(pia), "not subscribed again");
  }

  @Test
  void aBusyAnswerInsideTheStreamIsWaitedOutBeforeTheConnectionIsOpenedAgain() throws Exception {
    Setup s = setup();
    String rex = address("rex");
    String subscription = live(s, rex);
    int before = (int) streamsOf(subscription);
    long backoffMillis = 4000; // longer than mailbridge.capture.ews.reconnect-after

    fake().busyStreamFor(rex, backoffMillis);
    fake().dropStreams();
    until(() -> streamsOf(subscription) >= before + 2, streams::keep, "the stream after the busy");

    List<FakeExchange.StreamRequest> ofIt =
        fake().streamRequests.stream()
            .filter(r -> r.subscriptionIds().contains(subscription))
            .toList();
    long gap = ofIt.get(before + 1).receivedAt() - ofIt.get(before).receivedAt();
    assertTrue(
        gap >= Duration.ofMillis(backoffMillis).toNanos(),
        "opened again after " + Duration.ofNanos(gap).toMillis() + " ms");
    until(() -> fake().openStreamsFor(subscription) > 0, streams::keep, "the stream open again");
    mailFromNora(rex, "After the busy answer");
    until(() -> timeline(s).contains("After the busy answer"), () -> {}, "the streamed mail");
  }

  // ---------------------------------------------------------------- push (SendNotification)

  private String publicUrl() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  /** Runs {@code body} with mailbridge.capture.ews.live=push and a public URL set. */
  private void inPushMode(ThrowingRunnable body) throws Exception {
    System.setProperty("mailbridge.capture.ews.live", "push");
    System.setProperty("mailbridge.public-url", publicUrl());
    clearConfigCache();
    try {
      body.run();
    } finally {
      System.clearProperty("mailbridge.capture.ews.live");
      System.clearProperty("mailbridge.public-url");
      clearConfigCache();
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  // Payara keeps config values for a minute: drop them so the change applies at once.
  private static void clearConfigCache() throws Exception {
    Config config = ConfigProvider.getConfig();
    config.getClass().getMethod("clearCache").invoke(config);
  }

  /** The push Subscribe of {@code mailbox} (the only one). */
  private static FakeExchange.PushSubscribe pushOf(String mailbox) {
    List<FakeExchange.PushSubscribe> found =
        fake().pushSubscribes.stream().filter(p -> p.impersonated().equals(mailbox)).toList();
    assertEquals(1, found.size(), "one push Subscribe for " + mailbox);
    return found.get(0);
  }

  /**
   * SendNotification as Exchange posts it (MS-OXWSPSNTIF; Microsoft's SendNotification,
   * SendNotificationResponseMessage and NotificationType references): one notification of {@code
   * subscriptionId} with a NewMailEvent for {@code itemId}, or a StatusEvent when it is null.
   */
  private static String sendNotification(String subscriptionId, String itemId) {
    String event =
        itemId == null
            ? "<t:StatusEvent><t:Watermark>AQAAAFN0YXR1cw==</t:Watermark></t:StatusEvent>"
            : "<t:NewMailEvent><t:Watermark>AQAAAE5ld01haWw=</t:Watermark>"
                + "<t:TimeStamp>2026-11-30T09:12:36Z</t:TimeStamp>"
                + "<t:ItemId Id=\""
                + itemId
                + "\" ChangeKey=\"CQAAABYAAAB\"/>"
                + "<t:ParentFolderId Id=\"AQMkADinbox=\" ChangeKey=\"AQAAAA==\"/>"
                + "</t:NewMailEvent>";
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        + "<soap11:Envelope xmlns:soap11=\"http://schemas.xmlsoap.org/soap/envelope/\">"
        + "<soap11:Header><t:RequestServerVersion"
        + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\""
        + " Version=\"Exchange2013_SP1\"/></soap11:Header>"
        + "<soap11:Body><m:SendNotification"
        + " xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\""
        + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\">"
        + "<m:ResponseMessages><m:SendNotificationResponseMessage ResponseClass=\"Success\">"
        + "<m:ResponseCode>NoError</m:ResponseCode><m:Notification>"
        + "<t:SubscriptionId>"
        + subscriptionId
        + "</t:SubscriptionId><t:PreviousWatermark>AQAAAFByZXZpb3Vz</t:PreviousWatermark>"
        + "<t:MoreEvents>false</t:MoreEvents>"
        + event
        + "</m:Notification></m:SendNotificationResponseMessage></m:ResponseMessages>"
        + "</m:SendNotification></soap11:Body></soap11:Envelope>";
  }

  /** POSTs {@code body} to {@code pathAndQuery} on this server as Exchange does. */
  private HttpResponse<String> postToMailbridge(String pathAndQuery, byte[] body, String type)
      throws Exception {
    HttpRequest post =
        HttpRequest.newBuilder(URI.create(publicUrl() + pathAndQuery))
            .header("Content-Type", type)
            .header(
                "SOAPAction",
                "\"http://schemas.microsoft.com/exchange/services/2006/messages/SendNotification\"")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> notify(String url, String document) throws Exception {
    assertTrue(url.startsWith(publicUrl()), url);
    return postToMailbridge(
        url.substring(publicUrl().length()),
        document.getBytes(StandardCharsets.UTF_8),
        "text/xml; charset=utf-8");
  }

  private static String status(HttpResponse<String> answer) {
    assertEquals(200, answer.statusCode(), answer.body());
    assertTrue(answer.headers().firstValue("Content-Type").orElse("").contains("xml"));
    String body = answer.body();
    int at = body.indexOf("SubscriptionStatus>");
    assertTrue(at > 0 && body.contains("SendNotificationResult"), body);
    return body.substring(at + "SubscriptionStatus>".length(), body.indexOf('<', at));
  }

  @Test
  void pushedNotificationsQueueTheSyncOnceAndOnlyForTheSubscriptionsMailbridgeOpened()
      throws Exception {
    Setup s = setup();
    String uma = address("uma");
    inPushMode(
        () -> {
          connect(s, uma);
          drain();
          FakeExchange.PushSubscribe push = pushOf(uma);
          assertEquals(uma, push.anchorMailbox(), "X-AnchorMailbox on the push Subscribe");
          assertEquals(List.of("inbox", "sentitems"), push.folders());
          assertTrue(
              push.eventTypes()
                  .containsAll(List.of("NewMailEvent", "CreatedEvent", "ModifiedEvent")),
              push.eventTypes().toString());
          assertEquals(5, push.statusFrequency(), "mailbridge.capture.ews.push-status-minutes");
          assertTrue(push.url().startsWith(publicUrl() + "/ews/notifications?token="), push.url());
          String id = push.subscriptionId();
          streams.keep();
          assertEquals(0, streamsOf(id), "a push subscription is never streamed");

          String item = mailFromNora(uma, "Pushed to us");
          assertEquals("OK", status(notify(push.url(), sendNotification(id, item))));
          drain();
          assertEquals(List.of("Pushed to us"), timeline(s));

          // Exchange posts again when it missed our answer: the same sync, nothing twice.
          assertEquals("OK", status(notify(push.url(), sendNotification(id, item))));
          drain();
          assertEquals(List.of("Pushed to us"), timeline(s), "captured once");

          // A status event only notes that Exchange still posts.
          String seen =
              "SELECT COUNT(*) FROM ews_subscription WHERE id = ? AND last_seen_at IS NOT NULL";
          raw.update("UPDATE ews_subscription SET last_seen_at = NULL WHERE id = ?", id);
          assertEquals(List.of("0"), raw.strings(seen, id));
          assertEquals("OK", status(notify(push.url(), sendNotification(id, null))));
          assertEquals(List.of("1"), raw.strings(seen, id), "last seen noted");
          drain();
          assertEquals(List.of("Pushed to us"), timeline(s));

          // Unknown ids, and a known id without its token, act on nothing.
          String unannounced = mailFromNora(uma, "Announced without the token");
          assertEquals(
              "Unsubscribe",
              status(notify(push.url(), sendNotification("FQBub3RPbmVPZk91cnM=", unannounced))));
          String otherToken =
              publicUrl() + "/ews/notifications?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
          assertEquals(
              "Unsubscribe", status(notify(otherToken, sendNotification(id, unannounced))));
          assertEquals(
              "Unsubscribe",
              status(
                  notify(publicUrl() + "/ews/notifications", sendNotification(id, unannounced))));
          drain();
          assertEquals(List.of("Pushed to us"), timeline(s), "nothing queued by them");

          // What is not SendNotification is a 4xx, never a 500, and changes nothing.
          String good = sendNotification(id, unannounced);
          List<byte[]> refused =
              List.of(
                  "garbage".getBytes(StandardCharsets.UTF_8),
                  new byte[0],
                  "<a/>".getBytes(StandardCharsets.UTF_8),
                  good.substring(0, good.length() / 2).getBytes(StandardCharsets.UTF_8),
                  ("<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                          + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                          + "<soap:Body>&x;</soap:Body></soap:Envelope>")
                      .getBytes(StandardCharsets.UTF_8));
          String query = push.url().substring(push.url().indexOf("/ews/notifications"));
          for (byte[] body : refused) {
            HttpResponse<String> answer = postToMailbridge(query, body, "text/xml; charset=utf-8");
            assertEquals(400, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("soap:Client"), answer.body());
          }
          HttpResponse<String> json =
              postToMailbridge(
                  query, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "application/json");
          assertEquals(400, json.statusCode(), json.body());
          byte[] oversized = new byte[2 * 1024 * 1024];
          java.util.Arrays.fill(oversized, (byte) 'x');
          HttpResponse<String> large = postToMailbridge(query, oversized, "text/xml");
          assertEquals(413, large.statusCode(), large.body());
          HttpResponse<String> chunked =
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create(publicUrl() + query))
                          .header("Content-Type", "text/xml; charset=utf-8")
                          .POST(
                              HttpRequest.BodyPublishers.ofInputStream(
                                  () -> new java.io.ByteArrayInputStream(oversized)))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
          assertEquals(413, chunked.statusCode(), "oversized, chunked: " + chunked.body());
          drain();
          assertEquals(List.of("Pushed to us"), timeline(s), "nothing queued by them");
          assertEquals(List.of(id), List.of(pushOf(uma).subscriptionId()), "still subscribed once");
        });
  }

  @Test
  void aPushSubscriptionExchangeFellSilentOnIsOpenedAgainAndTheSyncCatchesUp() throws Exception {
    Setup s = setup();
    String vic = address("vic");
    inPushMode(
        () -> {
          connect(s, vic);
          drain();
          FakeExchange.PushSubscribe first = pushOf(vic);
          mailFromNora(vic, "Never announced");
          streams.keep();
          drain();
          assertEquals(List.of(), timeline(s), "not silent for long yet: nothing done");

          // No notification and no status event for longer than twice StatusFrequency + slack.
          raw.update(
              "UPDATE ews_subscription SET last_seen_at = ? WHERE id = ?",
              java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(12),
              first.subscriptionId());
          until(
              () ->
                  fake().pushSubscribes.stream().filter(p -> p.impersonated().equals(vic)).count()
                          == 2
                      && timeline(s).contains("Never announced"),
              streams::keep,
              "a new push subscription and the catch-up sync");

          FakeExchange.PushSubscribe second =
              fake().pushSubscribes.get(fake().pushSubscribes.size() - 1);
          assertEquals(vic, second.impersonated());
          assertNotEquals(first.subscriptionId(), second.subscriptionId());
          assertNotEquals(first.url(), second.url(), "a token of its own");
          assertEquals(List.of("Never announced"), timeline(s));
          // A late post for the old subscription tells Exchange to end it.
          assertEquals(
              "Unsubscribe",
              status(notify(first.url(), sendNotification(first.subscriptionId(), null))));
          assertEquals(
              "OK", status(notify(second.url(), sendNotification(second.subscriptionId(), null))));
        });
  }
}
