package io.mailbridge.productivity.control;

import io.mailbridge.platform.problem.TooManyRequests;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Limits how often one client address may load booking pages and book, so that the public pages
 * cannot be used to guess tokens or to hammer the reps' calendars: a count per address and minute,
 * kept per node in memory (a cluster of N nodes allows N times the limit).
 */
@ApplicationScoped
public class BookingThrottle {

  private static final int MAX_TRACKED = 100_000;

  @Inject
  @ConfigProperty(name = "mailbridge.booking.max-requests-per-minute", defaultValue = "30")
  int maxPerMinute;

  Clock clock = Clock.systemUTC();

  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private volatile long minute = -1;

  /** Counts one request of this address; 429 once it made too many in the current minute. */
  public void check(String address) {
    long now = clock.millis();
    long thisMinute = now / 60_000;
    if (thisMinute != minute || counts.size() > MAX_TRACKED) {
      synchronized (this) {
        if (thisMinute != minute || counts.size() > MAX_TRACKED) {
          counts.clear();
          minute = thisMinute;
        }
      }
    }
    int count =
        counts
            .computeIfAbsent(address == null ? "" : address, a -> new AtomicInteger())
            .incrementAndGet();
    if (count > maxPerMinute) {
      long wait = Math.max(1, (thisMinute + 1) * 60_000 - now);
      throw new TooManyRequests(
          "Too many requests; try again in a minute", Duration.ofMillis(wait));
    }
  }
}
