package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.UpstreamFailure;

/**
 * The provider refused the request (an error code, our access not accepted) or answered something
 * Mailbridge cannot use.
 */
public class ProviderRefused extends UpstreamFailure {

  public ProviderRefused(String code, String message) {
    super(code, message);
  }
}
