package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.Unavailable;
import java.time.Duration;

/** The provider could not be reached (network, TLS, refused connection); back off and retry. */
public class ProviderUnreachable extends Unavailable {

  public ProviderUnreachable(String code, String message) {
    this(code, message, null);
  }

  /**
   * @param retryAfter the wait suggested to an interactive caller, or null
   */
  public ProviderUnreachable(String code, String message, Duration retryAfter) {
    super(code, message, retryAfter);
  }
}
