package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.ProviderBusy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps the EWS requests this node makes over one org's Exchange connection (its service account)
 * under the server's {@code EWSMaxConcurrency} (27 by default in Exchange 2013 and later): beyond
 * it Exchange answers {@code ErrorServerBusy} for every mailbox of the account. A request that
 * finds no free place within {@code mailbridge.ews.concurrency-wait} is {@link ProviderBusy}, so
 * its job waits in the queue instead of on a thread.
 */
@ApplicationScoped
public class EwsConcurrency {

  @Inject
  @ConfigProperty(name = "mailbridge.ews.max-concurrency", defaultValue = "27")
  int maxConcurrency;

  @Inject
  @ConfigProperty(name = "mailbridge.ews.concurrency-wait", defaultValue = "PT30S")
  Duration wait;

  private final Map<String, Semaphore> byConnection = new ConcurrentHashMap<>();

  /** Runs one EWS request of this connection once a place is free. */
  <T> T within(String connectionId, Supplier<T> request) {
    Semaphore places =
        byConnection.computeIfAbsent(
            connectionId, id -> new Semaphore(Math.max(1, maxConcurrency), true));
    boolean acquired;
    try {
      acquired = places.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderBusy("exchange_busy", "Interrupted while waiting for Exchange", null);
    }
    if (!acquired) {
      throw new ProviderBusy(
          "exchange_busy",
          "All "
              + maxConcurrency
              + " concurrent requests allowed to this Exchange connection are in use"
              + " (mailbridge.ews.max-concurrency)",
          Duration.ofSeconds(5));
    }
    try {
      return request.get();
    } finally {
      places.release();
    }
  }

  /** Requests of this connection running now (for tests and diagnostics). */
  int inUse(String connectionId) {
    Semaphore places = byConnection.get(connectionId);
    return places == null ? 0 : Math.max(1, maxConcurrency) - places.availablePermits();
  }
}
