package io.mailbridge.mailbox.graph.control;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import io.mailbridge.mailbox.control.AccountRefused;
import io.mailbridge.mailbox.control.ProviderApps;
import io.mailbridge.mailbox.control.ProviderTokenVerifier;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.platform.config.control.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Verifies the Entra ID access tokens the Outlook add-in gets through nested app authentication:
 * the tenant must have consented to an org's app, the audience must be that app (client id or
 * {@code api://…} URI), the signature must verify against the tenant's keys, the issuer must be the
 * tenant's, and {@code scp} must hold Mailbridge's API scope. Tokens for Microsoft Graph are
 * refused by name: they are not meant for Mailbridge and cannot be verified by it.
 */
@ApplicationScoped
public class EntraAccessTokens {

  private static final Pattern GUID =
      Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  private static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

  @Inject ConsentedTenants tenants;
  @Inject ProviderApps apps;
  @Inject MicrosoftOAuth microsoft;
  @Inject ProviderTokenVerifier verifier;

  @Inject
  @ConfigProperty(name = "mailbridge.addin.entra-scope", defaultValue = "access_as_user")
  String apiScope;

  public VerifiedEntraToken verify(String token) {
    if (token == null || token.isBlank() || token.length() > 16 * 1024) {
      throw refused("accessToken is required");
    }
    JWTClaimsSet unverified;
    try {
      unverified = JWTParser.parse(token.strip()).getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      throw refused("it is not a JWT");
    }
    List<String> audience = unverified.getAudience() == null ? List.of() : unverified.getAudience();
    if (audience.stream().anyMatch(EntraAccessTokens::isGraph)) {
      throw refused(
          "it is a token for Microsoft Graph; the add-in must ask for Mailbridge's own scope");
    }
    Object tidClaim = unverified.getClaim("tid");
    if (!(tidClaim instanceof String tid) || !GUID.matcher(tid).matches()) {
      throw refused("it names no tenant");
    }
    Set<String> orgs = tenants.orgsConsenting(tid);
    if (orgs.isEmpty()) {
      throw new ApiProblem(
          401,
          "tenant_not_consented",
          "No admin of your Microsoft 365 tenant has consented to Mailbridge yet; a Mailbridge"
              + " admin opens /api/admin/microsoft/consent to ask for it");
    }
    Set<String> matching = new LinkedHashSet<>();
    for (String orgId : orgs) {
      apps.find(orgId, MailProvider.MICROSOFT)
          .filter(app -> audience.stream().anyMatch(aud -> isApp(aud, app.clientId())))
          .ifPresent(app -> matching.add(orgId));
    }
    if (matching.isEmpty()) {
      throw refused("it is meant for another application");
    }
    String issuer = microsoft.base() + "/" + tid + "/v2.0";
    JWTClaimsSet claims;
    try {
      claims =
          verifier.verify(
              token.strip(),
              new ProviderTokenVerifier.Expectations(
                  URI.create(microsoft.base() + "/" + tid + "/discovery/v2.0/keys"),
                  microsoft.policy(),
                  issuer::equals,
                  auds -> !auds.isEmpty(),
                  null));
    } catch (AccountRefused e) {
      throw new ApiProblem(401, "invalid_access_token", e.getMessage());
    }
    Object scp = claims.getClaim("scp");
    if (!(scp instanceof String scopes) || !Arrays.asList(scopes.split(" ")).contains(apiScope)) {
      throw refused("it does not carry the scope " + apiScope);
    }
    Object oid = claims.getClaim("oid");
    if (!(oid instanceof String objectId) || objectId.isBlank()) {
      throw refused("it names no user");
    }
    Object username = claims.getClaim("preferred_username");
    return new VerifiedEntraToken(
        tid, objectId, issuer, username instanceof String u ? u : "", matching);
  }

  /** The tenant of an Entra issuer this class verified ({@code …/{tid}/v2.0}), else null. */
  public String tenantOfIssuer(String issuer) {
    String prefix = microsoft.base() + "/";
    if (issuer == null || !issuer.startsWith(prefix) || !issuer.endsWith("/v2.0")) {
      return null;
    }
    String tid = issuer.substring(prefix.length(), issuer.length() - "/v2.0".length());
    return GUID.matcher(tid).matches() ? tid : null;
  }

  /** The app's client id, or an application id URI that ends with it. */
  private static boolean isApp(String audience, String clientId) {
    String aud = audience.toLowerCase(Locale.ROOT);
    return aud.equals(clientId)
        || (aud.startsWith("api://") && aud.endsWith("/" + clientId))
        || aud.equals("api://" + clientId);
  }

  private static boolean isGraph(String audience) {
    String aud = audience.toLowerCase(Locale.ROOT);
    return aud.equals(GRAPH_APP_ID) || aud.startsWith("https://graph.microsoft.com");
  }

  private static ApiProblem refused(String reason) {
    return new ApiProblem(401, "invalid_access_token", "The access token was refused: " + reason);
  }
}
