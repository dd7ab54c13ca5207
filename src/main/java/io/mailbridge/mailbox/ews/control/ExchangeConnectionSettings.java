package io.mailbridge.mailbox.ews.control;

import java.util.List;

/**
 * An org's Exchange connection as an admin sends it; {@code password} null keeps the stored one,
 * {@code users} null means every user linked to a CRM user.
 */
public record ExchangeConnectionSettings(
    String ewsUrl,
    String autodiscoverEmail,
    String auth,
    String username,
    String password,
    String domain,
    String caBundlePem,
    List<String> users) {

  @Override
  public String toString() {
    // Never print the password.
    return "ExchangeConnectionSettings[" + ewsUrl + ", " + username + "]";
  }
}
