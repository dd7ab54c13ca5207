package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.mailbox.control.CapturedItem;
import io.mailbridge.mailbox.control.ChangePage;
import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The EWS change feed against the fake Exchange on loopback: SyncFolderItems paging from the sync
 * state in the shape of the fixture, the window, batched GetItem, sensitivity, impersonation and
 * X-AnchorMailbox on every request, an invalid sync state, and busy answers handed back at once.
 */
class EwsChangeFeedTest {

  static final String ADA = "ada@contoso.example";
  static final String NORA = "nora.field@fabrikam.example";

  private FakeExchange exchange;
  private EwsChangeFeed feed;
  private MailboxAccess ada;
  private String publicUrl;
  private final Instant since = Instant.now().minus(180, ChronoUnit.DAYS);

  @BeforeEach
  void start() {
    exchange = FakeExchange.start();
    exchange.impersonable.add(ADA);
    EwsClient ews = new EwsClient();
    ews.outbound = new OutboundHttp();
    ews.timeout = Duration.ofSeconds(20);
    ews.maxResponseBytes = 10_000_000;
    ews.busyAttempts = 3;
    ews.maxBackoff = Duration.ofSeconds(60);
    feed =
        new EwsChangeFeed() {
          @Override
          Optional<String> publicUrl() {
            return Optional.ofNullable(publicUrl);
          }
        };
    feed.ews = ews;
    feed.pageSize = 512;
    feed.getItemBatch = 2;
    feed.concurrency = concurrency(27, Duration.ofSeconds(5));
    feed.account =
        new ExchangeServiceAccount() {
          @Override
          ServiceCall call(MailboxAccess mailbox) {
            return new ServiceCall(
                "connection-1",
                new EwsCall(
                    URI.create(exchange.ewsUrl()),
                    "Basic c3ZjOnB3",
                    host -> Optional.of(new HostRule(true, true)),
                    null,
                    mailbox.appUser()));
          }
        };
    ada = new MailboxAccess(MailboxKind.EXCHANGE, "org-1", null, null, () -> "", ADA);
  }

  /** The stored subscriptions, in memory. */
  static class MemorySubscriptions extends EwsSubscriptions {
    final java.util.Map<String, io.mailbridge.mailbox.ews.entity.EwsSubscription> rows =
        new java.util.LinkedHashMap<>();

    @Override
    public void add(io.mailbridge.mailbox.ews.entity.EwsSubscription subscription) {
      rows.put(subscription.id(), subscription);
    }

    @Override
    public io.mailbridge.mailbox.ews.entity.EwsSubscription find(String id) {
      return rows.get(id);
    }

    @Override
    public boolean remove(String id) {
      return rows.remove(id) != null;
    }

    @Override
    public long count(String orgId) {
      return rows.values().stream().filter(r -> r.orgId().equals(orgId)).count();
    }

    @Override
    public boolean addWithin(
        io.mailbridge.mailbox.ews.entity.EwsSubscription subscription, int max) {
      if (count(subscription.orgId()) + takenMeanwhile >= max) {
        return false;
      }
      add(subscription);
      return true;
    }

    /** Places another worker takes between the first look and the store. */
    int takenMeanwhile;
  }

  private MemorySubscriptions subscribable(int max, String mode) {
    MemorySubscriptions rows = new MemorySubscriptions();
    feed.subscriptions = rows;
    feed.maxSubscriptions = max;
    feed.liveMode = () -> mode;
    feed.pushStatusMinutes = () -> 5;
    feed.pullTimeoutMinutes = 30;
    return rows;
  }

  @Test
  void aLiveMailboxIsSubscribedForStreamingWithItsAffinityCookieStored() {
    MemorySubscriptions rows = subscribable(20, "streaming");
    Instant until = Instant.now().plus(3, ChronoUnit.DAYS);

    io.mailbridge.mailbox.control.PushChannel channel = feed.subscribe(ada, null, "s", until);

    var row = rows.find(channel.id());
    assertEquals("streaming", row.kind());
    assertEquals(FakeExchange.BACKEND_COOKIE, row.affinityCookie());
    assertEquals(until, channel.expiresAt());
    assertTrue(exchange.subscriptions.get(channel.id()).streaming());
    assertEquals(List.of("inbox", "sentitems"), exchange.subscriptions.get(channel.id()).folders());
    assertEquals(channel.id(), feed.renew(ada, channel, null, "s", until).id(), "kept");
    feed.unsubscribe(ada, channel);
    assertEquals(0, rows.count("org-1"));
  }

  @Test
  void inPushModeExchangeIsGivenTheCallbackUrlWithATokenOnlyTheHashOfWhichIsStored() {
    MemorySubscriptions rows = subscribable(20, "push");
    publicUrl = "https://mailbridge.contoso.example";

    String id = feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60)).id();

    var row = rows.find(id);
    assertEquals("push", row.kind());
    assertEquals(5, row.statusMinutes());
    FakeExchange.PushSubscribe asked = exchange.pushSubscribes.get(0);
    assertEquals(id, asked.subscriptionId());
    assertEquals(ADA, asked.impersonated());
    assertEquals(ADA, asked.anchorMailbox());
    assertEquals(5, asked.statusFrequency());
    assertEquals(List.of("inbox", "sentitems"), asked.folders());
    String prefix = "https://mailbridge.contoso.example/ews/notifications?token=";
    assertTrue(asked.url().startsWith(prefix), asked.url());
    String token = asked.url().substring(prefix.length());
    assertTrue(EwsCallbackToken.matches(token, row.pushTokenHash()));
    assertEquals(0, exchange.streamRequests.size());
  }

  @Test
  void pushModeWithoutAPublicUrlStreamsInstead() {
    MemorySubscriptions rows = subscribable(20, "push");
    publicUrl = null;

    String id = feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60)).id();

    assertEquals("streaming", rows.find(id).kind());
    assertEquals(List.of(), exchange.pushSubscribes);
  }

  @Test
  void aServerRefusingStreamingGetsAPullSubscriptionWithItsWatermark() {
    MemorySubscriptions rows = subscribable(20, "streaming");
    exchange.refuseStreaming = true;

    String id = feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60)).id();

    assertEquals("pull", rows.find(id).kind());
    assertNotNull(rows.find(id).watermark());
    assertFalse(exchange.subscriptions.get(id).streaming());
  }

  @Test
  void beyondTheSubscriptionLimitTheMailboxIsRefusedAndNothingIsSubscribed() {
    MemorySubscriptions rows = subscribable(1, "streaming");
    feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60));
    int requests = exchange.ewsRequests.size();

    io.mailbridge.mailbox.control.ProviderRefused refused =
        assertThrows(
            io.mailbridge.mailbox.control.ProviderRefused.class,
            () -> feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60)));

    assertEquals("exchange_subscription_limit", refused.code());
    assertEquals(requests, exchange.ewsRequests.size(), "Exchange not asked");
    assertEquals(1, rows.count("org-1"));
  }

  @Test
  void aPlaceTakenByAnotherWorkerWhileSubscribingIsNotStoredBeyondTheLimit() {
    MemorySubscriptions rows = subscribable(2, "streaming");
    feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60));
    rows.takenMeanwhile = 1;

    io.mailbridge.mailbox.control.ProviderRefused refused =
        assertThrows(
            io.mailbridge.mailbox.control.ProviderRefused.class,
            () -> feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60)));

    assertEquals("exchange_subscription_limit", refused.code());
    assertEquals(1, rows.count("org-1"), "only the first subscription is stored");
  }

  @Test
  void stoppingAStreamingSubscriptionUnsubscribesItImpersonatingWithItsAffinityThenForgetsIt() {
    MemorySubscriptions rows = subscribable(20, "streaming");
    var channel = feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60));

    feed.unsubscribe(ada, channel);

    assertEquals(1, exchange.unsubscribes.size());
    FakeExchange.Unsubscribed asked = exchange.unsubscribes.get(0);
    assertEquals(channel.id(), asked.subscriptionId());
    assertEquals(ADA, asked.impersonated());
    assertEquals(ADA, asked.anchorMailbox());
    assertEquals("X-BackEndOverrideCookie=" + FakeExchange.BACKEND_COOKIE, asked.cookie());
    assertTrue(asked.known());
    assertFalse(exchange.subscriptions.containsKey(channel.id()), "ended at Exchange");
    assertEquals(0, rows.count("org-1"), "forgotten");
    assertEquals(List.of(), exchange.anchorProblems);
  }

  @Test
  void stoppingAPullSubscriptionUnsubscribesIt() {
    MemorySubscriptions rows = subscribable(20, "pull");
    var channel = feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60));
    assertEquals("pull", rows.find(channel.id()).kind());

    feed.unsubscribe(ada, channel);

    assertEquals(
        List.of(channel.id()),
        exchange.unsubscribes.stream().map(FakeExchange.Unsubscribed::subscriptionId).toList());
    assertFalse(exchange.subscriptions.containsKey(channel.id()));
    assertEquals(0, rows.count("org-1"));
  }

  @Test
  void aPushSubscriptionIsOnlyForgottenSinceExchangeEndsItOnItsNextPost() {
    MemorySubscriptions rows = subscribable(20, "push");
    publicUrl = "https://mailbridge.contoso.example";
    var channel = feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60));
    assertEquals("push", rows.find(channel.id()).kind());

    feed.unsubscribe(ada, channel);

    assertEquals(List.of(), exchange.unsubscribes, "no Unsubscribe call for a push subscription");
    assertEquals(0, rows.count("org-1"));
  }

  @Test
  void aSubscriptionExchangeNoLongerKnowsOrAServerGoneStillEndsTheStop() {
    MemorySubscriptions rows = subscribable(20, "streaming");
    var expired = feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60));
    var unreachable = feed.subscribe(ada, null, "s", Instant.now().plusSeconds(60));
    exchange.expireSubscriptions(ADA);

    feed.unsubscribe(ada, expired);

    assertEquals(1, exchange.unsubscribes.size());
    assertFalse(exchange.unsubscribes.get(0).known(), "answered ErrorSubscriptionNotFound");
    assertEquals(null, rows.find(expired.id()));

    exchange.close();
    feed.unsubscribe(ada, unreachable);

    assertEquals(0, rows.count("org-1"), "forgotten though Exchange did not answer");
  }

  @AfterEach
  void stop() {
    exchange.close();
  }

  private static EwsConcurrency concurrency(int max, Duration wait) {
    EwsConcurrency concurrency = new EwsConcurrency();
    concurrency.maxConcurrency = max;
    concurrency.wait = wait;
    return concurrency;
  }

  private String deliver(String subject, int daysAgo, String sensitivity) {
    return exchange.deliver(
        ADA,
        "inbox",
        subject,
        NORA,
        ADA,
        Instant.now().minus(daysAgo, ChronoUnit.DAYS),
        sensitivity);
  }

  @Test
  void pagesThroughTheFolderFromTheSyncStateSkippingOldItemsAndMarkingPrivateOnes()
      throws Exception {
    String first = deliver("First", 1, null);
    String old = deliver("Too old", 200, null);
    String secret = deliver("Secret", 2, "Private");
    String fourth = deliver("Fourth", 3, "Normal");
    String fifth = deliver("Fifth", 4, null);
    exchange.maxChangesPerCall = 2;

    List<ItemChange> all = new ArrayList<>();
    List<Boolean> complete = new ArrayList<>();
    String position = null;
    do {
      ChangePage page = feed.page(ada, "inbox", position, since);
      all.addAll(page.changes());
      complete.add(page.roundComplete());
      position = page.next();
    } while (!complete.get(complete.size() - 1));

    assertEquals(List.of(false, false, true), complete);
    assertEquals(
        List.of(first, secret, fourth, fifth), all.stream().map(ItemChange::itemId).toList());
    assertFalse(all.stream().anyMatch(c -> c.itemId().equals(old)));
    ItemChange firstChange = all.get(0);
    assertEquals("First", firstChange.summary().subject());
    assertEquals(NORA, firstChange.summary().from().email());
    assertEquals(ADA, firstChange.summary().to().get(0).email());
    assertEquals("private", all.get(1).marks().sensitivity());
    assertEquals("normal", all.get(2).marks().sensitivity());

    // the second page's request has the fixture's shape (impersonation, state, at most 512)
    List<String> syncs =
        exchange.ewsRequests.stream()
            .filter(r -> r.soapAction().contains("SyncFolderItems"))
            .map(FakeExchange.Received::body)
            .toList();
    assertEquals(3, syncs.size());
    assertEquals(
        EwsClientTest.shape(FakeExchange.fixture("syncfolderitems-request.xml")),
        EwsClientTest.shape(syncs.get(1)));
    // batched GetItem: 2 ids per call for the 4 items in the window, no MIME
    List<String> gets =
        exchange.ewsRequests.stream()
            .filter(r -> r.soapAction().contains("GetItem"))
            .map(FakeExchange.Received::body)
            .toList();
    assertEquals(3, gets.size(), "pages of 2, 1 (the old one left out) and 1 item");
    assertTrue(gets.stream().noneMatch(b -> b.contains("IncludeMimeContent>true")));
    for (FakeExchange.Received r : exchange.ewsRequests) {
      assertEquals(ADA, r.anchorMailbox());
      assertTrue(r.body().contains("PrimarySmtpAddress>" + ADA + "<"), r.body());
      assertEquals("Basic c3ZjOnB3", r.authorization());
    }
    assertEquals(List.of(), exchange.anchorProblems);

    // nothing new: one more call, no change, the same round is complete again
    ChangePage next = feed.page(ada, "inbox", position, since);
    assertTrue(next.roundComplete());
    assertEquals(List.of(), next.changes());
    String sixth = deliver("Sixth", 0, null);
    ChangePage later = feed.page(ada, "inbox", next.next(), since);
    assertEquals(List.of(sixth), later.changes().stream().map(ItemChange::itemId).toList());
  }

  @Test
  void readsTheMimeOfOneItemImpersonating() {
    String id = deliver("With body", 1, null);
    CapturedItem item = feed.read(ada, id, false);
    assertEquals("With body", item.read().message().subject());
    assertTrue(item.read().message().textBody().contains("About With body"));
    FakeExchange.Received sent = exchange.ewsRequests.get(exchange.ewsRequests.size() - 1);
    assertEquals(ADA, sent.anchorMailbox());
    assertTrue(sent.body().contains("IncludeMimeContent>true"));
  }

  @Test
  void attachmentsAreDescribedAsExchangeListsThemUnlessTheirBytesAreKept() {
    byte[] pdf = new byte[3000];
    new java.util.Random(3).nextBytes(pdf);
    String mime =
        "From: "
            + NORA
            + "\r\nTo: "
            + ADA
            + "\r\nSubject: Report\r\nMessage-ID: <report@fabrikam.example>\r\n"
            + "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
            + "--outer\r\nContent-Type: text/plain\r\n\r\nThe report\r\n"
            + "--outer\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + java.util.Base64.getMimeEncoder().encodeToString(pdf)
            + "\r\n--outer--\r\n";
    // Exchange's own description, which capture keeps when it does not store the bytes.
    FakeExchange.FakeAttachment listed =
        new FakeExchange.FakeAttachment(
            "att-1", "Quarterly report.pdf", "application/pdf", pdf, false, 3412);
    String id =
        exchange.deliver(
            ADA,
            "inbox",
            mime.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            List.of(listed),
            new FakeExchange.MailDetails(
                ADA, "inbox", NORA, List.of(ADA), Instant.now(), null, "<report@fabrikam.example>"),
            "Report");

    io.mailbridge.message.MailAttachment described =
        feed.read(ada, id, false).read().message().attachments().get(0);
    assertEquals("Quarterly report.pdf", described.name());
    assertEquals("application/pdf", described.contentType());
    assertEquals(3412, described.size());
    assertFalse(described.hasContent());

    CapturedItem stored = feed.read(ada, id, true);
    io.mailbridge.message.MailAttachment kept = stored.read().message().attachments().get(0);
    assertEquals("report.pdf", kept.name(), "from the MIME");
    assertEquals(3000, kept.size());
    assertTrue(kept.hasContent());
    assertEquals("The report", stored.read().message().textBody().strip());
  }

  @Test
  void aForgottenSyncStateIsAnExpiredPosition() {
    deliver("One", 1, null);
    ChangePage page = feed.page(ada, "inbox", null, since);
    exchange.forgetSyncStates(ADA);
    assertThrows(ChangePositionExpired.class, () -> feed.page(ada, "inbox", page.next(), since));
  }

  @Test
  void serverBusyAsAFaultOrInTheMessageIsHandedBackAtOnceWithItsBackOff() {
    deliver("One", 1, null);
    exchange.answerNextFor(ADA, 500, FakeExchange.fixture("serverbusy-fault-4500.xml"));
    ProviderBusy fault =
        assertThrows(ProviderBusy.class, () -> feed.page(ada, "inbox", null, since));
    assertEquals(Duration.ofMillis(4500), fault.retryAfter());
    assertEquals(1, exchange.ewsRequests.size(), "not retried on the job's thread");

    exchange.answerNextFor(
        ADA, 200, FakeExchange.fixture("syncfolderitems-serverbusy-in-response.xml"));
    ProviderBusy inMessage =
        assertThrows(ProviderBusy.class, () -> feed.page(ada, "inbox", null, since));
    assertEquals(Duration.ofMillis(30_000), inMessage.retryAfter());
    assertEquals(2, exchange.ewsRequests.size());
  }

  @Test
  void requestsBeyondTheConnectionsConcurrencyWaitThenAreBusy() throws Exception {
    EwsConcurrency two = concurrency(2, Duration.ofMillis(50));
    CountDownLatch holding = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> holders = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Thread t =
          new Thread(
              () ->
                  two.within(
                      "connection-1",
                      () -> {
                        holding.countDown();
                        try {
                          return release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          return false;
                        }
                      }));
      t.start();
      holders.add(t);
    }
    assertTrue(holding.await(30, TimeUnit.SECONDS));
    assertEquals(2, two.inUse("connection-1"));
    assertThrows(ProviderBusy.class, () -> two.within("connection-1", () -> "third"));
    assertEquals("other", two.within("connection-2", () -> "other"), "another connection goes on");
    release.countDown();
    for (Thread t : holders) {
      t.join();
    }
    assertEquals("third", two.within("connection-1", () -> "third"));
  }
}
