package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.ActionRequired;

/**
 * Microsoft would not give the org's app an app-only token (consent revoked, secret expired, app
 * not in the tenant, …): the message says in words what happened and what an admin does.
 */
public class AppAccessRefused extends ActionRequired {

  public AppAccessRefused(String code, String message) {
    super(code, message);
  }
}
