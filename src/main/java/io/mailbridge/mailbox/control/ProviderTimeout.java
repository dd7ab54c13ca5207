package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.UpstreamTimeout;

/** The provider did not answer within Mailbridge's timeout. */
public class ProviderTimeout extends UpstreamTimeout {

  public ProviderTimeout(String code, String message) {
    super(code, message);
  }
}
