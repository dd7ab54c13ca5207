package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.Busy;
import java.time.Duration;

/** The provider throttles or reports itself busy; try again after {@link #retryAfter()}. */
public class ProviderBusy extends Busy {

  /**
   * @param retryAfter the wait the provider asked for, or null when it named none
   */
  public ProviderBusy(String code, String message, Duration retryAfter) {
    super(code, message, retryAfter);
  }
}
