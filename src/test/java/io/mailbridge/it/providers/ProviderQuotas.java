package io.mailbridge.it.providers;

import com.sun.net.httpserver.HttpExchange;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The providers' per-mailbox limits, imposed on the accounts a test names (scaled down): Graph's
 * requests per window and concurrent requests per app and mailbox
 * (learn.microsoft.com/graph/throttling-limits), answered over the limit with 429 {@code
 * TooManyRequests} and Retry-After; Gmail's quota units per user per window at each method's
 * documented cost (developers.google.com/gmail/api/reference/quota), answered with 429 {@code
 * rateLimitExceeded} / "User-rate limit exceeded". Every 429 is counted per account. The window is
 * exact (a log of every request), so a client that paces itself coarsely is caught.
 */
public final class ProviderQuotas {

  /** One account's limit: units per window and requests at once (0: no cap). */
  public record Limit(long units, Duration window, int concurrent) {}

  private final FakeProviders fake;

  /** The accounts under quota (lower case), and their limit. */
  public final Map<String, Limit> limits = new ConcurrentHashMap<>();

  /** The 429s answered per account. */
  public final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();

  /** The requests let through per account. */
  public final Map<String, AtomicInteger> admitted = new ConcurrentHashMap<>();

  /** The units let through per account (Graph: one a request; Gmail: the method's cost). */
  public final Map<String, java.util.concurrent.atomic.AtomicLong> unitsAdmitted =
      new ConcurrentHashMap<>();

  /** Of the 429s, those answered because the account had its requests at once in flight. */
  public final Map<String, AtomicInteger> refusedAtOnce = new ConcurrentHashMap<>();

  /** When each admitted request came and its units, per account, for a benchmark's timeline. */
  public final Map<String, java.util.Queue<long[]>> admittedAt = new ConcurrentHashMap<>();

  private final Map<String, Deque<long[]>> spent = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  ProviderQuotas(FakeProviders fake) {
    this.fake = fake;
  }

  /** A held place of one request, or null when the request is not under quota. */
  interface Place extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Counts the request against its account's quota; answers 429 and returns null when it is over, a
   * place to close when the request is done otherwise (a no-op for accounts under no quota).
   */
  Place admit(HttpExchange exchange, String path) throws java.io.IOException {
    if (limits.isEmpty()) {
      return () -> {};
    }
    boolean graph = path.startsWith("/graph/v1.0/");
    boolean gmail = path.startsWith("/google/gmail/v1/users/me/");
    if (!graph && !gmail) {
      return () -> {};
    }
    FakeProviders.Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      return () -> {};
    }
    String account = token.account();
    if (graph && path.startsWith("/graph/v1.0/users/")) {
      String user = path.substring("/graph/v1.0/users/".length()).split("/")[0];
      String mailbox = fake.mailboxOf(token, user);
      account = mailbox == null ? account : mailbox;
    }
    account = account.toLowerCase(Locale.ROOT);
    Limit limit = limits.get(account);
    if (limit == null) {
      return () -> {};
    }
    long units = graph ? 1 : gmailUnits(exchange.getRequestMethod(), path);
    long now = System.currentTimeMillis();
    AtomicInteger running = inFlight.computeIfAbsent(account, k -> new AtomicInteger());
    Long waitMillis;
    synchronized (this) {
      Deque<long[]> log = spent.computeIfAbsent(account, k -> new ArrayDeque<>());
      while (!log.isEmpty() && log.peekFirst()[0] <= now - limit.window().toMillis()) {
        log.removeFirst();
      }
      long used = log.stream().mapToLong(e -> e[1]).sum();
      if (limit.concurrent() > 0 && running.get() >= limit.concurrent()) {
        waitMillis = 1000L;
      } else if (used + units > limit.units()) {
        waitMillis = log.isEmpty() ? 1000L : log.peekFirst()[0] + limit.window().toMillis() - now;
      } else {
        waitMillis = null;
        log.addLast(new long[] {now, units});
        running.incrementAndGet();
      }
    }
    if (waitMillis != null) {
      refused.computeIfAbsent(account, k -> new AtomicInteger()).incrementAndGet();
      if (limit.concurrent() > 0 && running.get() >= limit.concurrent()) {
        refusedAtOnce.computeIfAbsent(account, k -> new AtomicInteger()).incrementAndGet();
      }
      long seconds = Math.max(1, (waitMillis + 999) / 1000);
      exchange.getResponseHeaders().set("Retry-After", String.valueOf(seconds));
      if (graph) {
        FakeHttp.send(
            exchange,
            429,
            FakeHttp.graphError(
                "TooManyRequests", "Application is over its MailboxConcurrency limit."));
      } else {
        FakeHttp.send(
            exchange,
            429,
            "{\"error\":{\"code\":429,\"message\":\"User-rate limit exceeded.\",\"errors\":[{"
                + "\"message\":\"User-rate limit exceeded.\",\"domain\":\"usageLimits\","
                + "\"reason\":\"rateLimitExceeded\"}],\"status\":\"RESOURCE_EXHAUSTED\"}}");
      }
      return null;
    }
    admitted.computeIfAbsent(account, k -> new AtomicInteger()).incrementAndGet();
    unitsAdmitted
        .computeIfAbsent(account, k -> new java.util.concurrent.atomic.AtomicLong())
        .addAndGet(units);
    admittedAt
        .computeIfAbsent(account, k -> new java.util.concurrent.ConcurrentLinkedQueue<>())
        .add(new long[] {now, units});
    return running::decrementAndGet;
  }

  /** Google's units for the Gmail method a request calls. */
  static long gmailUnits(String method, String path) {
    String rest = path.substring("/google/gmail/v1/users/me/".length());
    return switch (rest) {
      case "profile" -> 1;
      case "history" -> 2;
      case "labels" -> "GET".equals(method) ? 1 : 5;
      case "watch", "messages/send" -> 100;
      case "stop" -> 50;
      default -> 5; // messages.list, messages.get, messages.modify
    };
  }

  /** The 429s answered to an account. */
  public int refusedFor(String account) {
    AtomicInteger n = refused.get(account.toLowerCase(Locale.ROOT));
    return n == null ? 0 : n.get();
  }

  /** The requests let through for an account under quota. */
  public int admittedFor(String account) {
    AtomicInteger n = admitted.get(account.toLowerCase(Locale.ROOT));
    return n == null ? 0 : n.get();
  }

  /** The units let through for an account under quota. */
  public long unitsFor(String account) {
    java.util.concurrent.atomic.AtomicLong n = unitsAdmitted.get(account.toLowerCase(Locale.ROOT));
    return n == null ? 0 : n.get();
  }

  /** The 429s answered to an account for its requests at once. */
  public int refusedAtOnceFor(String account) {
    AtomicInteger n = refusedAtOnce.get(account.toLowerCase(Locale.ROOT));
    return n == null ? 0 : n.get();
  }
}
