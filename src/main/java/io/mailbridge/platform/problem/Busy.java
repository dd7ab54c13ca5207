package io.mailbridge.platform.problem;

import java.time.Duration;

/**
 * A system that is up but asked to wait (throttling, "server busy"): try again after its {@link
 * #retryAfter()}, not after an own back-off.
 */
public abstract class Busy extends Unavailable {

  protected Busy(String code, String message, Duration retryAfter) {
    super(code, message, retryAfter);
  }
}
