package io.mailbridge.mailbox.gmail.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mailbridge.mailbox.control.AppAccessRefused;
import io.mailbridge.mailbox.control.DelegatedMailboxes;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderUnreachable;
import io.mailbridge.mailbox.control.TokenEndpoint;
import io.mailbridge.mailbox.control.TokenEndpointError;
import io.mailbridge.mailbox.control.TokenGrant;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Google Workspace domain-wide delegation (developers.google.com/identity/protocols/oauth2/
 * service-account): an RS256 assertion signed with the service account's private key ({@code iss}
 * its client email, {@code sub} the captured user, {@code scope} gmail.readonly, {@code aud} the
 * token URL, one hour) exchanged at Google's token endpoint with the JWT-bearer grant (RFC 7523)
 * for that user's access token. Tokens are kept per service account key and user until shortly
 * before they end; a refusal is kept for a pause, so the mailboxes of a domain whose delegation is
 * missing do not ask Google each time. The token URL is Mailbridge's configured one, never the
 * {@code token_uri} of the key file.
 */
@ApplicationScoped
public class GoogleDelegation implements DelegatedMailboxes {

  private static final Logger LOG = Logger.getLogger(GoogleDelegation.class.getName());
  private static final OutboundCall DELEGATION = new OutboundCall("google_oauth", "delegation");
  static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,255}$");
  private static final int MAX_KEY_CHARS = 16 * 1024;

  @Inject GoogleOAuth google;
  @Inject TokenEndpoint tokens;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.app-token.renew-before", defaultValue = "PT5M")
  Duration renewBefore;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.app-token.refusal-pause", defaultValue = "PT5M")
  Duration refusalPause;

  Clock clock = Clock.systemUTC();

  /** A user's token, or the refusal, until {@code until}. */
  private record Held(String token, AppAccessRefused refusal, Instant until) {}

  private final Map<String, Held> held = new ConcurrentHashMap<>();

  /** The parts of a key file Mailbridge uses. */
  record Key(String clientEmail, String keyId, String clientId, RSAPrivateKey privateKey) {}

  @Override
  public ServiceAccount serviceAccount(String keyJson) {
    Key key = key(keyJson);
    return new ServiceAccount(key.clientEmail(), key.keyId(), key.clientId());
  }

  @Override
  public MailboxAccess access(String orgId, String mailboxId, String keyJson, String user) {
    return new MailboxAccess(
            MailboxKind.GMAIL, orgId, mailboxId, null, () -> token(key(keyJson), user, SCOPE))
        .withCalendarCredential(() -> token(key(keyJson), user, CALENDAR_SCOPE));
  }

  @Override
  public MailboxAccess syncAccess(String orgId, String mailboxId, String keyJson, String user) {
    return new MailboxAccess(
            MailboxKind.GMAIL,
            orgId,
            mailboxId,
            null,
            () -> token(key(keyJson), user, CONTACTS_SCOPE))
        .withCalendarCredential(() -> token(key(keyJson), user, CALENDAR_EVENTS_SCOPE));
  }

  /** The key file read and checked; each problem names the field. */
  static Key key(String keyJson) {
    if (keyJson == null || keyJson.isBlank() || keyJson.length() > MAX_KEY_CHARS) {
      throw new InvalidField("serviceAccountKey", "must be the service account's JSON key file");
    }
    JsonObject file;
    try (var reader = Json.createReader(new StringReader(keyJson))) {
      JsonValue value = reader.readValue();
      if (!(value instanceof JsonObject object)) {
        throw new InvalidField("serviceAccountKey", "must be the service account's JSON key file");
      }
      file = object;
    } catch (InvalidField e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidField("serviceAccountKey", "is not JSON (the key file Google issues)");
    }
    if (!"service_account".equals(text(file, "type"))) {
      throw new InvalidField(
          "serviceAccountKey.type", "must be \"service_account\" (a service account's key file)");
    }
    String email = text(file, "client_email");
    if (email == null || !EMAIL.matcher(email).matches()) {
      throw new InvalidField(
          "serviceAccountKey.client_email", "must be the service account's email address");
    }
    String keyId = text(file, "private_key_id");
    if (keyId == null || keyId.length() > 100) {
      throw new InvalidField("serviceAccountKey.private_key_id", "must be the key's id");
    }
    String clientId = text(file, "client_id");
    if (clientId != null && clientId.length() > 100) {
      throw new InvalidField("serviceAccountKey.client_id", "is too long for a client id");
    }
    return new Key(email, keyId, clientId, privateKey(text(file, "private_key")));
  }

  /** A PKCS #8 PEM RSA private key, as Google writes it into the key file. */
  private static RSAPrivateKey privateKey(String pem) {
    String field = "serviceAccountKey.private_key";
    if (pem == null || !pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new InvalidField(field, "must be a PEM \"BEGIN PRIVATE KEY\" block (RSA, PKCS #8)");
    }
    try {
      String base64 =
          pem.replace("-----BEGIN PRIVATE KEY-----", "")
              .replace("-----END PRIVATE KEY-----", "")
              .replaceAll("\\s", "");
      byte[] der = Base64.getDecoder().decode(base64);
      if (KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der))
          instanceof RSAPrivateKey rsa) {
        return rsa;
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // said below, without the key's bytes
    }
    throw new InvalidField(field, "is not a readable RSA private key");
  }

  private static String text(JsonObject json, String field) {
    return json.get(field) instanceof JsonString s && !s.getString().isBlank()
        ? s.getString().strip()
        : null;
  }

  /** The user's token from the cache, or from Google's token endpoint. */
  String token(Key key, String user, String scope) {
    String cacheKey = key.clientEmail() + "|" + key.keyId() + "|" + user + "|" + scope;
    Instant now = clock.instant();
    Held h = held.get(cacheKey);
    if (h != null && h.until().isAfter(now)) {
      if (h.refusal() != null) {
        throw h.refusal();
      }
      return h.token();
    }
    try {
      Map<String, String> form = new LinkedHashMap<>();
      form.put("grant_type", JWT_BEARER);
      form.put("assertion", assertion(key, user, scope, google.tokenUrl(), now));
      TokenGrant grant =
          tokens.requestTokens(DELEGATION, URI.create(google.tokenUrl()), form, google.policy());
      Instant until = grant.expiresAt().minus(renewBefore);
      held.put(cacheKey, new Held(grant.accessToken(), null, until.isAfter(now) ? until : now));
      return grant.accessToken();
    } catch (TokenEndpointError e) {
      AppAccessRefused refusal = refusal(e, key.clientId(), scope);
      LOG.info(() -> "Google refused a delegated token: " + refusal.getMessage());
      held.put(cacheKey, new Held(null, refusal, now.plus(refusalPause)));
      throw refusal;
    } catch (OutboundFailure e) {
      throw new ProviderUnreachable(
          "google_unavailable",
          "Google's token endpoint could not be reached; capture tries again",
          Duration.ofSeconds(30));
    }
  }

  /** The signed assertion: one hour, for {@code user}, the one scope, to the token URL. */
  static String assertion(Key key, String user, String scope, String tokenUrl, Instant now) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(key.clientEmail())
            .subject(user)
            .audience(tokenUrl)
            .claim("scope", scope)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(key.keyId())
                .build(),
            claims);
    try {
      jwt.sign(new RSASSASigner(key.privateKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("The service account's key cannot sign", e);
    }
    return jwt.serialize();
  }

  /** Google's refusal in words an admin acts on; Google's error code stays for a support case. */
  static AppAccessRefused refusal(TokenEndpointError e, String clientId, String scope) {
    String said = e.getMessage() == null ? "" : e.getMessage();
    String words;
    if ("unauthorized_client".equals(e.error())) {
      words =
          "Google refused domain-wide delegation for the service account: a Google Workspace"
              + " super admin authorizes its client ID"
              + (clientId == null ? "" : " " + clientId)
              + " for the scope "
              + scope
              + " in the Admin console (Security, Access and data control, API controls,"
              + " Domain-wide delegation); it can take a while to apply";
    } else if ("invalid_grant".equals(e.error()) && said.contains("Invalid JWT Signature")) {
      words =
          "Google no longer accepts the service account's key (deleted or disabled): an admin"
              + " uploads a current key file at PUT /api/admin/capture/google";
    } else if ("invalid_grant".equals(e.error())
        && (said.contains("Invalid email or User ID") || said.contains("user ID"))) {
      words =
          "Google does not know this user in the Workspace domain: an admin checks the address"
              + " on the org-wide capture list";
    } else if ("invalid_grant".equals(e.error()) || "invalid_client".equals(e.error())) {
      words =
          "Google refused the service account's assertion: an admin checks that the service"
              + " account and its key still exist and uploads a current key file";
    } else {
      words = "Google refused the service account's token";
    }
    return new AppAccessRefused(
        "delegation_refused", words + " [" + (e.error() == null ? "unknown" : e.error()) + "]");
  }
}
