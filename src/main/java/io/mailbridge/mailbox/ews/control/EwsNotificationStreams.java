package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.MailboxChangesPushed;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.ews.entity.EwsSubscription;
import io.mailbridge.mailbox.ews.stubs.BaseNotificationEventType;
import io.mailbridge.mailbox.ews.stubs.ConnectionStatusType;
import io.mailbridge.mailbox.ews.stubs.GetStreamingEventsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.NotificationType;
import io.mailbridge.mailbox.ews.stubs.ResponseClassType;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.startup.control.StartupState;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.xml.bind.JAXBElement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Holds the EWS notification subscriptions of captured Exchange mailboxes open. Every few seconds
 * it takes (or keeps) the lease on each org's streams, so one node streams an org; groups the org's
 * streaming subscriptions by server affinity (the {@code X-BackEndOverrideCookie} of their {@code
 * Subscribe}), at most 200 per {@code GetStreamingEvents} connection, each connection on a thread
 * of its own; and reads the pull subscriptions with {@code GetEvents} every {@code
 * mailbridge.capture.ews.pull-interval}; push subscriptions (Exchange posts to {@code
 * /ews/notifications}) it only watches: one silent for longer than its StatusFrequency allows is
 * reported lost. A notification only fires {@link MailboxChangesPushed}: capture queues the
 * mailbox's sync, which reads from the stored SyncState. A connection that breaks is opened again
 * and, once the new one stands, its mailboxes are synced (events may have been lost meanwhile); a
 * subscription Exchange no longer knows is forgotten and reported lost, so capture subscribes again
 * and syncs.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class EwsNotificationStreams {

  private static final Logger LOG = Logger.getLogger(EwsNotificationStreams.class.getName());

  /** This node's lease owner; unique per process so a restarted node never reuses one. */
  static final String NODE = "ews-" + UUID.randomUUID();

  @Resource ManagedThreadFactory threads;
  @Inject EwsSubscriptions subscriptions;
  @Inject EwsStreaming streaming;
  @Inject EwsClient ews;
  @Inject ExchangeServiceAccount account;
  @Inject EwsConcurrency concurrency;
  @Inject Event<MailboxChangesPushed> pushed;
  @Inject StartupState startup;

  @Inject
  @ConfigProperty(name = "mailbridge.jobs.enabled", defaultValue = "true")
  Provider<Boolean> jobsEnabled;

  /** GetStreamingEvents' ConnectionTimeout: minutes each connection stays open (1–30). */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.stream-minutes", defaultValue = "30")
  int streamMinutes;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.pull-interval", defaultValue = "PT30S")
  Provider<Duration> pullInterval;

  /** How long this node's hold on an org's streams lasts without being renewed. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.stream-lease", defaultValue = "PT1M")
  Duration lease;

  /** Slack beyond twice a push subscription's StatusFrequency before its silence counts as lost. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.push-slack", defaultValue = "PT1M")
  Duration pushSlack;

  /** The wait before a broken connection is opened again. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.reconnect-after", defaultValue = "PT2S")
  Duration reconnectAfter;

  Clock clock = Clock.systemUTC();

  private final Map<String, Stream> running = new ConcurrentHashMap<>();
  private final Map<String, Instant> pulledAt = new ConcurrentHashMap<>();

  @Schedule(second = "*/5", minute = "*", hour = "*", persistent = false, info = "EWS streams")
  void tick() {
    // A node whose job pump is off takes no new leases; streams it holds go on until their lease
    // runs out elsewhere (a notification only queues a job, which any node runs).
    if (!jobsEnabled.get() || !startup.isReady()) {
      return;
    }
    try {
      keep();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Keeping the EWS notification streams failed; tried again soon", e);
    }
  }

  /** One pass: leases taken, streams started or stopped to match the stored subscriptions. */
  public void keep() {
    Set<String> wanted = new HashSet<>();
    for (String orgId : subscriptions.orgs()) {
      if (!subscriptions.takeLease(orgId, NODE, lease)) {
        continue; // another node streams this org
      }
      List<EwsSubscription> all = subscriptions.ofOrg(orgId);
      Map<String, List<EwsSubscription>> groups = new LinkedHashMap<>();
      for (EwsSubscription subscription : all) {
        if (EwsSubscription.STREAMING.equals(subscription.kind())) {
          String cookie =
              subscription.affinityCookie() == null ? "" : subscription.affinityCookie();
          groups.computeIfAbsent(cookie, c -> new ArrayList<>()).add(subscription);
        } else if (EwsSubscription.PUSH.equals(subscription.kind())) {
          checkPushed(subscription);
        } else {
          pull(subscription);
        }
      }
      for (Map.Entry<String, List<EwsSubscription>> group : groups.entrySet()) {
        List<EwsSubscription> members = group.getValue();
        for (int from = 0, n = 0;
            from < members.size();
            from += EwsStreaming.MAX_PER_CONNECTION, n++) {
          List<EwsSubscription> chunk =
              members.subList(
                  from, Math.min(members.size(), from + EwsStreaming.MAX_PER_CONNECTION));
          String key = orgId + "|" + group.getKey() + "|" + n;
          wanted.add(key);
          Set<String> ids = new LinkedHashSet<>();
          chunk.forEach(s -> ids.add(s.id()));
          Stream current = running.get(key);
          if (current != null && current.alive() && current.ids.equals(ids)) {
            continue;
          }
          if (current != null) {
            current.stop();
          }
          Stream stream =
              new Stream(
                  orgId,
                  chunk.get(0).address(),
                  ids,
                  new EwsAffinity(group.getKey().isEmpty() ? null : group.getKey()));
          running.put(key, stream);
          Thread thread = threads.newThread(stream);
          thread.setName("ews-stream-" + orgId);
          thread.start();
        }
      }
    }
    for (Map.Entry<String, Stream> entry : running.entrySet()) {
      if (!wanted.contains(entry.getKey())) {
        entry.getValue().stop();
        running.remove(entry.getKey(), entry.getValue());
      }
    }
  }

  /** Streams running on this node (for tests and diagnostics). */
  public int streamCount() {
    return (int) running.values().stream().filter(Stream::alive).count();
  }

  @PreDestroy
  void stopAll() {
    running.values().forEach(Stream::stop);
    running.clear();
  }

  /** GetEvents on one pull subscription when its interval has passed. */
  private void pull(EwsSubscription subscription) {
    Instant now = clock.instant();
    Instant last = pulledAt.get(subscription.id());
    if (last != null && last.plus(pullInterval.get()).isAfter(now)) {
      return;
    }
    pulledAt.put(subscription.id(), now);
    ExchangeServiceAccount.ServiceCall service =
        account.call(account.access(subscription.orgId(), null, subscription.address()));
    EwsAffinity affinity = new EwsAffinity(subscription.affinityCookie());
    String watermark = subscription.watermark();
    try {
      for (int round = 0; round < 10; round++) {
        String from = watermark;
        NotificationType notification =
            concurrency.within(
                service.connectionId(),
                () -> ews.getEvents(service.call(), subscription.id(), from, affinity));
        if (notification == null) {
          break;
        }
        boolean changed = false;
        for (JAXBElement<? extends BaseNotificationEventType> event :
            notification.getCopiedEventOrCreatedEventOrDeletedEvent()) {
          if (event.getValue().getWatermark() != null) {
            watermark = event.getValue().getWatermark();
          }
          changed |= !"StatusEvent".equals(event.getName().getLocalPart());
        }
        subscriptions.readUpTo(subscription.id(), watermark);
        if (changed) {
          pushed.fire(new MailboxChangesPushed(subscription.id(), false));
        }
        if (!Boolean.TRUE.equals(notification.isMoreEvents())) {
          break;
        }
      }
    } catch (EwsRefused refused) {
      if (refused.subscriptionLost()) {
        lost(subscription.id());
      } else {
        LOG.info(() -> "GetEvents refused (" + refused.responseCode() + "); tried again later");
      }
    } catch (DomainProblem problem) {
      LOG.info(() -> "GetEvents failed: " + problem.getMessage() + "; tried again later");
    }
  }

  /**
   * A push subscription Exchange has posted nothing for (not even a StatusEvent) for longer than
   * its StatusFrequency allows is taken as lost: Exchange gave up on it, or cannot reach
   * Mailbridge. It is forgotten (a late notification for it is answered Unsubscribe) and capture
   * subscribes again and syncs from the stored SyncState, which finds whatever was missed.
   */
  private void checkPushed(EwsSubscription subscription) {
    int minutes = subscription.statusMinutes() == null ? 30 : subscription.statusMinutes();
    Instant last =
        subscription.lastSeenAt() != null ? subscription.lastSeenAt() : subscription.createdAt();
    // Exchange retries a failed post with doubling waits up to StatusFrequency, and a loaded server
    // posts late: twice the frequency plus the configured slack before giving the subscription up.
    Duration allowed = Duration.ofMinutes(2L * minutes).plus(pushSlack);
    if (last != null && last.plus(allowed).isBefore(clock.instant())) {
      LOG.info(
          () ->
              "Exchange posted nothing for a push subscription of org "
                  + subscription.orgId()
                  + " in "
                  + allowed.toMinutes()
                  + " minutes; it is opened again");
      lost(subscription.id());
    }
  }

  /** Exchange no longer knows the subscription: forgotten, and capture told to subscribe again. */
  private void lost(String subscriptionId) {
    pulledAt.remove(subscriptionId);
    if (subscriptions.remove(subscriptionId)) {
      pushed.fire(new MailboxChangesPushed(subscriptionId, true));
    }
  }

  /**
   * The wait before the connection is opened again when {@code message} is Exchange's {@code
   * ErrorServerBusy} inside the stream: its {@code BackOffMilliseconds}, and never less than {@code
   * reconnectAfter}; null for any other message. The server's back-off is honoured in full (no
   * {@code mailbridge.ews.max-backoff} cap: that setting bounds how long a caller's thread waits
   * before the job queue takes over, and this connection's thread waits for nobody else).
   */
  static Duration busyWait(GetStreamingEventsResponseMessageType message, Duration reconnectAfter) {
    if (message.getResponseClass() != ResponseClassType.ERROR
        || !"ErrorServerBusy".equals(message.getResponseCode())) {
      return null;
    }
    Duration backoff = EwsClient.backoffOf(message);
    return backoff.compareTo(reconnectAfter) > 0 ? backoff : reconnectAfter;
  }

  /** One GetStreamingEvents connection, opened again until stopped or its subscriptions change. */
  final class Stream implements Runnable {
    final String orgId;
    final String anchor;
    final Set<String> ids;
    final EwsAffinity affinity;
    private volatile boolean stopped;
    private volatile boolean ended;
    private volatile Runnable cancel = () -> {};
    private volatile boolean catchUpOnConnect;
    private final CountDownLatch stopping = new CountDownLatch(1);

    Stream(String orgId, String anchor, Set<String> ids, EwsAffinity affinity) {
      this.orgId = orgId;
      this.anchor = anchor;
      this.ids = Set.copyOf(ids);
      this.affinity = affinity;
    }

    boolean alive() {
      return !stopped && !ended;
    }

    void stop() {
      stopped = true;
      stopping.countDown();
      cancel.run();
    }

    @Override
    public void run() {
      try {
        while (!stopped) {
          boolean[] closed = {false};
          boolean[] lostSome = {false};
          Duration wait = reconnectAfter;
          try {
            ExchangeServiceAccount.ServiceCall service =
                account.call(account.access(orgId, null, anchor));
            streaming.stream(
                service.call(),
                List.copyOf(ids),
                streamMinutes,
                affinity,
                c -> cancel = c,
                message -> {
                  if (handle(message)) {
                    closed[0] = true;
                  } else if (message.getResponseClass() == ResponseClassType.ERROR) {
                    lostSome[0] = true;
                  }
                });
          } catch (EwsRefused refused) {
            if (refused.subscriptionLost()) {
              ids.forEach(EwsNotificationStreams.this::lost);
              return;
            }
            LOG.info(() -> "Exchange refused a notification stream: " + refused.responseCode());
          } catch (ProviderBusy busy) {
            // Only this connection waits: each runs on a thread of its own.
            wait = busy.retryAfter() == null ? reconnectAfter : busy.retryAfter();
            Duration waited = wait;
            LOG.info(
                () ->
                    "Exchange is busy (ErrorServerBusy) on a notification stream of org "
                        + orgId
                        + "; it is opened again in "
                        + waited.toMillis()
                        + " ms");
          } catch (RuntimeException e) {
            if (stopped) {
              return;
            }
            LOG.log(Level.INFO, "The EWS notification stream of org " + orgId + " broke", e);
          }
          if (stopped || lostSome[0]) {
            return; // the next pass streams what is left
          }
          if (!closed[0]) {
            // Not closed by Exchange after its timeout: events may be lost until the next
            // connection stands, so its mailboxes are synced once it does.
            catchUpOnConnect = true;
            pause(wait);
          }
        }
      } finally {
        ended = true;
      }
    }

    /**
     * One message: notifications fire their mailboxes' changes, lost subscriptions are reported;
     * answers whether Exchange said the connection is closed.
     */
    private boolean handle(GetStreamingEventsResponseMessageType message) {
      if (catchUpOnConnect && message.getResponseClass() != ResponseClassType.ERROR) {
        // The new connection stands: what arrived while there was none is read now, and what
        // arrives from here on is notified.
        catchUpOnConnect = false;
        catchUp();
      }
      Duration busy = busyWait(message, reconnectAfter);
      if (busy != null) {
        throw new ProviderBusy(
            "exchange_busy", "Exchange is busy; the notification stream is opened again", busy);
      }
      if (message.getResponseClass() == ResponseClassType.ERROR) {
        if (message.getErrorSubscriptionIds() == null
            && !EwsRefused.lostCode(message.getResponseCode())) {
          // Busy or another passing error: the connection is opened again, the subscriptions kept.
          throw new EwsRefused(message.getResponseCode());
        }
        List<String> gone =
            message.getErrorSubscriptionIds() != null
                ? message.getErrorSubscriptionIds().getSubscriptionId()
                : List.copyOf(ids);
        LOG.info(
            () ->
                "Exchange ended "
                    + gone.size()
                    + " streaming subscription(s) of org "
                    + orgId
                    + ": "
                    + message.getResponseCode());
        gone.forEach(EwsNotificationStreams.this::lost);
        cancel.run();
        return false;
      }
      if (message.getNotifications() != null) {
        Set<String> changed = new LinkedHashSet<>();
        for (NotificationType notification : message.getNotifications().getNotification()) {
          for (JAXBElement<? extends BaseNotificationEventType> event :
              notification.getCopiedEventOrCreatedEventOrDeletedEvent()) {
            if (!"StatusEvent".equals(event.getName().getLocalPart())) {
              changed.add(notification.getSubscriptionId());
            }
          }
        }
        for (String id : changed) {
          if (ids.contains(id)) {
            pushed.fire(new MailboxChangesPushed(id, false));
          }
        }
      }
      return message.getConnectionStatus() == ConnectionStatusType.CLOSED;
    }

    private void catchUp() {
      for (String id : ids) {
        pushed.fire(new MailboxChangesPushed(id, false));
      }
    }

    private void pause(Duration wait) {
      try {
        // Woken by stop(), so a long back-off never keeps a stopped stream's thread.
        stopping.await(Math.max(100, wait.toMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = true;
      }
    }
  }
}
