package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.ActionRequired;

/** The org has no app registered for this provider yet; an admin must set one up. */
public class ProviderNotConfigured extends ActionRequired {

  public ProviderNotConfigured(String message) {
    super("provider_not_configured", message);
  }
}
