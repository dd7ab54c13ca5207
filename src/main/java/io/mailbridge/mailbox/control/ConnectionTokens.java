package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.Unavailable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Access tokens of connected mailboxes for whatever reads them (logging, capture, sync). Callers on
 * one node that ask for the same connection at the same time share one lookup, so at most one
 * refresh is in flight per connection on a node; {@link ConnectionRefresh} does the same across
 * nodes.
 */
@ApplicationScoped
public class ConnectionTokens {

  private static final long WAIT_SECONDS = 90;

  @Inject ConnectionRefresh refresh;

  private final ConcurrentHashMap<String, CompletableFuture<String>> inFlight =
      new ConcurrentHashMap<>();

  public String accessToken(String orgId, String connectionId) {
    CompletableFuture<String> mine = new CompletableFuture<>();
    CompletableFuture<String> running = inFlight.putIfAbsent(connectionId, mine);
    if (running != null) {
      return join(running);
    }
    try {
      String token = refresh.currentOrRefreshed(orgId, connectionId);
      mine.complete(token);
      return token;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(connectionId, mine);
    }
  }

  private static String join(CompletableFuture<String> running) {
    try {
      return running.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new Unavailable("refresh_in_progress", "Renewing mailbox access takes too long");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted", "The server is shutting down; try again");
    }
  }
}
