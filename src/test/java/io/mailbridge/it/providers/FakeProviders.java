package io.mailbridge.it.providers;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google's OAuth endpoints, JWKS and Gmail API, and Microsoft's identity platform (authorize,
 * token, keys) plus Graph's {@code revokeSignInSessions}, in their real JSON shapes, on the port
 * the build reserved ({@code IT_FAKE_PROVIDERS_PORT}), where the suite's configuration points
 * Mailbridge. One instance serves the whole suite; tests use their own clients and accounts.
 */
public final class FakeProviders {

  public static final String GMAIL_MODIFY = "https://www.googleapis.com/auth/gmail.modify";
  private static final Pattern MS_PATH =
      Pattern.compile(
          "^/microsoft/([^/]+)/(oauth2/v2\\.0/authorize|oauth2/v2\\.0/token|discovery/v2\\.0/keys|discovery/keys|v2\\.0/adminconsent)$");
  private static final Pattern GMAIL_MESSAGE =
      Pattern.compile("^/google/gmail/v1/users/me/messages/([^/]+)(/modify)?$");

  private static FakeProviders instance;

  private final HttpServer server;
  private final String base;
  private final RSAKey googleKey = newKey("google-1");
  private volatile RSAKey microsoftKey = newKey("microsoft-1");

  /** How often Microsoft's key sets were fetched. */
  public final AtomicInteger microsoftKeyFetches = new AtomicInteger();

  /** An authorization code and what it was issued for. */
  private record Code(
      String provider,
      String clientId,
      String redirectUri,
      String challenge,
      String nonce,
      String account,
      String tenant,
      String scopes) {}

  /** What an access or refresh token stands for. */
  public record Token(
      String provider, String clientId, String account, String grantId, Instant expiresAt) {}

  /** A Gmail message of one account. */
  public record GmailMessage(byte[] raw, Set<String> labelIds) {}

  // Registered apps: client id -> secret, or client id -> certificate key (Microsoft).
  public final Map<String, String> clientSecrets = new ConcurrentHashMap<>();
  public final Map<String, RSAPublicKey> clientCertificates = new ConcurrentHashMap<>();

  /** Scopes an account grants on the consent screen, when not everything that was asked. */
  public final Map<String, String> grantedScopes = new ConcurrentHashMap<>();

  /** The Entra tenant of an account. */
  public final Map<String, String> tenants = new ConcurrentHashMap<>();

  private final Map<String, Code> codes = new ConcurrentHashMap<>();
  private final Map<String, Token> accessTokens = new ConcurrentHashMap<>();
  private final Map<String, Token> refreshTokens = new ConcurrentHashMap<>();
  private final Set<String> revokedGrants = ConcurrentHashMap.newKeySet();

  /** Seconds an access token lives. */
  public volatile int accessTokenSeconds = 3600;

  /** How long the token endpoint takes for a refresh, so concurrent refreshes would overlap. */
  public volatile long refreshDelayMillis = 0;

  /** Whether a refresh hands out a new refresh token and retires the old one. */
  public volatile boolean rotateRefreshTokens = false;

  /** Whether the revocation endpoints answer 503. */
  public volatile boolean revocationDown = false;

  public final Map<String, AtomicInteger> refreshesByClient = new ConcurrentHashMap<>();
  public final List<String> refreshTokensPresented = new CopyOnWriteArrayList<>();
  public final List<String> revokedTokens = new CopyOnWriteArrayList<>();
  public final List<String> graphRevocations = new CopyOnWriteArrayList<>();
  public final List<String> gmailRequests = new CopyOnWriteArrayList<>();
  public final Map<String, Map<String, GmailMessage>> gmail = new ConcurrentHashMap<>();
  public final Map<String, Map<String, String>> gmailLabels = new ConcurrentHashMap<>();

  private FakeProviders(HttpServer server) {
    this.server = server;
    this.base = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /** The suite's one fake, started on first use. */
  public static synchronized FakeProviders get() {
    if (instance == null) {
      String port = System.getenv("IT_FAKE_PROVIDERS_PORT");
      if (port == null) {
        throw new IllegalStateException("IT_FAKE_PROVIDERS_PORT is not set (see failsafe's env)");
      }
      instance = start(Integer.parseInt(port));
    }
    return instance;
  }

  /** A fake of its own on this port (benchmarks). */
  public static FakeProviders start(int port) {
    try {
      return new FakeProviders(HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the fake providers on " + port, e);
    }
  }

  public void stop() {
    server.stop(0);
  }

  public String base() {
    return base;
  }

  public int refreshes(String clientId) {
    return refreshesByClient.computeIfAbsent(clientId, k -> new AtomicInteger()).get();
  }

  /** Adds a message to an account's Gmail. */
  public void addGmailMessage(String account, String id, byte[] raw, String... labels) {
    gmail
        .computeIfAbsent(account, k -> new ConcurrentHashMap<>())
        .put(id, new GmailMessage(raw, ConcurrentHashMap.newKeySet()));
    gmail.get(account).get(id).labelIds().addAll(List.of(labels));
  }

  public boolean isRefreshTokenLive(String token) {
    Token t = refreshTokens.get(token);
    return t != null && !revokedGrants.contains(t.grantId());
  }

  /** Every access and refresh token handed to this account, live or not. */
  public List<String> tokensIssuedTo(String account) {
    List<String> out = new java.util.ArrayList<>();
    accessTokens.forEach(
        (t, info) -> {
          if (info.account().equals(account)) out.add(t);
        });
    refreshTokens.forEach(
        (t, info) -> {
          if (info.account().equals(account)) out.add(t);
        });
    return out;
  }

  /** Ends every grant of an account, as the user removing the app at the provider would. */
  public void revokeAllOf(String account) {
    refreshTokens.values().stream()
        .filter(t -> t.account().equals(account))
        .forEach(t -> revokedGrants.add(t.grantId()));
  }

  /** Ends every token of a grant, as a user removing the app at the provider would. */
  public void revokeGrantOf(String refreshToken) {
    Token t = refreshTokens.get(refreshToken);
    if (t != null) {
      revokedGrants.add(t.grantId());
    }
  }

  // ---------------------------------------------------------------- dispatch

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Matcher ms = MS_PATH.matcher(path);
      Matcher message = GMAIL_MESSAGE.matcher(path);
      if (path.startsWith("/__test/")) {
        control(exchange, path.substring("/__test/".length()));
      } else if (path.equals("/google/o/oauth2/v2/auth")) {
        authorize(exchange, "google", null);
      } else if (path.equals("/google/token")) {
        token(exchange, "google", null);
      } else if (path.equals("/google/revoke")) {
        googleRevoke(exchange);
      } else if (path.equals("/google/oauth2/v3/certs")) {
        send(exchange, 200, new JWKSet(googleKey.toPublicJWK()).toString());
      } else if (ms.matches()) {
        switch (ms.group(2)) {
          case "oauth2/v2.0/authorize" -> authorize(exchange, "microsoft", ms.group(1));
          case "oauth2/v2.0/token" -> token(exchange, "microsoft", ms.group(1));
          case "v2.0/adminconsent" -> adminConsent(exchange);
          default -> {
            microsoftKeyFetches.incrementAndGet();
            send(exchange, 200, new JWKSet(microsoftKey.toPublicJWK()).toString());
          }
        }
      } else if (path.equals("/graph/v1.0/me/revokeSignInSessions")) {
        graphRevoke(exchange);
      } else if (path.startsWith("/graph/v1.0/me/messages/")) {
        graphMessage(exchange, path.substring("/graph/v1.0/me/messages/".length()));
      } else if (message.matches()) {
        gmailMessage(exchange, message.group(1), message.group(2) != null);
      } else if (path.equals("/google/gmail/v1/users/me/labels")) {
        gmailLabels(exchange);
      } else {
        send(exchange, 404, error("not_found", path));
      }
    } catch (RuntimeException | JOSEException e) {
      send(exchange, 500, error("server_error", e.toString()));
    }
  }

  // ---------------------------------------------------------------- OAuth

  private void authorize(HttpExchange exchange, String provider, String tenantSegment)
      throws IOException {
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    String redirect = q.get("redirect_uri");
    String clientId = q.get("client_id");
    if (redirect == null
        || clientId == null
        || !clientSecrets.containsKey(clientId) && !clientCertificates.containsKey(clientId)) {
      send(exchange, 400, "<html><body>invalid_client or redirect_uri</body></html>");
      return;
    }
    String state = q.get("state");
    if (!"code".equals(q.get("response_type"))
        || !"S256".equals(q.get("code_challenge_method"))
        || q.get("code_challenge") == null) {
      redirect(exchange, redirect, Map.of("error", "invalid_request", "state", state));
      return;
    }
    String account = q.getOrDefault("login_hint", "someone@example.com");
    if (account.startsWith("deny:")) {
      redirect(
          exchange,
          redirect,
          Map.of(
              "error", "access_denied",
              "error_description", "The user declined",
              "state", state));
      return;
    }
    String scopes = grantedScopes.getOrDefault(account, q.get("scope"));
    String tenant = tenants.getOrDefault(account, "11111111-2222-3333-4444-555555555555");
    String code = UUID.randomUUID().toString();
    codes.put(
        code,
        new Code(
            provider,
            clientId,
            redirect,
            q.get("code_challenge"),
            q.get("nonce"),
            account,
            tenant,
            scopes));
    redirect(exchange, redirect, Map.of("code", code, "state", state));
  }

  private void token(HttpExchange exchange, String provider, String tenantSegment)
      throws IOException, JOSEException {
    Map<String, String> form =
        query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String clientId = form.get("client_id");
    if (!clientAuthenticated(exchange, provider, tenantSegment, clientId, form)) {
      send(exchange, 401, error("invalid_client", "The OAuth client was not found."));
      return;
    }
    switch (String.valueOf(form.get("grant_type"))) {
      case "authorization_code" -> codeGrant(exchange, provider, clientId, form);
      case "refresh_token" -> refreshGrant(exchange, provider, clientId, form);
      case "urn:ietf:params:oauth:grant-type:jwt-bearer" -> onBehalfOf(exchange, clientId, form);
      default -> send(exchange, 400, error("unsupported_grant_type", null));
    }
  }

  private boolean clientAuthenticated(
      HttpExchange exchange,
      String provider,
      String tenantSegment,
      String clientId,
      Map<String, String> form) {
    if (clientId == null) {
      return false;
    }
    String secret = clientSecrets.get(clientId);
    if (secret != null) {
      return secret.equals(form.get("client_secret"));
    }
    RSAPublicKey key = clientCertificates.get(clientId);
    if (key == null || form.get("client_assertion") == null) {
      return false;
    }
    try {
      SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
      JWTClaimsSet claims = assertion.getJWTClaimsSet();
      String tokenUrl = base + exchange.getRequestURI().getPath();
      return assertion.verify(new RSASSAVerifier(key))
          && clientId.equals(claims.getIssuer())
          && clientId.equals(claims.getSubject())
          && claims.getAudience().contains(tokenUrl)
          && claims.getExpirationTime().after(new Date())
          && assertion.getHeader().getX509CertThumbprint() != null;
    } catch (Exception e) {
      return false;
    }
  }

  private void codeGrant(
      HttpExchange exchange, String provider, String clientId, Map<String, String> form)
      throws IOException, JOSEException {
    Code code = codes.remove(String.valueOf(form.get("code")));
    if (code == null || !code.provider().equals(provider) || !code.clientId().equals(clientId)) {
      send(exchange, 400, error("invalid_grant", "Malformed auth code."));
      return;
    }
    if (!code.redirectUri().equals(form.get("redirect_uri"))) {
      send(exchange, 400, error("redirect_uri_mismatch", "Bad Request"));
      return;
    }
    String verifier = form.get("code_verifier");
    if (verifier == null) {
      send(exchange, 400, error("invalid_request", "Missing code verifier."));
      return;
    }
    if (!challengeOf(verifier).equals(code.challenge())) {
      send(exchange, 400, error("invalid_grant", "Invalid code verifier."));
      return;
    }
    String grantId = UUID.randomUUID().toString();
    JsonObjectBuilder answer = tokens(provider, clientId, code.account(), grantId, true);
    answer.add("scope", grantedScopeAnswer(provider, code.scopes()));
    answer.add("id_token", idToken(provider, clientId, code));
    send(exchange, 200, answer.build().toString());
  }

  private void refreshGrant(
      HttpExchange exchange, String provider, String clientId, Map<String, String> form)
      throws IOException {
    refreshesByClient.computeIfAbsent(clientId, k -> new AtomicInteger()).incrementAndGet();
    String presented = String.valueOf(form.get("refresh_token"));
    refreshTokensPresented.add(presented);
    if (refreshDelayMillis > 0) {
      try {
        Thread.sleep(refreshDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Token token = refreshTokens.get(presented);
    if (token == null
        || !token.clientId().equals(clientId)
        || revokedGrants.contains(token.grantId())) {
      send(exchange, 400, error("invalid_grant", "Token has been expired or revoked."));
      return;
    }
    boolean rotate = rotateRefreshTokens;
    if (rotate) {
      refreshTokens.remove(presented);
    }
    JsonObjectBuilder answer = tokens(provider, clientId, token.account(), token.grantId(), rotate);
    answer.add(
        "scope",
        provider.equals("google")
            ? "openid https://www.googleapis.com/auth/userinfo.email " + GMAIL_MODIFY
            : "https://graph.microsoft.com/mail.readwrite.shared https://graph.microsoft.com/user.read");
    send(exchange, 200, answer.build().toString());
  }

  /** Tenants whose admin never granted the Graph permissions: on-behalf-of fails with 65001. */
  public final Set<String> tenantsWithoutGraphConsent = ConcurrentHashMap.newKeySet();

  /** Tenants where on-behalf-of fails with a plain invalid_grant (an assertion it won't take). */
  public final Set<String> tenantsRefusingAssertions = ConcurrentHashMap.newKeySet();

  /**
   * Tenants whose Conditional Access wants multi-factor authentication for Graph: on-behalf-of
   * fails with a claims challenge unless the assertion's {@code amr} says {@code mfa}.
   */
  public final Set<String> tenantsRequiringMfa = ConcurrentHashMap.newKeySet();

  /**
   * Whether that failure is {@code invalid_grant} with AADSTS50076 and the challenge (as seen from
   * Entra) instead of the documented {@code interaction_required} with AADSTS50079.
   */
  public volatile boolean mfaAsInvalidGrant = false;

  /** The claims challenge the tenants above send (the shape of the on-behalf-of doc's example). */
  public static final String MFA_CLAIMS =
      "{\"access_token\":{\"polids\":{\"essential\":true,\"values\":[\"9ab03e19-ed42-4168-b6b7-7001fb3e933a\"]}}}";

  public final AtomicInteger onBehalfOfGrants = new AtomicInteger();

  private void onBehalfOf(HttpExchange exchange, String clientId, Map<String, String> form)
      throws IOException {
    JWTClaimsSet assertion;
    try {
      SignedJWT jwt = SignedJWT.parse(String.valueOf(form.get("assertion")));
      if (!jwt.verify(new RSASSAVerifier(microsoftKey.toRSAPublicKey()))) {
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
    if (tenantsWithoutGraphConsent.contains(tenant)) {
      send(
          exchange,
          400,
          error(
              "invalid_grant",
              "AADSTS65001: The user or administrator has not consented to use the application."));
      return;
    }
    if (tenantsRefusingAssertions.contains(tenant)) {
      send(
          exchange,
          400,
          error(
              "invalid_grant",
              "AADSTS50173: The provided grant has expired due to it being revoked."));
      return;
    }
    Object amr = assertion.getClaim("amr");
    if (tenantsRequiringMfa.contains(tenant)
        && !(amr instanceof List<?> methods && methods.contains("mfa"))) {
      JsonObjectBuilder challenge =
          Json.createObjectBuilder()
              .add("error", mfaAsInvalidGrant ? "invalid_grant" : "interaction_required")
              .add(
                  "error_description",
                  (mfaAsInvalidGrant ? "AADSTS50076" : "AADSTS50079")
                      + ": Due to a configuration change made by your administrator, or because"
                      + " you moved to a new location, you must use multi-factor authentication"
                      + " to access '00000003-0000-0000-c000-000000000000'.\r\nTrace ID: "
                      + UUID.randomUUID())
              .add("error_codes", Json.createArrayBuilder().add(mfaAsInvalidGrant ? 50076 : 50079))
              .add("timestamp", Instant.now().toString())
              .add("trace_id", UUID.randomUUID().toString())
              .add("correlation_id", UUID.randomUUID().toString())
              .add("claims", MFA_CLAIMS);
      if (mfaAsInvalidGrant) {
        challenge.add("suberror", "basic_action");
      }
      send(exchange, 400, challenge.build().toString());
      return;
    }
    onBehalfOfGrants.incrementAndGet();
    // v2.0 tokens name the user in preferred_username, v1.0 tokens in upn
    Object username = assertion.getClaim("preferred_username");
    String account = String.valueOf(username != null ? username : assertion.getClaim("upn"));
    JsonObjectBuilder answer =
        tokens("microsoft", clientId, account, UUID.randomUUID().toString(), true);
    answer.add(
        "scope",
        "https://graph.microsoft.com/Mail.ReadWrite.Shared https://graph.microsoft.com/User.Read");
    send(exchange, 200, answer.build().toString());
  }

  private JsonObjectBuilder tokens(
      String provider, String clientId, String account, String grantId, boolean withRefresh) {
    String access = "ya29." + UUID.randomUUID();
    Instant expires = Instant.now().plusSeconds(accessTokenSeconds);
    accessTokens.put(access, new Token(provider, clientId, account, grantId, expires));
    JsonObjectBuilder answer =
        Json.createObjectBuilder()
            .add("access_token", access)
            .add("expires_in", accessTokenSeconds)
            .add("token_type", "Bearer");
    if (withRefresh) {
      String refresh = "1//" + UUID.randomUUID();
      refreshTokens.put(refresh, new Token(provider, clientId, account, grantId, null));
      answer.add("refresh_token", refresh);
    }
    return answer;
  }

  /** Google spells the email scope as userinfo.email; Entra lower-cases Graph scopes. */
  private static String grantedScopeAnswer(String provider, String asked) {
    StringBuilder out = new StringBuilder();
    for (String scope : asked.split(" ")) {
      String answered =
          provider.equals("google")
              ? scope.equals("email") ? "https://www.googleapis.com/auth/userinfo.email" : scope
              : scope.toLowerCase(java.util.Locale.ROOT);
      if (provider.equals("microsoft") && answered.equals("offline_access")) {
        continue;
      }
      out.append(out.length() == 0 ? "" : " ").append(answered);
    }
    return out.toString();
  }

  private String idToken(String provider, String clientId, Code code) throws JOSEException {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .audience(clientId)
            .subject(
                UUID.nameUUIDFromBytes(code.account().getBytes(StandardCharsets.UTF_8)).toString())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(3600)))
            .claim("nonce", code.nonce());
    RSAKey key;
    if (provider.equals("google")) {
      key = googleKey;
      claims
          .issuer("https://accounts.google.com")
          .claim("email", code.account())
          .claim("email_verified", true);
      String domain = code.account().substring(code.account().indexOf('@') + 1);
      if (!domain.equals("gmail.com")) {
        claims.claim("hd", domain);
      }
    } else {
      key = microsoftKey;
      claims
          .issuer(base + "/microsoft/" + code.tenant() + "/v2.0")
          .claim("tid", code.tenant())
          .claim(
              "oid",
              UUID.nameUUIDFromBytes(code.account().getBytes(StandardCharsets.UTF_8)).toString())
          .claim("preferred_username", code.account())
          .notBeforeTime(Date.from(now));
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            claims.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private void googleRevoke(HttpExchange exchange) throws IOException {
    if (revocationDown) {
      send(exchange, 503, error("temporarily_unavailable", null));
      return;
    }
    Map<String, String> form =
        query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String token = form.get("token");
    Token known = token == null ? null : refreshTokens.getOrDefault(token, accessTokens.get(token));
    if (known == null) {
      send(exchange, 400, error("invalid_token", "Token expired or revoked"));
      return;
    }
    revokedGrants.add(known.grantId());
    revokedTokens.add(token);
    send(exchange, 200, "{}");
  }

  private void graphRevoke(HttpExchange exchange) throws IOException {
    if (revocationDown) {
      send(exchange, 503, error("serviceNotAvailable", null));
      return;
    }
    Token token = bearer(exchange);
    if (token == null || !"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    revokedGrants.add(token.grantId());
    graphRevocations.add(token.account());
    send(
        exchange,
        200,
        "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean\",\"value\":true}");
  }

  // ---------------------------------------------------------------- control, for client-side tests

  /**
   * What a test in the client JVM (the browser tests) may ask of the fake, which lives in the
   * server: register an app, a tenant, mint an Entra token, put a Graph message, read it back.
   */
  private void control(HttpExchange exchange, String what) throws IOException, JOSEException {
    JsonObject body =
        "POST".equals(exchange.getRequestMethod())
            ? Json.createReader(requestBody(exchange)).readObject()
            : Json.createObjectBuilder().build();
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    switch (what) {
      case "clients" -> {
        clientSecrets.put(body.getString("clientId"), body.getString("secret"));
        send(exchange, 200, "{}");
      }
      case "tenants" -> {
        tenants.put(body.getString("admin"), body.getString("tenant"));
        send(exchange, 200, "{}");
      }
      case "entra-token" -> {
        String token =
            entraAccessToken(
                microsoftKey,
                body.getString("tenant"),
                body.getString("audience"),
                body.getString("scopes"),
                "oid-" + body.getString("tenant"),
                Instant.now().plusSeconds(3600));
        send(exchange, 200, Json.createObjectBuilder().add("token", token).build().toString());
      }
      case "graph-messages" -> {
        if ("POST".equals(exchange.getRequestMethod())) {
          Map<String, GraphAttachment> attachments = new LinkedHashMap<>();
          for (JsonObject a : body.getJsonArray("attachments").getValuesAs(JsonObject.class)) {
            attachments.put(
                a.getString("id"),
                new GraphAttachment(
                    a.getString("name"),
                    a.getString("contentType"),
                    Base64.getDecoder().decode(a.getString("bytes"))));
          }
          addGraphMessage(
              body.getString("account"),
              body.getString("id"),
              Base64.getDecoder().decode(body.getString("mime")),
              attachments);
          send(exchange, 200, "{}");
        } else {
          GraphMessage message =
              graphMessages.getOrDefault(q.get("account"), Map.of()).get(q.get("id"));
          JsonObjectBuilder properties = Json.createObjectBuilder();
          if (message != null) {
            message.properties().forEach(properties::add);
          }
          send(
              exchange,
              message == null ? 404 : 200,
              Json.createObjectBuilder().add("properties", properties).build().toString());
        }
      }
      case "graph-requests" -> {
        JsonArrayBuilder list = Json.createArrayBuilder();
        graphRequests.forEach(list::add);
        send(exchange, 200, Json.createObjectBuilder().add("requests", list).build().toString());
      }
      default -> send(exchange, 404, error("not_found", what));
    }
  }

  // ---------------------------------------------------------------- Entra ID

  /** Microsoft's admin-consent page: the admin (login_hint) consents for their tenant at once. */
  private void adminConsent(HttpExchange exchange) throws IOException {
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    String redirect = q.get("redirect_uri");
    String clientId = q.get("client_id");
    if (redirect == null || clientId == null) {
      send(exchange, 400, "<html><body>AADSTS900144: missing parameter</body></html>");
      return;
    }
    String admin = q.getOrDefault("login_hint", "admin@example.com");
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
    String tenant = tenants.getOrDefault(admin, "11111111-2222-3333-4444-555555555555");
    redirect(
        exchange,
        redirect,
        Map.of("admin_consent", "True", "tenant", tenant, "state", q.get("state")));
  }

  /** Publishes a new signing key in place of the current one, as Entra rolls keys over. */
  public RSAKey rollMicrosoftKey() {
    microsoftKey = newKey("microsoft-" + UUID.randomUUID().toString().substring(0, 8));
    return microsoftKey;
  }

  public RSAKey microsoftKey() {
    return microsoftKey;
  }

  /** The user of a tenant whose tokens {@link #entraAccessToken} makes. */
  public static String entraUser(String tenant) {
    return "megan@" + tenant.substring(0, 8) + ".example";
  }

  /** A key Microsoft never published. */
  public static RSAKey strayKey() {
    return newKey("stray-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * An Entra ID access token as nested app authentication hands it to the add-in, in the format
   * Entra would issue for this audience: v1.0 for an {@code api://} URI (an app registration that
   * does not ask for v2), else v2.0; the user is {@link #entraUser} of the tenant.
   */
  public String entraAccessToken(
      RSAKey key, String tenant, String audience, String scopes, String objectId, Instant expires)
      throws JOSEException {
    EntraClaims claims =
        audience.startsWith("api://")
            ? EntraClaims.v1(tenant, audience)
            : EntraClaims.v2(base, tenant, audience);
    return entraAccessToken(key, claims.scopes(scopes).user(objectId, entraUser(tenant)), expires);
  }

  /**
   * What an Entra access token for Mailbridge's API says (claims reference:
   * learn.microsoft.com/entra/identity-platform/access-token-claims-reference). v1.0: {@code iss}
   * {@code https://sts.windows.net/{tid}/}, the user in {@code upn} and {@code unique_name}; v2.0:
   * {@code iss} {@code {authority}/{tid}/v2.0}, the user in {@code preferred_username}.
   */
  public record EntraClaims(
      String version,
      String issuer,
      String tenant,
      String audience,
      String scopes,
      String objectId,
      String username,
      List<String> amr) {

    public static EntraClaims v1(String tenant, String audience) {
      return new EntraClaims(
          "1.0",
          "https://sts.windows.net/" + tenant + "/",
          tenant,
          audience,
          "access_as_user",
          "oid-" + tenant,
          entraUser(tenant),
          List.of("pwd"));
    }

    /** {@code fakeBase}: the fake's URL, which the suite configures as Microsoft's authority. */
    public static EntraClaims v2(String fakeBase, String tenant, String audience) {
      return new EntraClaims(
          "2.0",
          fakeBase + "/microsoft/" + tenant + "/v2.0",
          tenant,
          audience,
          "access_as_user",
          "oid-" + tenant,
          entraUser(tenant),
          List.of("pwd"));
    }

    public EntraClaims issuer(String value) {
      return new EntraClaims(version, value, tenant, audience, scopes, objectId, username, amr);
    }

    public EntraClaims version(String value) {
      return new EntraClaims(value, issuer, tenant, audience, scopes, objectId, username, amr);
    }

    public EntraClaims scopes(String value) {
      return new EntraClaims(version, issuer, tenant, audience, value, objectId, username, amr);
    }

    public EntraClaims user(String oid, String name) {
      return new EntraClaims(version, issuer, tenant, audience, scopes, oid, name, amr);
    }

    public EntraClaims amr(String... methods) {
      return new EntraClaims(
          version, issuer, tenant, audience, scopes, objectId, username, List.of(methods));
    }
  }

  public String entraAccessToken(RSAKey key, EntraClaims c, Instant expires) throws JOSEException {
    Instant issued = expires.minusSeconds(3600);
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(c.issuer())
            .audience(c.audience())
            .subject(UUID.randomUUID().toString())
            .issueTime(java.util.Date.from(issued))
            .notBeforeTime(java.util.Date.from(issued))
            .expirationTime(java.util.Date.from(expires))
            .claim("tid", c.tenant())
            .claim("oid", c.objectId())
            .claim("scp", c.scopes());
    if (c.version() != null) {
      claims.claim("ver", c.version());
    }
    if ("1.0".equals(c.version())) {
      // amr is a v1.0 claim; the fake's on-behalf-of reads it to decide whether MFA was done
      claims.claim("upn", c.username()).claim("unique_name", c.username()).claim("amr", c.amr());
    } else {
      claims.claim("preferred_username", c.username());
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            claims.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  // ---------------------------------------------------------------- Graph

  /** A file attachment of a Graph message. */
  public record GraphAttachment(String name, String contentType, byte[] bytes) {}

  /** A message in an account's Microsoft 365 mailbox. */
  public record GraphMessage(
      byte[] mime, Map<String, GraphAttachment> attachments, Map<String, String> properties) {}

  public final Map<String, Map<String, GraphMessage>> graphMessages = new ConcurrentHashMap<>();
  public final List<String> graphRequests = new CopyOnWriteArrayList<>();

  /** How many of the next Graph calls answer 429, and with which Retry-After. */
  public final AtomicInteger graphThrottle = new AtomicInteger();

  public volatile int graphRetryAfterSeconds = 1;

  public void addGraphMessage(
      String account, String id, byte[] mime, Map<String, GraphAttachment> attachments) {
    graphMessages
        .computeIfAbsent(account, k -> new ConcurrentHashMap<>())
        .put(
            id,
            new GraphMessage(mime, new LinkedHashMap<>(attachments), new ConcurrentHashMap<>()));
  }

  private void graphMessage(HttpExchange exchange, String rest) throws IOException {
    graphRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = bearer(exchange);
    if (token == null) {
      send(
          exchange,
          401,
          graphError("InvalidAuthenticationToken", "Access token validation failure."));
      return;
    }
    if (graphThrottle.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getResponseHeaders().set("Retry-After", String.valueOf(graphRetryAfterSeconds));
      send(
          exchange,
          429,
          graphError("TooManyRequests", "Application is over its MailboxConcurrency limit."));
      return;
    }
    String[] parts = rest.split("/");
    GraphMessage message = graphMessages.getOrDefault(token.account(), Map.of()).get(parts[0]);
    if (message == null) {
      send(
          exchange,
          404,
          graphError("ErrorItemNotFound", "The specified object was not found in the store."));
      return;
    }
    String method = exchange.getRequestMethod();
    if (parts.length == 1 && method.equals("PATCH")) {
      JsonObject body = Json.createReader(requestBody(exchange)).readObject();
      body.getJsonArray("singleValueExtendedProperties")
          .getValuesAs(JsonObject.class)
          .forEach(p -> message.properties().put(p.getString("id"), p.getString("value")));
      send(exchange, 200, Json.createObjectBuilder().add("id", parts[0]).build().toString());
    } else if (parts.length == 1) {
      JsonArrayBuilder properties = Json.createArrayBuilder();
      message
          .properties()
          .forEach(
              (id, value) ->
                  properties.add(Json.createObjectBuilder().add("id", id).add("value", value)));
      send(
          exchange,
          200,
          Json.createObjectBuilder()
              .add("id", parts[0])
              .add("singleValueExtendedProperties", properties)
              .build()
              .toString());
    } else if (parts.length == 2 && parts[1].equals("$value")) {
      exchange.getResponseHeaders().set("Content-Type", "message/rfc822");
      exchange.sendResponseHeaders(200, message.mime().length);
      exchange.getResponseBody().write(message.mime());
    } else if (parts.length == 2 && parts[1].equals("attachments")) {
      JsonArrayBuilder list = Json.createArrayBuilder();
      message.attachments().forEach((id, a) -> list.add(attachmentJson(id, a, false)));
      send(exchange, 200, Json.createObjectBuilder().add("value", list).build().toString());
    } else if (parts.length == 3
        && parts[1].equals("attachments")
        && message.attachments().containsKey(parts[2])) {
      send(
          exchange,
          200,
          attachmentJson(parts[2], message.attachments().get(parts[2]), true).build().toString());
    } else {
      send(exchange, 404, graphError("ErrorItemNotFound", "Not found: " + rest));
    }
  }

  private static JsonObjectBuilder attachmentJson(String id, GraphAttachment a, boolean withBytes) {
    JsonObjectBuilder json =
        Json.createObjectBuilder()
            .add("@odata.type", "#microsoft.graph.fileAttachment")
            .add("id", id)
            .add("name", a.name())
            .add("contentType", a.contentType())
            .add("size", a.bytes().length)
            .add("isInline", false);
    if (withBytes) {
      json.add("contentBytes", Base64.getEncoder().encodeToString(a.bytes()));
    }
    return json;
  }

  // ---------------------------------------------------------------- Gmail

  private void gmailMessage(HttpExchange exchange, String id, boolean modify) throws IOException {
    gmailRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = bearer(exchange);
    if (token == null) {
      send(
          exchange,
          401,
          googleError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
      return;
    }
    GmailMessage message = gmail.getOrDefault(token.account(), Map.of()).get(id);
    if (message == null) {
      send(exchange, 404, googleError(404, "Requested entity was not found.", "NOT_FOUND"));
      return;
    }
    if (modify) {
      JsonObject body = Json.createReader(requestBody(exchange)).readObject();
      body.getJsonArray("addLabelIds")
          .getValuesAs(jakarta.json.JsonString.class)
          .forEach(l -> message.labelIds().add(l.getString()));
      send(
          exchange,
          200,
          Json.createObjectBuilder()
              .add("id", id)
              .add("labelIds", labels(message))
              .build()
              .toString());
      return;
    }
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    JsonObjectBuilder answer =
        Json.createObjectBuilder()
            .add("id", id)
            .add("threadId", id)
            .add("labelIds", labels(message))
            .add("sizeEstimate", message.raw().length)
            .add("historyId", "4242")
            .add("internalDate", String.valueOf(Instant.now().toEpochMilli()));
    if ("raw".equals(q.get("format"))) {
      answer.add("raw", Base64.getUrlEncoder().encodeToString(message.raw()));
    } else if ("metadata".equals(q.get("format"))) {
      JsonArrayBuilder headers = Json.createArrayBuilder();
      String text = new String(message.raw(), StandardCharsets.ISO_8859_1);
      String head = text.substring(0, Math.max(0, text.indexOf("\r\n\r\n")));
      for (String line : head.replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0
            && List.of("from", "to", "cc")
                .contains(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT))) {
          headers.add(
              Json.createObjectBuilder()
                  .add("name", line.substring(0, colon))
                  .add("value", line.substring(colon + 1).strip()));
        }
      }
      answer.add(
          "payload",
          Json.createObjectBuilder().add("mimeType", "multipart/mixed").add("headers", headers));
    } else {
      send(exchange, 400, googleError(400, "Invalid format", "INVALID_ARGUMENT"));
      return;
    }
    send(exchange, 200, answer.build().toString());
  }

  private void gmailLabels(HttpExchange exchange) throws IOException {
    gmailRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = bearer(exchange);
    if (token == null) {
      send(
          exchange,
          401,
          googleError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
      return;
    }
    Map<String, String> labels =
        gmailLabels.computeIfAbsent(
            token.account(),
            k -> new ConcurrentHashMap<>(Map.of("INBOX", "INBOX", "SENT", "SENT")));
    if ("POST".equals(exchange.getRequestMethod())) {
      JsonObject body = Json.createReader(requestBody(exchange)).readObject();
      String name = body.getString("name");
      if (labels.containsKey(name)) {
        send(exchange, 409, googleError(409, "Label name exists or conflicts", "ALREADY_EXISTS"));
        return;
      }
      String id = "Label_" + (labels.size() + 1);
      labels.put(name, id);
      send(
          exchange,
          200,
          Json.createObjectBuilder()
              .add("id", id)
              .add("name", name)
              .add("type", "user")
              .build()
              .toString());
      return;
    }
    JsonArrayBuilder list = Json.createArrayBuilder();
    labels.forEach(
        (name, id) ->
            list.add(
                Json.createObjectBuilder()
                    .add("id", id)
                    .add("name", name)
                    .add("type", id.equals(name) ? "system" : "user")));
    send(exchange, 200, Json.createObjectBuilder().add("labels", list).build().toString());
  }

  private static JsonArrayBuilder labels(GmailMessage message) {
    JsonArrayBuilder labels = Json.createArrayBuilder();
    message.labelIds().forEach(labels::add);
    return labels;
  }

  // ---------------------------------------------------------------- helpers

  /** The request body; Google's client gzips what it sends, as Google's servers accept. */
  private static java.io.InputStream requestBody(HttpExchange exchange) throws IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    return "gzip".equalsIgnoreCase(encoding)
        ? new java.util.zip.GZIPInputStream(exchange.getRequestBody())
        : exchange.getRequestBody();
  }

  private Token bearer(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return null;
    }
    Token token = accessTokens.get(header.substring(7));
    if (token == null
        || token.expiresAt().isBefore(Instant.now())
        || revokedGrants.contains(token.grantId())) {
      return null;
    }
    return token;
  }

  /** Whether an access token is one the fake issued and still honours. */
  public boolean isAccessTokenLive(String token) {
    Token t = accessTokens.get(token);
    return t != null
        && t.expiresAt().isAfter(Instant.now())
        && !revokedGrants.contains(t.grantId());
  }

  public static String challengeOf(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String error(String code, String description) {
    JsonObjectBuilder json = Json.createObjectBuilder().add("error", code);
    if (description != null) {
      json.add("error_description", description);
    }
    return json.build().toString();
  }

  private static String googleError(int code, String message, String status) {
    return Json.createObjectBuilder()
        .add(
            "error",
            Json.createObjectBuilder()
                .add("code", code)
                .add("message", message)
                .add("status", status)
                .add(
                    "errors",
                    Json.createArrayBuilder()
                        .add(
                            Json.createObjectBuilder()
                                .add("message", message)
                                .add("domain", "global")
                                .add("reason", status.toLowerCase(java.util.Locale.ROOT)))))
        .build()
        .toString();
  }

  private static String graphError(String code, String message) {
    return Json.createObjectBuilder()
        .add("error", Json.createObjectBuilder().add("code", code).add("message", message))
        .build()
        .toString();
  }

  private static void redirect(HttpExchange exchange, String target, Map<String, String> params)
      throws IOException {
    StringBuilder location = new StringBuilder(target).append(target.contains("?") ? '&' : '?');
    boolean first = true;
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      location
          .append(first ? "" : "&")
          .append(e.getKey())
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      first = false;
    }
    exchange.getResponseHeaders().set("Location", location.toString());
    exchange.sendResponseHeaders(302, -1);
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set(
            "Content-Type", body.startsWith("<") ? "text/html" : "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  public static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(key, value);
    }
    return out;
  }

  private static RSAKey newKey(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      var pair = generator.generateKeyPair();
      return new RSAKey.Builder((RSAPublicKey) pair.getPublic())
          .privateKey((RSAPrivateKey) pair.getPrivate())
          .keyID(kid)
          .build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  static URI uri(String text) {
    return URI.create(text);
  }
}
