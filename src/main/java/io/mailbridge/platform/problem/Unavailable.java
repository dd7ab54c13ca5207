package io.mailbridge.platform.problem;

import java.time.Duration;

/**
 * Mailbridge or a system it needs cannot do this right now (shutting down, unreachable, a renewal
 * in progress); the same request may work later, after back-off.
 */
public class Unavailable extends DomainProblem {

  private final Duration retryAfter;

  public Unavailable(String code, String message) {
    this(code, message, null);
  }

  /**
   * @param retryAfter the wait suggested to the caller, or null
   */
  public Unavailable(String code, String message, Duration retryAfter) {
    super(code, message);
    this.retryAfter = retryAfter;
  }

  @Override
  public Duration retryAfter() {
    return retryAfter;
  }
}
