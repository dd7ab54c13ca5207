package io.mailbridge.platform.jobs.control;

import java.time.Duration;

/** Thrown by a handler that knows when to try again (a provider's Retry-After). */
public class RetryLater extends Exception {
  private final Duration after;

  public RetryLater(String reason, Duration after) {
    super(reason);
    this.after = after;
  }

  public Duration after() {
    return after;
  }
}
