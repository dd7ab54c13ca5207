package io.mailbridge.mailbox.graph.control;

import com.nimbusds.jwt.JWTClaimsSet;
import io.mailbridge.mailbox.control.AccountRefused;
import io.mailbridge.mailbox.control.ConnectedAccount;
import io.mailbridge.mailbox.control.OAuthProvider;
import io.mailbridge.mailbox.control.ProviderCredentials;
import io.mailbridge.mailbox.control.ProviderOutbound;
import io.mailbridge.mailbox.control.ProviderTokenVerifier;
import io.mailbridge.mailbox.control.TokenEndpoint;
import io.mailbridge.mailbox.control.TokenEndpointError;
import io.mailbridge.mailbox.control.TokenGrant;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Microsoft identity platform's authorization-code flow (v2.0 endpoints) with PKCE and {@code
 * offline_access}; the account and tenant from the verified ID token, tenants checked against the
 * org's list. Microsoft has no per-app token revocation: revoking calls Graph's {@code
 * revokeSignInSessions} (configurable) and then forgets the tokens.
 */
@ApplicationScoped
public class MicrosoftOAuth implements OAuthProvider {

  static final String GRAPH = "https://graph.microsoft.com/";

  /** .Shared covers the user's own mailbox too, and is what the add-in's on-behalf-of flow asks. */
  static final List<String> DATA_SCOPES =
      List.of(GRAPH + "Mail.ReadWrite.Shared", GRAPH + "User.Read");

  /**
   * {@code sendMail} needs it (send later). Asked for but not required: connections made before it
   * was asked lack it, and a refresh never asks for a scope the connection was not granted.
   */
  static final String SEND_SCOPE = GRAPH + "Mail.Send";

  /**
   * Contact sync reads and writes the user's "Mailbridge" contact folder. Optional like sending:
   * older connections lack it until their user connects again.
   */
  static final String CONTACTS_SCOPE = GRAPH + "Contacts.ReadWrite";

  /**
   * Availability: {@code getSchedule} takes {@code Calendars.Read} or more, and creating the booked
   * meeting ({@code POST /me/events}) needs {@code Calendars.ReadWrite}, so the one covers both.
   * Optional like sending.
   */
  static final String CALENDAR_SCOPE = GRAPH + "Calendars.ReadWrite";

  private static final List<String> OPTIONAL = List.of(SEND_SCOPE, CONTACTS_SCOPE, CALENDAR_SCOPE);

  private static final List<String> IDENTITY =
      List.of("openid", "email", "profile", "offline_access");
  private static final Pattern GUID =
      Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

  /** The labels of Mailbridge's calls to Microsoft's identity platform, in the metrics. */
  static final String PROVIDER = "microsoft_oauth";

  private static final OutboundCall CODE_EXCHANGE = new OutboundCall(PROVIDER, "code_exchange");
  private static final OutboundCall REFRESH = new OutboundCall(PROVIDER, "refresh");
  private static final OutboundCall ON_BEHALF_OF = new OutboundCall(PROVIDER, "on_behalf_of");
  private static final OutboundCall APP_TOKEN = new OutboundCall(PROVIDER, "client_credentials");
  private static final OutboundCall REVOKE = new OutboundCall(PROVIDER, "revoke");
  static final OutboundCall SIGNING_KEYS = new OutboundCall(PROVIDER, "signing_keys");

  @Inject TokenEndpoint tokens;
  @Inject ProviderOutbound outbound;
  @Inject ProviderTokenVerifier verifier;
  @Inject ProviderCredentials credentials;

  @Inject
  @ConfigProperty(
      name = "mailbridge.microsoft.authority",
      defaultValue = "https://login.microsoftonline.com")
  String authority;

  @Inject
  @ConfigProperty(
      name = "mailbridge.microsoft.revocation-url",
      defaultValue = "https://graph.microsoft.com/v1.0/me/revokeSignInSessions")
  String revocationUrl;

  @Override
  public MailProvider provider() {
    return MailProvider.MICROSOFT;
  }

  @Override
  public List<String> requestedScopes() {
    List<String> scopes = new java.util.ArrayList<>(IDENTITY);
    scopes.addAll(DATA_SCOPES);
    scopes.addAll(OPTIONAL);
    return scopes;
  }

  @Override
  public List<String> requiredScopes() {
    return DATA_SCOPES;
  }

  @Override
  public List<String> sendingScopes() {
    return List.of(SEND_SCOPE);
  }

  @Override
  public List<String> calendarScopes() {
    return List.of(CALENDAR_SCOPE);
  }

  /**
   * What a refresh asks for: the identity and required scopes (every connection was granted them)
   * and the optional ones only when this connection was granted them, since Entra refuses a refresh
   * that asks for a scope the user never consented to.
   */
  List<String> refreshScopes(List<String> granted) {
    List<String> scopes = new java.util.ArrayList<>(IDENTITY);
    scopes.addAll(DATA_SCOPES);
    for (String optional : OPTIONAL) {
      if (grants(granted == null ? List.of() : granted, optional)) {
        scopes.add(optional);
      }
    }
    return scopes;
  }

  /** Entra answers Graph scopes with or without the resource prefix, in any case. */
  @Override
  public boolean grants(List<String> granted, String required) {
    String wanted = bare(required);
    return granted.stream().anyMatch(g -> bare(g).equals(wanted));
  }

  private static String bare(String scope) {
    String lower = scope.toLowerCase(Locale.ROOT);
    return lower.startsWith(GRAPH) ? lower.substring(GRAPH.length()) : lower;
  }

  String base() {
    return authority.endsWith("/") ? authority.substring(0, authority.length() - 1) : authority;
  }

  /** The one allowed tenant when there is one, else any work or school account. */
  private static String tenantSegment(ProviderApp app) {
    return app.allowed().size() == 1 ? app.allowed().get(0) : "organizations";
  }

  private String tokenUrl(String tenant) {
    return base() + "/" + tenant + "/oauth2/v2.0/token";
  }

  OutboundPolicy policy() {
    return outbound.policyFor(base(), revocationUrl);
  }

  @Override
  public URI authorizationUrl(
      ProviderApp app, String redirectUri, String state, String codeChallenge, String nonce) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("client_id", app.clientId());
    query.put("response_type", "code");
    query.put("redirect_uri", redirectUri);
    query.put("response_mode", "query");
    query.put("scope", String.join(" ", requestedScopes()));
    query.put("state", state);
    query.put("nonce", nonce);
    query.put("code_challenge", codeChallenge);
    query.put("code_challenge_method", "S256");
    query.put("prompt", "select_account");
    return URI.create(
        base()
            + "/"
            + tenantSegment(app)
            + "/oauth2/v2.0/authorize?"
            + TokenEndpoint.formEncoded(query));
  }

  @Override
  public TokenGrant exchangeCode(
      ProviderApp app, String code, String codeVerifier, String redirectUri)
      throws TokenEndpointError, OutboundFailure {
    String url = tokenUrl(tenantSegment(app));
    Map<String, String> form = new LinkedHashMap<>(credentials.clientAuthentication(app, url));
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("code_verifier", codeVerifier);
    form.put("redirect_uri", redirectUri);
    form.put("scope", String.join(" ", requestedScopes()));
    return tokens.requestTokens(CODE_EXCHANGE, URI.create(url), form, policy());
  }

  @Override
  public TokenGrant refresh(
      ProviderApp app, String refreshToken, String tenantId, List<String> granted)
      throws TokenEndpointError, OutboundFailure {
    if (refreshToken == null) {
      throw new TokenEndpointError(400, "invalid_grant", "no refresh token is stored");
    }
    String url = tokenUrl(tenantId == null ? tenantSegment(app) : tenantId);
    Map<String, String> form = new LinkedHashMap<>(credentials.clientAuthentication(app, url));
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    form.put("scope", String.join(" ", refreshScopes(granted)));
    return tokens.requestTokens(REFRESH, URI.create(url), form, policy());
  }

  /**
   * Exchanges the add-in's Entra access token for Mailbridge's API for a Graph token of the same
   * user (on-behalf-of, with a refresh token for later).
   */
  public TokenGrant onBehalfOf(ProviderApp app, String assertion, String tenantId)
      throws TokenEndpointError, OutboundFailure {
    String url = tokenUrl(tenantId);
    Map<String, String> form = new LinkedHashMap<>(credentials.clientAuthentication(app, url));
    form.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
    form.put("assertion", assertion);
    form.put("requested_token_use", "on_behalf_of");
    List<String> scopes = new java.util.ArrayList<>(DATA_SCOPES);
    scopes.add("offline_access");
    form.put("scope", String.join(" ", scopes));
    return tokens.requestTokens(ON_BEHALF_OF, URI.create(url), form, policy());
  }

  /**
   * An app-only Graph token for the tenant that consented (client-credentials grant, {@code
   * .default}: the application permissions the tenant's admin granted); authenticated with the
   * app's secret or certificate assertion like every other grant. No refresh token comes with it.
   */
  public TokenGrant appToken(ProviderApp app, String tenantId)
      throws TokenEndpointError, OutboundFailure {
    String url = tokenUrl(tenantId);
    Map<String, String> form = new LinkedHashMap<>(credentials.clientAuthentication(app, url));
    form.put("grant_type", "client_credentials");
    form.put("scope", GRAPH + ".default");
    return tokens.requestTokens(APP_TOKEN, URI.create(url), form, policy());
  }

  @Override
  public ConnectedAccount account(ProviderApp app, TokenGrant grant, String nonce)
      throws AccountRefused {
    if (grant.idToken() == null) {
      throw new AccountRefused("invalid_token", "Microsoft sent no ID token");
    }
    String tenant = unverifiedTenant(grant.idToken());
    JWTClaimsSet claims =
        verifier.verify(
            grant.idToken(),
            new ProviderTokenVerifier.Expectations(
                URI.create(base() + "/" + tenant + "/discovery/v2.0/keys"),
                policy(),
                SIGNING_KEYS,
                issuer -> issuer.equals(base() + "/" + tenant + "/v2.0"),
                audience -> audience.contains(app.clientId()),
                nonce));
    String address;
    try {
      address = claims.getStringClaim("email");
      if (address == null) {
        address = claims.getStringClaim("preferred_username");
      }
    } catch (ParseException e) {
      throw new AccountRefused("invalid_token", "Microsoft's ID token has unexpected claims");
    }
    if (address == null || !address.contains("@")) {
      throw new AccountRefused("invalid_token", "Microsoft's ID token names no mailbox address");
    }
    List<String> allowed = app.allowed();
    if (!allowed.isEmpty() && !allowed.contains(tenant)) {
      throw new AccountRefused(
          "account_not_allowed",
          address + " belongs to a Microsoft 365 tenant this organisation does not allow");
    }
    return new ConnectedAccount(address, tenant);
  }

  /** The tenant the token claims, to find its keys and issuer; the signature check follows. */
  private static String unverifiedTenant(String idToken) throws AccountRefused {
    try {
      Object tid = com.nimbusds.jwt.JWTParser.parse(idToken).getJWTClaimsSet().getClaim("tid");
      if (tid instanceof String t && GUID.matcher(t).matches()) {
        return t;
      }
    } catch (ParseException | RuntimeException e) {
      // handled below
    }
    throw new AccountRefused("invalid_token", "Microsoft's ID token names no tenant");
  }

  @Override
  public boolean revokesWithAccessToken() {
    return true;
  }

  @Override
  public void revoke(ProviderApp app, String accessToken, String refreshToken)
      throws TokenEndpointError, OutboundFailure {
    if (revocationUrl.isBlank() || accessToken == null) {
      return;
    }
    tokens.post(
        REVOKE,
        URI.create(revocationUrl),
        Map.of(),
        Map.of("Authorization", "Bearer " + accessToken),
        policy());
  }

  @Override
  public String allowedEntry(String raw, String field) {
    String tenant = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    if (!GUID.matcher(tenant).matches()) {
      throw new InvalidField(
          "allowedTenants" + field, "\"" + raw + "\" is not a tenant id (a GUID)");
    }
    return tenant;
  }

  @Override
  public String clientId(String raw) {
    String id = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    if (!GUID.matcher(id).matches()) {
      throw new InvalidField(
          "clientId", "must be the application (client) id of the app registration, a GUID");
    }
    return id;
  }
}
