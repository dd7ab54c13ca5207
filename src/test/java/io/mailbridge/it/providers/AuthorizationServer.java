package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.error;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.redirect;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OAuth 2.0 authorization server Google and Entra share in the fake: the authorization endpoint
 * (code + PKCE), the token endpoint (code, refresh and, for Entra, on-behalf-of grants), client
 * authentication, ID tokens, and the bearer tokens the APIs accept.
 */
final class AuthorizationServer {

  private final FakeProviders fake;

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

  private final Map<String, Code> codes = new ConcurrentHashMap<>();

  AuthorizationServer(FakeProviders fake) {
    this.fake = fake;
  }

  void authorize(HttpExchange exchange, String provider, String tenantSegment) throws IOException {
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    String redirect = q.get("redirect_uri");
    String clientId = q.get("client_id");
    if (redirect == null
        || clientId == null
        || !fake.clientSecrets.containsKey(clientId)
            && !fake.clientCertificates.containsKey(clientId)) {
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
    String account =
        q.getOrDefault(
            "login_hint", fake.signedInAccounts.getOrDefault(clientId, "someone@example.com"));
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
    String scopes = fake.grantedScopes.getOrDefault(account, q.get("scope"));
    String tenant = fake.tenants.getOrDefault(account, "11111111-2222-3333-4444-555555555555");
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

  void token(HttpExchange exchange, String provider, String tenantSegment)
      throws IOException, JOSEException {
    Map<String, String> form =
        query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (provider.equals("google")
        && "urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
      // A service account authenticates with its signed assertion alone.
      fake.google.delegation(exchange, form);
      return;
    }
    String clientId = form.get("client_id");
    if (!clientAuthenticated(exchange, provider, tenantSegment, clientId, form)) {
      send(exchange, 401, error("invalid_client", "The OAuth client was not found."));
      return;
    }
    switch (String.valueOf(form.get("grant_type"))) {
      case "authorization_code" -> codeGrant(exchange, provider, clientId, form);
      case "refresh_token" -> refreshGrant(exchange, provider, clientId, form);
      case "client_credentials" ->
          fake.entra.clientCredentials(exchange, tenantSegment, clientId, form);
      case "urn:ietf:params:oauth:grant-type:jwt-bearer" ->
          fake.entra.onBehalfOf(exchange, clientId, form);
      default -> send(exchange, 400, error("unsupported_grant_type", null));
    }
  }

  boolean clientAuthenticated(
      HttpExchange exchange,
      String provider,
      String tenantSegment,
      String clientId,
      Map<String, String> form) {
    if (clientId == null) {
      return false;
    }
    String secret = fake.clientSecrets.get(clientId);
    if (secret != null) {
      return secret.equals(form.get("client_secret"));
    }
    RSAPublicKey key = fake.clientCertificates.get(clientId);
    if (key == null || form.get("client_assertion") == null) {
      return false;
    }
    try {
      SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
      JWTClaimsSet claims = assertion.getJWTClaimsSet();
      String tokenUrl = fake.base + exchange.getRequestURI().getPath();
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

  void codeGrant(HttpExchange exchange, String provider, String clientId, Map<String, String> form)
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
    if (!FakeHttp.challengeOf(verifier).equals(code.challenge())) {
      send(exchange, 400, error("invalid_grant", "Invalid code verifier."));
      return;
    }
    String grantId = UUID.randomUUID().toString();
    String granted = grantedScopeAnswer(provider, code.scopes());
    fake.grantScopes.put(grantId, granted);
    JsonObjectBuilder answer = tokens(provider, clientId, code.account(), grantId, true);
    answer.add("scope", granted);
    answer.add("id_token", idToken(provider, clientId, code));
    send(exchange, 200, answer.build().toString());
  }

  void refreshGrant(
      HttpExchange exchange, String provider, String clientId, Map<String, String> form)
      throws IOException {
    fake.refreshesByClient.computeIfAbsent(clientId, k -> new AtomicInteger()).incrementAndGet();
    String presented = String.valueOf(form.get("refresh_token"));
    fake.refreshTokensPresented.add(presented);
    if (fake.refreshDelayMillis > 0) {
      try {
        Thread.sleep(fake.refreshDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Token token = fake.refreshTokens.get(presented);
    if (token == null
        || !token.clientId().equals(clientId)
        || fake.revokedGrants.contains(token.grantId())) {
      send(exchange, 400, error("invalid_grant", "Token has been expired or revoked."));
      return;
    }
    String consented =
        fake.grantScopes.getOrDefault(
            token.grantId(),
            "https://graph.microsoft.com/mail.readwrite.shared https://graph.microsoft.com/user.read");
    if (provider.equals("microsoft") && !withinConsent(form.get("scope"), consented)) {
      // Entra refuses a refresh that asks for a scope the user never consented to.
      send(
          exchange,
          400,
          error(
              "invalid_grant",
              "AADSTS65001: The user or administrator has not consented to use the application."));
      return;
    }
    boolean rotate = fake.rotateRefreshTokens;
    if (rotate) {
      fake.refreshTokens.remove(presented);
    }
    JsonObjectBuilder answer = tokens(provider, clientId, token.account(), token.grantId(), rotate);
    // Both answer the scopes the grant was consented, calendar ones included.
    answer.add(
        "scope",
        provider.equals("google")
            ? fake.grantScopes.getOrDefault(
                token.grantId(),
                "openid https://www.googleapis.com/auth/userinfo.email "
                    + FakeProviders.GMAIL_MODIFY)
            : consented);
    send(exchange, 200, answer.build().toString());
  }

  /** Whether every scope asked (identity scopes aside) is one the grant was consented. */
  static boolean withinConsent(String asked, String consented) {
    java.util.Set<String> given = new java.util.HashSet<>();
    for (String scope : consented.split(" ")) {
      given.add(bareGraphScope(scope));
    }
    for (String scope : String.valueOf(asked).split(" ")) {
      String bare = bareGraphScope(scope);
      if (!java.util.Set.of("openid", "email", "profile", "offline_access").contains(bare)
          && !given.contains(bare)) {
        return false;
      }
    }
    return true;
  }

  static String bareGraphScope(String scope) {
    String lower = scope.toLowerCase(java.util.Locale.ROOT);
    return lower.startsWith("https://graph.microsoft.com/")
        ? lower.substring("https://graph.microsoft.com/".length())
        : lower;
  }

  JsonObjectBuilder tokens(
      String provider, String clientId, String account, String grantId, boolean withRefresh) {
    String access = "ya29." + UUID.randomUUID();
    String scp = fake.grantScopes.get(grantId);
    if (scp != null) {
      fake.accessTokenScopes.put(access, scp);
    }
    Instant expires = Instant.now().plusSeconds(fake.accessTokenSeconds);
    fake.accessTokens.put(access, new Token(provider, clientId, account, grantId, expires));
    JsonObjectBuilder answer =
        JSON.createObjectBuilder()
            .add("access_token", access)
            .add("expires_in", fake.accessTokenSeconds)
            .add("token_type", "Bearer");
    if (withRefresh) {
      String refresh = "1//" + UUID.randomUUID();
      fake.refreshTokens.put(refresh, new Token(provider, clientId, account, grantId, null));
      answer.add("refresh_token", refresh);
    }
    return answer;
  }

  /** Google spells the email scope as userinfo.email; Entra lower-cases Graph scopes. */
  static String grantedScopeAnswer(String provider, String asked) {
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

  String idToken(String provider, String clientId, Code code) throws JOSEException {
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
      key = fake.googleKey;
      claims
          .issuer("https://accounts.google.com")
          .claim("email", code.account())
          .claim("email_verified", true);
      String domain = code.account().substring(code.account().indexOf('@') + 1);
      if (!domain.equals("gmail.com")) {
        claims.claim("hd", domain);
      }
    } else {
      key = fake.microsoftKey;
      claims
          .issuer(fake.base + "/microsoft/" + code.tenant() + "/v2.0")
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

  Token bearer(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return null;
    }
    Token token = fake.accessTokens.get(header.substring(7));
    if (token == null
        || token.expiresAt().isBefore(Instant.now())
        || fake.revokedGrants.contains(token.grantId())) {
      return null;
    }
    return token;
  }
}
