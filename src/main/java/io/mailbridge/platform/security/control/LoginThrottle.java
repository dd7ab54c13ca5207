package io.mailbridge.platform.security.control;

import io.mailbridge.platform.problem.TooManyRequests;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Slows password guessing: too many failed logins for one account, or from one client address,
 * within the window answer 429 until the oldest failure leaves the window. Kept per node, in
 * memory; a cluster of N nodes allows at most N times the limit. Failures and refusals are counted
 * in the metrics.
 */
@ApplicationScoped
public class LoginThrottle {

  private static final int MAX_TRACKED = 100_000;
  private static final Logger LOG = Logger.getLogger(LoginThrottle.class.getName());

  /** The limits a refusal is counted under in the metrics. */
  static final String ACCOUNT_LIMIT = "account";

  static final String ADDRESS_LIMIT = "address";

  @Inject
  @ConfigProperty(name = "mailbridge.login.max-failures-per-account", defaultValue = "5")
  int maxPerAccount;

  @Inject
  @ConfigProperty(name = "mailbridge.login.max-failures-per-address", defaultValue = "20")
  int maxPerAddress;

  @Inject
  @ConfigProperty(name = "mailbridge.login.failure-window", defaultValue = "PT15M")
  Duration window;

  @Inject LoginMetrics metrics;

  Clock clock = Clock.systemUTC();

  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  /** Refuses with 429 when either the account or the address has used up its attempts. */
  public void check(String accountKey, String address) {
    long now = clock.millis();
    Duration wait = waitFor("account:" + accountKey, maxPerAccount, now);
    Duration addressWait = waitFor("address:" + address, maxPerAddress, now);
    String limit = ACCOUNT_LIMIT;
    if (addressWait.compareTo(wait) > 0) {
      wait = addressWait;
      limit = ADDRESS_LIMIT;
    }
    if (!wait.isZero()) {
      metrics.throttled(limit);
      throw new TooManyRequests(
          "Too many failed sign-in attempts; try again in "
              + Math.max(1, wait.toMinutes())
              + " minute(s)",
          wait);
    }
  }

  public void recordFailure(String accountKey, String address) {
    metrics.failed();
    long now = clock.millis();
    if (failures.size() > MAX_TRACKED) {
      failures.entrySet().removeIf(e -> expired(e.getValue(), now));
      if (failures.size() > MAX_TRACKED) {
        // A flood of distinct accounts: memory wins over memory of failures.
        LOG.warning(
            "Login throttle forgot its failures: more than " + MAX_TRACKED + " keys in the window");
        failures.clear();
      }
    }
    add("account:" + accountKey, now);
    add("address:" + address, now);
  }

  public void recordSuccess(String accountKey) {
    failures.remove("account:" + accountKey);
  }

  private void add(String key, long now) {
    Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (times) {
      times.addLast(now);
      prune(times, now);
    }
  }

  private Duration waitFor(String key, int max, long now) {
    Deque<Long> times = failures.get(key);
    if (times == null) {
      return Duration.ZERO;
    }
    synchronized (times) {
      prune(times, now);
      if (times.size() < max) {
        return Duration.ZERO;
      }
      // The attempt that brings the count back under the limit is the one that leaves first.
      long oldestThatMatters = times.stream().skip(times.size() - max).findFirst().orElse(now);
      return Duration.ofMillis(Math.max(1000, oldestThatMatters + window.toMillis() - now));
    }
  }

  private void prune(Deque<Long> times, long now) {
    while (!times.isEmpty() && times.peekFirst() < now - window.toMillis()) {
      times.removeFirst();
    }
  }

  private boolean expired(Deque<Long> times, long now) {
    synchronized (times) {
      prune(times, now);
      return times.isEmpty();
    }
  }
}
