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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Live capture over EWS notifications against the fake Exchange: a streamed notification brings a
 * new mail to the timeline with no poll, a dropped stream is opened again and the mail sent
 * meanwhile captured once, an expired subscription is opened anew, and pull subscriptions take over
 * when the server refuses streaming; every Subscribe and GetStreamingEvents impersonates its
 * mailbox with X-AnchorMailbox and asks for server affinity. The timer pump is off: each test runs
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

  private static void mailFromNora(String mailbox, String subject) {
    fake()
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
}
