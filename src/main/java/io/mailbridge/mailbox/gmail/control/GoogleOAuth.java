package io.mailbridge.mailbox.gmail.control;

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
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Google's OAuth 2.0 web-server flow: consent with PKCE, {@code access_type=offline} and {@code
 * prompt=consent} (so a refresh token comes every time), the account from the verified ID token,
 * revocation at Google's revocation endpoint.
 */
@ApplicationScoped
public class GoogleOAuth implements OAuthProvider {

  /** Reading, labelling and (later) sending mail: what logging and capture need. */
  public static final String GMAIL_MODIFY = "https://www.googleapis.com/auth/gmail.modify";

  /**
   * Availability's two calls, each with the narrowest scope Google documents for it: {@code
   * freeBusy.query} ("View your availability in your calendars") and {@code events.insert} into the
   * primary calendar, which the user owns ("See, create, change, and delete events on Google
   * calendars you own"). Optional: Google's consent screen lets the user leave them out, and
   * connections made before they were asked lack them.
   */
  static final String CALENDAR_FREEBUSY = "https://www.googleapis.com/auth/calendar.freebusy";

  static final String CALENDAR_EVENTS_OWNED =
      "https://www.googleapis.com/auth/calendar.events.owned";

  private static final List<String> CALENDAR = List.of(CALENDAR_FREEBUSY, CALENDAR_EVENTS_OWNED);

  /**
   * Contact sync reads and writes the user's "Mailbridge" contact group through the People API,
   * which takes this scope for its writes. Optional like the calendar: older connections lack it
   * until their user connects again.
   */
  static final String CONTACTS = "https://www.googleapis.com/auth/contacts";

  private static final List<String> IDENTITY = List.of("openid", "email");
  private static final Set<String> ISSUERS =
      Set.of("https://accounts.google.com", "accounts.google.com");
  private static final Pattern DOMAIN =
      Pattern.compile(
          "^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$");
  private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9._-]{1,255}$");

  /** The labels of Mailbridge's calls to Google's OAuth endpoints, in the metrics. */
  private static final String PROVIDER = "google_oauth";

  private static final OutboundCall CODE_EXCHANGE = new OutboundCall(PROVIDER, "code_exchange");
  private static final OutboundCall REFRESH = new OutboundCall(PROVIDER, "refresh");
  private static final OutboundCall REVOKE = new OutboundCall(PROVIDER, "revoke");
  private static final OutboundCall SIGNING_KEYS = new OutboundCall(PROVIDER, "signing_keys");

  @Inject TokenEndpoint tokens;
  @Inject ProviderOutbound outbound;
  @Inject ProviderTokenVerifier verifier;
  @Inject ProviderCredentials credentials;

  @Inject
  @ConfigProperty(
      name = "mailbridge.google.authorization-url",
      defaultValue = "https://accounts.google.com/o/oauth2/v2/auth")
  String authorizationUrl;

  @Inject
  @ConfigProperty(
      name = "mailbridge.google.token-url",
      defaultValue = "https://oauth2.googleapis.com/token")
  String tokenUrl;

  @Inject
  @ConfigProperty(
      name = "mailbridge.google.revocation-url",
      defaultValue = "https://oauth2.googleapis.com/revoke")
  String revocationUrl;

  @Inject
  @ConfigProperty(
      name = "mailbridge.google.jwks-url",
      defaultValue = "https://www.googleapis.com/oauth2/v3/certs")
  String jwksUrl;

  @Override
  public MailProvider provider() {
    return MailProvider.GOOGLE;
  }

  @Override
  public List<String> requestedScopes() {
    return List.of(
        IDENTITY.get(0),
        IDENTITY.get(1),
        GMAIL_MODIFY,
        CALENDAR_FREEBUSY,
        CALENDAR_EVENTS_OWNED,
        CONTACTS);
  }

  @Override
  public List<String> requiredScopes() {
    return List.of(GMAIL_MODIFY);
  }

  @Override
  public List<String> calendarScopes() {
    return CALENDAR;
  }

  @Override
  public boolean grants(List<String> granted, String required) {
    return granted.contains(required);
  }

  /** Google's token endpoint as configured. */
  public String tokenUrl() {
    return tokenUrl;
  }

  public OutboundPolicy policy() {
    return outbound.policyFor(tokenUrl, revocationUrl, jwksUrl);
  }

  @Override
  public URI authorizationUrl(
      ProviderApp app, String redirectUri, String state, String codeChallenge, String nonce) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("client_id", app.clientId());
    query.put("redirect_uri", redirectUri);
    query.put("response_type", "code");
    query.put("scope", String.join(" ", requestedScopes()));
    query.put("access_type", "offline");
    query.put("prompt", "consent");
    query.put("state", state);
    query.put("code_challenge", codeChallenge);
    query.put("code_challenge_method", "S256");
    query.put("nonce", nonce);
    if (app.allowed().size() == 1) {
      query.put("hd", app.allowed().get(0)); // a hint for the account chooser; checked later
    }
    return URI.create(
        authorizationUrl
            + (authorizationUrl.contains("?") ? "&" : "?")
            + TokenEndpoint.formEncoded(query));
  }

  @Override
  public TokenGrant exchangeCode(
      ProviderApp app, String code, String codeVerifier, String redirectUri)
      throws TokenEndpointError, OutboundFailure {
    Map<String, String> form = new LinkedHashMap<>(credentials.clientAuthentication(app, tokenUrl));
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("code_verifier", codeVerifier);
    form.put("redirect_uri", redirectUri);
    return tokens.requestTokens(CODE_EXCHANGE, URI.create(tokenUrl), form, policy());
  }

  @Override
  public TokenGrant refresh(
      ProviderApp app, String refreshToken, String tenantId, List<String> granted)
      throws TokenEndpointError, OutboundFailure {
    if (refreshToken == null) {
      throw new TokenEndpointError(400, "invalid_grant", "no refresh token is stored");
    }
    Map<String, String> form = new LinkedHashMap<>(credentials.clientAuthentication(app, tokenUrl));
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    return tokens.requestTokens(REFRESH, URI.create(tokenUrl), form, policy());
  }

  @Override
  public ConnectedAccount account(ProviderApp app, TokenGrant grant, String nonce)
      throws AccountRefused {
    if (grant.idToken() == null) {
      throw new AccountRefused(
          "invalid_token", "Google sent no ID token; the openid scope may have been removed");
    }
    JWTClaimsSet claims =
        verifier.verify(
            grant.idToken(),
            new ProviderTokenVerifier.Expectations(
                URI.create(jwksUrl),
                policy(),
                SIGNING_KEYS,
                ISSUERS::contains,
                audience -> audience.contains(app.clientId()),
                nonce));
    String email;
    Object verified;
    String hostedDomain;
    try {
      email = claims.getStringClaim("email");
      verified = claims.getClaim("email_verified");
      hostedDomain = claims.getStringClaim("hd");
    } catch (ParseException e) {
      throw new AccountRefused("invalid_token", "Google's ID token has unexpected claims");
    }
    if (email == null || !(Boolean.TRUE.equals(verified) || "true".equals(verified))) {
      throw new AccountRefused(
          "unverified_account", "Google did not confirm the account's email address");
    }
    List<String> allowed = app.allowed();
    if (!allowed.isEmpty()
        && (hostedDomain == null || !allowed.contains(hostedDomain.toLowerCase(Locale.ROOT)))) {
      throw new AccountRefused(
          "account_not_allowed",
          email
              + " is not in a Google Workspace domain this organisation allows ("
              + String.join(", ", allowed)
              + ")");
    }
    return new ConnectedAccount(email, null);
  }

  @Override
  public void revoke(ProviderApp app, String accessToken, String refreshToken)
      throws TokenEndpointError, OutboundFailure {
    // Revoking the refresh token ends the whole grant, access tokens included.
    String token = refreshToken != null ? refreshToken : accessToken;
    if (token == null) {
      return;
    }
    tokens.post(REVOKE, URI.create(revocationUrl), Map.of("token", token), Map.of(), policy());
  }

  @Override
  public String allowedEntry(String raw, String field) {
    String domain = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    if (!DOMAIN.matcher(domain).matches()) {
      throw new InvalidField(
          "allowedDomains" + field, "\"" + raw + "\" is not a domain name such as example.com");
    }
    return domain;
  }

  @Override
  public String clientId(String raw) {
    if (raw == null || !CLIENT_ID.matcher(raw.strip()).matches()) {
      throw new InvalidField(
          "clientId", "must be the OAuth client id from the Google Cloud console");
    }
    return raw.strip();
  }
}
