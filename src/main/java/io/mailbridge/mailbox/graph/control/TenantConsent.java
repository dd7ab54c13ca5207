package io.mailbridge.mailbox.graph.control;

import io.mailbridge.mailbox.control.ConnectMailbox;
import io.mailbridge.mailbox.control.OAuthStates;
import io.mailbridge.mailbox.control.OAuthStates.CookieLookup;
import io.mailbridge.mailbox.control.OAuthStates.Presented;
import io.mailbridge.mailbox.control.ProviderApps;
import io.mailbridge.mailbox.control.TenantConsents;
import io.mailbridge.mailbox.control.TokenEndpoint;
import io.mailbridge.mailbox.entity.AuthorizationPurpose;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Tenant admin consent for the org's Microsoft app: an admin is sent to Microsoft's admin-consent
 * page; the callback checks the state and records the consented tenant, whose users may then sign
 * the Outlook add-in in with Entra ID.
 */
@ApplicationScoped
public class TenantConsent implements TenantConsents {

  static final String CALLBACK_PATH = "/api/admin/microsoft/consent/callback";
  private static final Pattern GUID =
      Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

  @Inject OAuthStates states;
  @Inject ProviderApps apps;
  @Inject MicrosoftOAuth microsoft;
  @Inject ConsentedTenants tenants;
  @Inject MailbridgeSettings settings;
  @Inject AuditLog audit;

  /** The URL to send the admin to, the state's expiry, and the browser-binding cookie. */
  @Override
  public ConnectMailbox.Started start(String orgId, String adminId) {
    ProviderApp app = apps.required(orgId, MailProvider.MICROSOFT);
    OAuthStates.Started started =
        states.start(orgId, adminId, MailProvider.MICROSOFT, AuthorizationPurpose.TENANT_CONSENT);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("client_id", app.clientId());
    query.put("scope", "https://graph.microsoft.com/.default");
    query.put("redirect_uri", redirectUri());
    query.put("state", started.state());
    String tenant = app.allowed().size() == 1 ? app.allowed().get(0) : "organizations";
    URI url =
        URI.create(
            microsoft.base()
                + "/"
                + tenant
                + "/v2.0/adminconsent?"
                + TokenEndpoint.formEncoded(query));
    return new ConnectMailbox.Started(
        url,
        started.row().expiresAt(),
        started.cookieName(),
        started.browserToken(),
        CALLBACK_PATH);
  }

  /**
   * The callback URL to register in the app: {@code
   * {public-url}/api/admin/microsoft/consent/callback}.
   */
  public String redirectUri() {
    return settings.publicUrl() + CALLBACK_PATH;
  }

  /** Records the consent, or says in plain words why there is none. */
  @Override
  public ConnectMailbox.Outcome complete(
      String state,
      String adminConsent,
      String tenant,
      String error,
      String errorDescription,
      CookieLookup cookies) {
    Presented presented =
        states.present(MailProvider.MICROSOFT, AuthorizationPurpose.TENANT_CONSENT, state, cookies);
    if (presented.refusal() != null) {
      return ConnectMailbox.refusal(presented.refusal(), MailProvider.MICROSOFT);
    }
    String orgId = presented.row().orgId();
    String adminId = presented.row().userId();
    if (error != null) {
      String words =
          switch (error) {
            case "access_denied" -> "the consent was declined or cancelled";
            case "consent_required", "interaction_required" ->
                "a Global Administrator must consent";
            default -> "Microsoft answered " + error;
          };
      String detail =
          errorDescription == null || errorDescription.isBlank()
              ? ""
              : " (" + abbreviate(errorDescription) + ")";
      audit.record(orgId, adminId, "tenant.consent", null, "refused", "Microsoft: " + error);
      return new ConnectMailbox.Outcome(
          400,
          "consent_refused",
          "No consent was given",
          "No consent: " + words + detail + ".",
          null);
    }
    String tid = tenant == null ? "" : tenant.strip().toLowerCase(Locale.ROOT);
    if (!"true".equalsIgnoreCase(adminConsent) || !GUID.matcher(tid).matches()) {
      return new ConnectMailbox.Outcome(
          400,
          "consent_refused",
          "No consent was given",
          "Microsoft did not confirm an admin consent for a tenant.",
          null);
    }
    boolean fresh = tenants.record(orgId, tid, adminId);
    audit.record(
        orgId,
        adminId,
        "tenant.consent",
        null,
        "consented",
        "Microsoft 365 tenant " + tid + (fresh ? " consented" : " consented again"));
    return new ConnectMailbox.Outcome(
        200,
        "consented",
        "Consent recorded",
        "Your Microsoft 365 tenant "
            + tid
            + " now trusts Mailbridge: its users can sign the Outlook add-in in. You can close"
            + " this window.",
        null);
  }

  @Override
  public List<ConsentedTenantView> consented(String orgId) {
    return tenants.ofOrg(orgId).stream()
        .map(t -> new ConsentedTenantView(t.tenantId(), t.consentedBy(), t.consentedAt()))
        .toList();
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
