package io.mailbridge.mailbox.control;

import java.time.Instant;
import java.util.List;

/**
 * Tenant admin consent for the org's Microsoft app, as the admin API drives it: start the round
 * trip through Microsoft, complete it at the callback, list the tenants that consented.
 */
public interface TenantConsents {

  /** A tenant whose admin consented, as admins see it. */
  record ConsentedTenantView(String tenantId, String consentedBy, Instant consentedAt) {}

  /** Microsoft's admin-consent URL to send the admin to, and the browser-binding cookie. */
  ConnectMailbox.Started start(String orgId, String adminId);

  /** Records the consent, or says in plain words why there is none. */
  ConnectMailbox.Outcome complete(
      String state,
      String adminConsent,
      String tenant,
      String error,
      String errorDescription,
      OAuthStates.CookieLookup cookies);

  List<ConsentedTenantView> consented(String orgId);
}
