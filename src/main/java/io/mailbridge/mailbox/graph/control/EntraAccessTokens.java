package io.mailbridge.mailbox.graph.control;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import io.mailbridge.mailbox.control.AccountRefused;
import io.mailbridge.mailbox.control.ProviderApps;
import io.mailbridge.mailbox.control.ProviderTokenVerifier;
import io.mailbridge.mailbox.control.VerifiedEntraToken;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.problem.NotAuthenticated;
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
 * the tenant must have consented to an org's app, the signature must verify against the tenant's
 * keys, and {@code scp} must hold Mailbridge's API scope. Entra issues v1.0 tokens unless the app
 * registration asks for v2 ({@code requestedAccessTokenVersion}), so both are accepted, each with
 * its own issuer ({@code https://sts.windows.net/{tid}/} or {@code {authority}/{tid}/v2.0}),
 * signing keys document and audience (v2.0: the client id only; v1.0: the client id or the app's
 * {@code api://} URI). Tokens for Microsoft Graph are refused by name: they are not meant for
 * Mailbridge and cannot be verified by it.
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
  @Inject MailbridgeSettings settings;

  @Inject
  @ConfigProperty(name = "mailbridge.addin.entra-scope", defaultValue = "access_as_user")
  String apiScope;

  /** Where v1.0 tokens come from; only a national cloud has another one. */
  @Inject
  @ConfigProperty(name = "mailbridge.microsoft.v1-issuer", defaultValue = "https://sts.windows.net")
  String v1Issuer;

  /** The two token formats, with where each one's issuer and signing keys are. */
  private enum Version {
    V1("1.0"),
    V2("2.0");

    final String claim;

    Version(String claim) {
      this.claim = claim;
    }

    static Version of(Object ver) {
      for (Version v : values()) {
        if (v.claim.equals(ver)) {
          return v;
        }
      }
      return null;
    }
  }

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
    // The signature check below covers ver too: a token cannot pick the laxer rules of the other.
    Version version = Version.of(unverified.getClaim("ver"));
    if (version == null) {
      throw refused("it is neither a v1.0 nor a v2.0 access token");
    }
    Set<String> orgs = tenants.orgsConsenting(tid);
    if (orgs.isEmpty()) {
      throw new NotAuthenticated(
          "tenant_not_consented",
          "No admin of your Microsoft 365 tenant has consented to Mailbridge yet; a Mailbridge"
              + " admin opens /api/admin/microsoft/consent to ask for it");
    }
    Set<String> matching = new LinkedHashSet<>();
    for (String orgId : orgs) {
      apps.find(orgId, MailProvider.MICROSOFT)
          .filter(app -> audience.stream().anyMatch(aud -> isApp(version, aud, app.clientId())))
          .ifPresent(app -> matching.add(orgId));
    }
    if (matching.isEmpty()) {
      throw refused(
          version == Version.V2
              ? "it is meant for another application (a v2.0 token names the app by its client id)"
              : "it is meant for another application");
    }
    String issuer = version == Version.V2 ? v2Issuer(tid) : trimmed(v1Issuer) + "/" + tid + "/";
    URI keys =
        URI.create(
            microsoft.base()
                + "/"
                + tid
                + (version == Version.V2 ? "/discovery/v2.0/keys" : "/discovery/keys"));
    JWTClaimsSet claims;
    try {
      claims =
          verifier.verify(
              token.strip(),
              new ProviderTokenVerifier.Expectations(
                  keys,
                  microsoft.policy(),
                  MicrosoftOAuth.SIGNING_KEYS,
                  issuer::equals,
                  auds -> !auds.isEmpty(),
                  null));
    } catch (AccountRefused e) {
      throw new NotAuthenticated("invalid_access_token", e.getMessage());
    }
    Object scp = claims.getClaim("scp");
    if (!(scp instanceof String scopes) || !Arrays.asList(scopes.split(" ")).contains(apiScope)) {
      throw refused("it does not carry the scope " + apiScope);
    }
    Object oid = claims.getClaim("oid");
    if (!(oid instanceof String objectId) || objectId.isBlank()) {
      throw refused("it names no user");
    }
    return new VerifiedEntraToken(
        tid, objectId, v2Issuer(tid), username(claims, version), matching);
  }

  /**
   * The person's issuer in the v2.0 form whichever format the token had, so that an admin who
   * switches the app registration to v2 tokens does not unlink everyone.
   */
  private String v2Issuer(String tid) {
    return microsoft.base() + "/" + tid + "/v2.0";
  }

  /** v2.0 has {@code preferred_username}; v1.0 has {@code upn}, or {@code unique_name}. */
  private static String username(JWTClaimsSet claims, Version version) {
    List<String> names =
        version == Version.V2 ? List.of("preferred_username") : List.of("upn", "unique_name");
    for (String name : names) {
      if (claims.getClaim(name) instanceof String value && !value.isBlank()) {
        return value;
      }
    }
    return "";
  }

  /**
   * v2.0 tokens always name the API by its client id. v1.0 tokens name it as the client asked: by
   * client id, or by the application ID URI, which is Entra's default {@code api://{client id}} or
   * the {@code api://{public host}/{client id}} the manifest and the task pane use.
   */
  private boolean isApp(Version version, String audience, String clientId) {
    String aud = audience.toLowerCase(Locale.ROOT);
    if (aud.equals(clientId)) {
      return true;
    }
    if (version == Version.V2) {
      return false;
    }
    String host = URI.create(settings.publicUrl()).getHost();
    return aud.equals("api://" + clientId)
        || (host != null && aud.equals("api://" + host.toLowerCase(Locale.ROOT) + "/" + clientId));
  }

  private static String trimmed(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static boolean isGraph(String audience) {
    String aud = audience.toLowerCase(Locale.ROOT);
    return aud.equals(GRAPH_APP_ID) || aud.startsWith("https://graph.microsoft.com");
  }

  private static NotAuthenticated refused(String reason) {
    return new NotAuthenticated("invalid_access_token", "The access token was refused: " + reason);
  }
}
