package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.error;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.redirect;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Microsoft Entra ID beyond plain OAuth: the on-behalf-of grant (with its consent, revocation and
 * MFA refusals) and the admin-consent page.
 */
final class EntraEndpoints {

  private final FakeProviders fake;

  EntraEndpoints(FakeProviders fake) {
    this.fake = fake;
  }

  void authorize(HttpExchange exchange, String tenant) throws IOException {
    fake.authorization.authorize(exchange, "microsoft", tenant);
  }

  void token(HttpExchange exchange, String tenant) throws IOException, JOSEException {
    fake.authorization.token(exchange, "microsoft", tenant);
  }

  void onBehalfOf(HttpExchange exchange, String clientId, Map<String, String> form)
      throws IOException {
    JWTClaimsSet assertion;
    try {
      SignedJWT jwt = SignedJWT.parse(String.valueOf(form.get("assertion")));
      if (!jwt.verify(new RSASSAVerifier(fake.microsoftKey.toRSAPublicKey()))) {
        throw new IllegalArgumentException("signature");
      }
      assertion = jwt.getJWTClaimsSet();
    } catch (Exception e) {
      send(
          exchange,
          400,
          error("invalid_grant", "AADSTS50013: Assertion failed signature validation."));
      return;
    }
    String tenant = String.valueOf(assertion.getClaim("tid"));
    if (!"on_behalf_of".equals(form.get("requested_token_use"))
        || assertion.getAudience().stream().noneMatch(a -> a.endsWith(clientId))) {
      send(
          exchange, 400, error("invalid_grant", "AADSTS50013: Assertion audience does not match."));
      return;
    }
    if (fake.tenantsWithoutGraphConsent.contains(tenant)) {
      send(
          exchange,
          400,
          error(
              "invalid_grant",
              "AADSTS65001: The user or administrator has not consented to use the application."));
      return;
    }
    if (fake.tenantsRefusingAssertions.contains(tenant)) {
      send(
          exchange,
          400,
          error(
              "invalid_grant",
              "AADSTS50173: The provided grant has expired due to it being revoked."));
      return;
    }
    Object amr = assertion.getClaim("amr");
    if (fake.tenantsRequiringMfa.contains(tenant)
        && !(amr instanceof List<?> methods && methods.contains("mfa"))) {
      JsonObjectBuilder challenge =
          JSON.createObjectBuilder()
              .add("error", fake.mfaAsInvalidGrant ? "invalid_grant" : "interaction_required")
              .add(
                  "error_description",
                  (fake.mfaAsInvalidGrant ? "AADSTS50076" : "AADSTS50079")
                      + ": Due to a configuration change made by your administrator, or because"
                      + " you moved to a new location, you must use multi-factor authentication"
                      + " to access '00000003-0000-0000-c000-000000000000'.\r\nTrace ID: "
                      + UUID.randomUUID())
              .add(
                  "error_codes",
                  JSON.createArrayBuilder().add(fake.mfaAsInvalidGrant ? 50076 : 50079))
              .add("timestamp", Instant.now().toString())
              .add("trace_id", UUID.randomUUID().toString())
              .add("correlation_id", UUID.randomUUID().toString())
              .add("claims", FakeProviders.MFA_CLAIMS);
      if (fake.mfaAsInvalidGrant) {
        challenge.add("suberror", "basic_action");
      }
      send(exchange, 400, challenge.build().toString());
      return;
    }
    fake.onBehalfOfGrants.incrementAndGet();
    // v2.0 fake.authorization.tokens name the user in preferred_username, v1.0
    // fake.authorization.tokens in upn
    Object username = assertion.getClaim("preferred_username");
    String account = String.valueOf(username != null ? username : assertion.getClaim("upn"));
    String grantId = UUID.randomUUID().toString();
    String granted =
        "https://graph.microsoft.com/Mail.ReadWrite.Shared https://graph.microsoft.com/User.Read";
    fake.grantScopes.put(grantId, granted);
    JsonObjectBuilder answer =
        fake.authorization.tokens("microsoft", clientId, account, grantId, true);
    answer.add("scope", granted);
    send(exchange, 200, answer.build().toString());
  }

  /**
   * The client-credentials grant (learn.microsoft.com/entra/identity-platform/
   * v2-oauth2-client-creds-grant-flow): a tenant id in the path, scope {@code
   * https://graph.microsoft.com/.default}; an app token without refresh token; a tenant whose admin
   * revoked the consent answers as Entra does when the app is not in the tenant.
   */
  void clientCredentials(
      HttpExchange exchange, String tenant, String clientId, Map<String, String> form)
      throws IOException {
    if (!"https://graph.microsoft.com/.default".equals(form.get("scope"))) {
      send(
          exchange,
          400,
          error(
              "invalid_scope",
              "AADSTS1002012: The provided value for scope is not valid. Client credential flows"
                  + " must have a scope value with /.default suffixed to the resource identifier."));
      return;
    }
    if (tenant.equals("common") || tenant.equals("organizations")) {
      send(
          exchange,
          400,
          error(
              "invalid_request",
              "AADSTS90133: This application does not support the client credentials flow with"
                  + " the /common or /organizations endpoint; use a tenant-specific endpoint."));
      return;
    }
    if (fake.tenantsWithoutAppConsent.contains(tenant)) {
      fake.appTokenRefusals.incrementAndGet();
      send(
          exchange,
          400,
          error(
              "unauthorized_client",
              "AADSTS700016: Application with identifier '"
                  + clientId
                  + "' was not found in the directory '"
                  + tenant
                  + "'. This can happen if the application has not been installed by the"
                  + " administrator of the tenant or consented to by any user in the tenant."
                  + "\r\nTrace ID: "
                  + UUID.randomUUID()));
      return;
    }
    fake.appTokenGrants
        .computeIfAbsent(tenant, t -> new java.util.concurrent.atomic.AtomicInteger())
        .incrementAndGet();
    JsonObjectBuilder answer =
        fake.authorization.tokens(
            "microsoft", clientId, "app:" + tenant, UUID.randomUUID().toString(), false);
    answer.add("ext_expires_in", fake.accessTokenSeconds);
    send(exchange, 200, answer.build().toString());
  }

  /** Microsoft's admin-consent page: the admin (login_hint) consents for their tenant at once. */
  void adminConsent(HttpExchange exchange) throws IOException {
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    String redirect = q.get("redirect_uri");
    String clientId = q.get("client_id");
    if (redirect == null || clientId == null) {
      send(exchange, 400, "<html><body>AADSTS900144: missing parameter</body></html>");
      return;
    }
    String admin =
        q.getOrDefault(
            "login_hint", fake.signedInAccounts.getOrDefault(clientId, "admin@example.com"));
    if (admin.startsWith("deny:")) {
      redirect(
          exchange,
          redirect,
          Map.of(
              "error", "access_denied",
              "error_description", "AADSTS65004: User declined to consent to access the app.",
              "state", q.get("state")));
      return;
    }
    String tenant = fake.tenants.getOrDefault(admin, "11111111-2222-3333-4444-555555555555");
    redirect(
        exchange,
        redirect,
        Map.of("admin_consent", "True", "tenant", tenant, "state", q.get("state")));
  }
}
