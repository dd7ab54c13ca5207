package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mailbox quotas of Graph and Gmail, imposed and counted by the fakes when a benchmark turns
 * them on ({@link FakeProviders#quotas}), independently of any pacing on Mailbridge's side.
 *
 * <p>Graph's Outlook limits apply per app and mailbox (learn.microsoft.com/graph/throttling-limits,
 * "Outlook service limits"): at most {@code graphConcurrent} requests at once, answered beyond it
 * with 429 {@code ApplicationThrottled} "Application is over its MailboxConcurrency limit." and
 * {@code Retry-After: 1}, and at most {@code graphRequests} requests per {@code graphWindow} (a
 * sliding window), answered beyond it with 429 "Application is over its RequestRate limit." and a
 * {@code Retry-After} of the seconds until the oldest counted request leaves the window. Gmail's
 * per-user limit counts quota units per method (developers.google.com/gmail/api/reference/quota:
 * messages.get and messages.list 5, history.list 2, getProfile and labels.list 1, users.watch 100)
 * over a sliding {@code gmailWindow}; a request beyond {@code gmailUnits} is refused with 429 and
 * the usage-limits error body ({@code reason rateLimitExceeded}) before it is served. Refused
 * requests are not counted against the window, as a client waiting out the Retry-After expects.
 */
public final class ProviderQuotas {

  private static final Pattern GRAPH_MAILBOX =
      Pattern.compile(
          "^/graph/v1\\.0/(me|users/([^/]+))/(messages|mailFolders|calendarView|calendar|events)(/.*)?$");
  private static final Pattern GMAIL = Pattern.compile("^/google/gmail/v1/users/me/(.*)$");

  public final int graphConcurrent;
  public final int graphRequests;
  public final Duration graphWindow;
  public final int gmailUnits;
  public final Duration gmailWindow;

  /** What one provider's fake admitted and refused while the quotas were on. */
  public static final class Counts {
    public final AtomicLong admitted = new AtomicLong();
    public final AtomicLong units = new AtomicLong();
    public final AtomicLong refused = new AtomicLong();
    public final AtomicLong refusedConcurrency = new AtomicLong();

    /** Nanotime of the first admitted request and of the first refusal, 0 while none. */
    public volatile long firstAdmitted;

    public volatile long firstRefused;
  }

  public final Counts graph = new Counts();
  public final Counts gmail = new Counts();
  private final Map<String, Counts> byAccount = new ConcurrentHashMap<>();

  /** What the fakes admitted and refused for one mailbox (Graph: over every app). */
  public Counts of(String account) {
    return byAccount.computeIfAbsent(account.toLowerCase(java.util.Locale.ROOT), k -> new Counts());
  }

  /** Per app and mailbox (Graph) or per user (Gmail): admitted units by time, and in flight. */
  private static final class Window {
    final Deque<long[]> admitted = new ArrayDeque<>();
    long sum;
    int inFlight;
  }

  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  public ProviderQuotas(
      int graphConcurrent,
      int graphRequests,
      Duration graphWindow,
      int gmailUnits,
      Duration gmailWindow) {
    this.graphConcurrent = graphConcurrent;
    this.graphRequests = graphRequests;
    this.graphWindow = graphWindow;
    this.gmailUnits = gmailUnits;
    this.gmailWindow = gmailWindow;
  }

  /**
   * The providers' documented limits: Graph 4 at once and 10,000 per 10 minutes; Gmail per user.
   */
  public static ProviderQuotas documented(int gmailUnitsPerMinute) {
    return new ProviderQuotas(
        4, 10_000, Duration.ofMinutes(10), gmailUnitsPerMinute, Duration.ofMinutes(1));
  }

  /** A request that counts against a quota: the key it counts under and its cost. */
  record Charge(String key, String account, boolean graph, int units) {}

  /**
   * Admits the request or answers it with the provider's throttling answer; an admitted Graph
   * request must be {@link #release released} once answered.
   */
  Charge admit(HttpExchange exchange, FakeProviders fake) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Matcher graphPath = GRAPH_MAILBOX.matcher(path);
    Matcher gmailPath = GMAIL.matcher(path);
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      return null;
    }
    if (graphPath.matches()) {
      String mailbox = fake.mailboxOf(token, graphPath.group(2));
      if (mailbox == null) {
        return null;
      }
      Charge charge = new Charge("graph " + token.clientId() + " " + mailbox, mailbox, true, 1);
      return take(exchange, charge) ? charge : REFUSED;
    }
    if (gmailPath.matches()) {
      int units = gmailUnits(exchange.getRequestMethod(), gmailPath.group(1));
      Charge charge = new Charge("gmail " + token.account(), token.account(), false, units);
      return take(exchange, charge) ? charge : REFUSED;
    }
    return null;
  }

  /** The answer given: nothing to serve or release. */
  static final Charge REFUSED = new Charge("", "", false, 0);

  void release(Charge charge) {
    if (charge != null && charge.graph()) {
      Window w = windows.get(charge.key());
      synchronized (w) {
        w.inFlight--;
      }
    }
  }

  private boolean take(HttpExchange exchange, Charge charge) throws IOException {
    Counts total = charge.graph() ? graph : gmail;
    Counts mailbox = of(charge.account());
    long window = (charge.graph() ? graphWindow : gmailWindow).toNanos();
    long limit = charge.graph() ? graphRequests : gmailUnits;
    long now = System.nanoTime();
    Window w = windows.computeIfAbsent(charge.key(), k -> new Window());
    boolean overConcurrency = false;
    long retryAfterNanos = 0;
    synchronized (w) {
      while (!w.admitted.isEmpty() && w.admitted.peekFirst()[0] <= now - window) {
        w.sum -= w.admitted.pollFirst()[1];
      }
      if (charge.graph() && w.inFlight >= graphConcurrent) {
        overConcurrency = true;
      } else if (w.sum + charge.units() > limit) {
        retryAfterNanos = w.admitted.isEmpty() ? window : w.admitted.peekFirst()[0] + window - now;
      } else {
        w.admitted.addLast(new long[] {now, charge.units()});
        w.sum += charge.units();
        if (charge.graph()) {
          w.inFlight++;
        }
        for (Counts counts : List.of(total, mailbox)) {
          counts.admitted.incrementAndGet();
          counts.units.addAndGet(charge.units());
          if (counts.firstAdmitted == 0) {
            counts.firstAdmitted = now;
          }
        }
        return true;
      }
    }
    for (Counts counts : List.of(total, mailbox)) {
      counts.refused.incrementAndGet();
      if (counts.firstRefused == 0) {
        counts.firstRefused = now;
      }
      if (overConcurrency) {
        counts.refusedConcurrency.incrementAndGet();
      }
    }
    if (charge.graph()) {
      String limitName = overConcurrency ? "MailboxConcurrency" : "RequestRate";
      long seconds = overConcurrency ? 1 : Math.max(1, (long) Math.ceil(retryAfterNanos / 1e9));
      exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
      send(
          exchange,
          429,
          FakeHttp.graphError(
              "ApplicationThrottled", "Application is over its " + limitName + " limit."));
    } else {
      // developers.google.com/gmail/api/guides/handle-errors: "Resolve a 429 error"
      send(
          exchange,
          429,
          Json.createObjectBuilder()
              .add(
                  "error",
                  Json.createObjectBuilder()
                      .add(
                          "errors",
                          Json.createArrayBuilder()
                              .add(
                                  Json.createObjectBuilder()
                                      .add("domain", "usageLimits")
                                      .add("reason", "rateLimitExceeded")
                                      .add("message", "Rate Limit Exceeded")))
                      .add("code", 429)
                      .add("message", "Rate Limit Exceeded"))
              .build()
              .toString());
    }
    return false;
  }

  /** Quota units of a Gmail method, from the rest of {@code /gmail/v1/users/me/}. */
  static int gmailUnits(String method, String rest) {
    if (rest.equals("profile") || rest.equals("labels") && method.equals("GET")) {
      return 1;
    }
    if (rest.equals("history")) {
      return 2;
    }
    if (rest.equals("watch")) {
      return 100;
    }
    if (rest.equals("messages/send")) {
      return 100;
    }
    // messages.list, messages.get, messages.modify, labels.create; anything else the bench
    // does not call
    return 5;
  }
}
