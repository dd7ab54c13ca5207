package io.mailbridge.mailbox.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Paces every call to Microsoft Graph, Gmail and Google Calendar that reads or writes one mailbox
 * under the provider's per-mailbox limits, on this node and in memory: Graph allows an app 10 000
 * requests per 10 minutes and 4 concurrent requests per mailbox
 * (learn.microsoft.com/graph/throttling-limits, Outlook service limits); Gmail 15 000 quota units
 * per user per minute, 6 000 for projects created from May 2026, each method costing its documented
 * units (developers.google.com/gmail/api/reference/quota); Google Calendar 600 requests per user
 * per minute (developers.google.com/workspace/calendar/api/guides/quota), a quota apart from
 * Gmail's. Each mailbox has a budget under each {@link PacedLimit}. Mailbridge spends {@code
 * mailbridge.mailbox.quota-share} percent of the configured limit (95), so that rounding, clocks
 * and the odd call of another node stay under it; a call whose turn is near waits for it, one whose
 * turn is further than {@code mailbridge.mailbox.pace-wait} away is not sent ({@link
 * MailboxQuotaSpent}), and a capture run then ends and goes on when the budget frees. A provider's
 * Retry-After pauses only that mailbox. Mailboxes never share a budget, so one mailbox's wait slows
 * no other.
 */
@ApplicationScoped
public class MailboxQuotas {

  /**
   * A page whose room in the budget comes within this long waits for it on its worker; a later one
   * ends its run. Short, so a paced mailbox holds a worker no more than a blink.
   */
  static final Duration PAGE_WAIT_INLINE = Duration.ofSeconds(1);

  static final Metadata WAITS =
      Metadata.builder()
          .withName("mailbridge_provider_pacing_waits")
          .withDescription(
              "Calls held back by Mailbridge's per-mailbox pacing, by provider: waited (the call"
                  + " waited for its turn, then went) or deferred (not sent; capture goes on when"
                  + " the mailbox's budget frees)")
          .build();

  @Inject MetricRegistry registry;

  @Inject
  @ConfigProperty(name = "mailbridge.graph.mailbox-requests", defaultValue = "10000")
  long graphRequests;

  @Inject
  @ConfigProperty(name = "mailbridge.graph.mailbox-window", defaultValue = "PT10M")
  Duration graphWindow;

  @Inject
  @ConfigProperty(name = "mailbridge.graph.mailbox-concurrency", defaultValue = "4")
  int graphConcurrency;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.gmail.quota-units-per-minute", defaultValue = "6000")
  long gmailUnits;

  /** Google's window is a minute; a test scales it down with the units. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.gmail.quota-window", defaultValue = "PT1M")
  Duration gmailWindow;

  @Inject
  @ConfigProperty(name = "mailbridge.google-calendar.requests-per-minute", defaultValue = "600")
  long calendarRequests;

  @Inject
  @ConfigProperty(name = "mailbridge.mailbox.pace-wait", defaultValue = "PT5S")
  Duration paceWait;

  /**
   * The percent of each limit Mailbridge spends per window. The margin covers a clock or a window
   * edge the provider counts differently and the odd call of another node; every window Mailbridge
   * leaves unspent is throughput lost, so it stays small.
   */
  @Inject
  @ConfigProperty(name = "mailbridge.mailbox.quota-share", defaultValue = "95")
  int sharePercent;

  Clock clock = Clock.systemUTC();

  /** How a call waits for its turn; a test advances its clock instead. */
  interface Sleep {
    void sleep(long millis) throws InterruptedException;
  }

  Sleep sleep = Thread::sleep;

  private final Map<String, MailboxQuota> quotas = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();

  /** A call's place in its mailbox's quota; closing it frees its place in flight. */
  public interface Turn extends AutoCloseable {
    @Override
    void close();
  }

  private static final Turn UNPACED = () -> {};

  /**
   * Waits for a turn of {@code mailboxId} (a connection or captured mailbox id) to spend {@code
   * cost} units, at most {@code mailbridge.mailbox.pace-wait}; a null id (a call that names no
   * mailbox) goes at once.
   *
   * @throws MailboxQuotaSpent when the turn is further away; nothing is counted then
   */
  public Turn enter(PacedLimit kind, String mailboxId, long cost) {
    if (mailboxId == null || kind == null) {
      return UNPACED;
    }
    if (calls.incrementAndGet() % 4096 == 0) {
      forgetIdle();
    }
    MailboxQuota quota = quota(kind, mailboxId);
    long deadline = clock.millis() + paceWait.toMillis();
    boolean waited = false;
    try {
      while (true) {
        long now = clock.millis();
        MailboxQuota.Turn turn = quota.take(cost, now);
        if (turn.taken()) {
          if (waited) {
            count(kind, "waited");
          }
          long takenAt = now;
          return () -> quota.release(cost, takenAt, clock.millis());
        }
        if (turn.inFlight()) {
          if (now >= deadline) {
            throw spent(kind, Duration.ofSeconds(1));
          }
          quota.awaitRelease(Math.min(deadline - now, 1000));
        } else if (now + turn.waitMillis() > deadline) {
          throw spent(kind, Duration.ofMillis(turn.waitMillis()));
        } else {
          sleep.sleep(turn.waitMillis());
        }
        waited = true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw spent(kind, Duration.ofSeconds(1));
    }
  }

  /**
   * How long until {@code mailboxId} has room for {@code cost} units (zero: now). A capture run
   * asks before it reads a page, and ends instead of starting one it would have to stop.
   */
  public Duration headroom(PacedLimit kind, String mailboxId, long cost) {
    if (mailboxId == null || kind == null) {
      return Duration.ZERO;
    }
    MailboxQuota quota = quotas.get(key(kind, mailboxId));
    return quota == null ? Duration.ZERO : Duration.ofMillis(quota.headroom(cost, clock.millis()));
  }

  /**
   * The units {@code mailboxId} may spend now without waiting: a caller that can split its work (a
   * batch of calls) sends what fits instead of waiting for room for all of it.
   */
  public long room(PacedLimit kind, String mailboxId) {
    if (mailboxId == null || kind == null) {
      return Long.MAX_VALUE;
    }
    MailboxQuota quota = quotas.get(key(kind, mailboxId));
    return quota == null ? budget(kind) : quota.room(clock.millis());
  }

  /**
   * How long until {@code mailboxId} has room for its next page of {@code folder} (zero: now, and
   * the page is then counted as started). The page is taken to cost what the folder's last page
   * did, at most {@code mostCost}: the worst case would hold pages back while the budget has room
   * for what they really spend. A page costing more than foreseen waits inline for its late turns.
   * Room that comes within {@link #PAGE_WAIT_INLINE} (and {@code mailbridge.mailbox.pace-wait}) is
   * waited for here: ending the run and queueing it again costs a paced mailbox more than that.
   */
  public Duration pageHeadroom(PacedLimit kind, String mailboxId, String folder, long mostCost) {
    if (mailboxId == null || kind == null) {
      return Duration.ZERO;
    }
    MailboxQuota quota = quota(kind, mailboxId);
    long cost = quota.likelyPageCost(folder, Math.max(1, mostCost));
    long wait = quota.headroom(cost, clock.millis());
    if (wait > 0 && wait <= Math.min(PAGE_WAIT_INLINE.toMillis(), paceWait.toMillis())) {
      try {
        sleep.sleep(wait);
        count(kind, "waited");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Duration.ofMillis(wait);
      }
      wait = quota.headroom(cost, clock.millis());
    }
    if (wait == 0) {
      quota.pageStarted(folder);
    }
    return Duration.ofMillis(wait);
  }

  /** The provider asked this mailbox to wait (Retry-After): no call for it goes before then. */
  public void pause(PacedLimit kind, String mailboxId, Duration retryAfter) {
    if (mailboxId != null && kind != null && retryAfter != null && !retryAfter.isNegative()) {
      quota(kind, mailboxId).pause(clock.millis() + retryAfter.toMillis());
    }
  }

  /** The budget spent per window, which Mailbridge keeps under the configured limit. */
  public long budget(PacedLimit kind) {
    return share(
        switch (kind) {
          case GRAPH -> graphRequests;
          case GMAIL -> gmailUnits;
          case GOOGLE_CALENDAR -> calendarRequests;
        },
        sharePercent);
  }

  /** The provider's window for {@code kind}. */
  public Duration window(PacedLimit kind) {
    return switch (kind) {
      case GRAPH -> graphWindow;
      case GMAIL -> gmailWindow;
      // Google counts both of its quotas per minute; a test scales the two windows together.
      case GOOGLE_CALENDAR -> gmailWindow;
    };
  }

  /** Counts a run that ended because {@link #headroom} said the budget has no room. */
  public void deferred(PacedLimit kind) {
    if (kind != null) {
      count(kind, "deferred");
    }
  }

  /** {@code percent} of {@code limit}, the percent held to 1–100, at least one unit. */
  static long share(long limit, int percent) {
    return Math.max(1, limit * Math.max(1, Math.min(100, percent)) / 100);
  }

  private MailboxQuota quota(PacedLimit kind, String mailboxId) {
    return quotas.computeIfAbsent(
        key(kind, mailboxId),
        k ->
            new MailboxQuota(
                budget(kind), window(kind), kind == PacedLimit.GRAPH ? graphConcurrency : 0));
  }

  private static String key(PacedLimit kind, String mailboxId) {
    return kind.name() + ":" + mailboxId;
  }

  private MailboxQuotaSpent spent(PacedLimit kind, Duration wait) {
    count(kind, "deferred");
    return new MailboxQuotaSpent(
        kind.label() + "_paced",
        "Mailbridge paces this mailbox under "
            + kind.description()
            + "; it goes on when the mailbox's budget frees",
        wait);
  }

  private void count(PacedLimit kind, String outcome) {
    if (registry != null) {
      registry.counter(WAITS, new Tag("provider", kind.label()), new Tag("outcome", outcome)).inc();
    }
  }

  /** Quotas of mailboxes that spent nothing for a window are dropped, so memory stays bounded. */
  private void forgetIdle() {
    long now = clock.millis();
    quotas.entrySet().removeIf(e -> e.getValue().idle(now));
  }
}
