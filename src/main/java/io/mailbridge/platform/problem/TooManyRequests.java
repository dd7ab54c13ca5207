package io.mailbridge.platform.problem;

import java.time.Duration;
import java.util.Objects;

/** The caller asked too often (failed sign-ins) and must wait. */
public class TooManyRequests extends DomainProblem {

  private final Duration retryAfter;

  public TooManyRequests(String message, Duration retryAfter) {
    super("too_many_requests", message);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  @Override
  public Duration retryAfter() {
    return retryAfter;
  }
}
