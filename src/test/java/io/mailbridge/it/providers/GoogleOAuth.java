package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.error;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.Token;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;

/**
 * Google's OAuth endpoints as Mailbridge calls them: {@code /o/oauth2/v2/auth}, {@code /token} and
 * {@code /revoke}.
 */
final class GoogleOAuth {

  private final FakeProviders fake;

  GoogleOAuth(FakeProviders fake) {
    this.fake = fake;
  }

  void authorize(HttpExchange exchange) throws IOException {
    fake.authorization.authorize(exchange, "google", null);
  }

  void token(HttpExchange exchange) throws IOException, JOSEException {
    fake.authorization.token(exchange, "google", null);
  }

  /**
   * The JWT-bearer grant of a service account with domain-wide delegation
   * (developers.google.com/identity/protocols/oauth2/service-account): the assertion must be RS256
   * over the service account's key (the uploaded key file's public part), {@code iss} its client
   * email, {@code aud} this token URL, a {@code scope}, {@code sub} the user, and last at most an
   * hour; the client id must be authorized for the scope by a Workspace admin, else 401 {@code
   * unauthorized_client}. The token reads the {@code sub} user's Gmail.
   */
  void delegation(HttpExchange exchange, Map<String, String> form) throws IOException {
    SignedJWT assertion;
    JWTClaimsSet claims;
    try {
      assertion = SignedJWT.parse(String.valueOf(form.get("assertion")));
      claims = assertion.getJWTClaimsSet();
    } catch (java.text.ParseException e) {
      send(exchange, 400, error("invalid_grant", "Invalid JWT: not a JWS."));
      return;
    }
    FakeProviders.ServiceAccount account = fake.serviceAccounts.get(claims.getIssuer());
    boolean signed;
    try {
      signed =
          account != null
              && JWSAlgorithm.RS256.equals(assertion.getHeader().getAlgorithm())
              && assertion.verify(new RSASSAVerifier(account.publicKey()));
    } catch (JOSEException e) {
      signed = false;
    }
    if (!signed) {
      fake.delegationRefusals.incrementAndGet();
      send(exchange, 400, error("invalid_grant", "Invalid JWT Signature."));
      return;
    }
    Date now = new Date();
    Date issued = claims.getIssueTime();
    Date expires = claims.getExpirationTime();
    String tokenUrl = fake.base + exchange.getRequestURI().getPath();
    if (issued == null
        || expires == null
        || !expires.after(now)
        || expires.getTime() - issued.getTime() > 3_600_000L
        || issued.getTime() > now.getTime() + 60_000L) {
      fake.delegationRefusals.incrementAndGet();
      send(
          exchange,
          400,
          error(
              "invalid_grant",
              "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable"
                  + " timeframe. Check your iat and exp values in the JWT claim."));
      return;
    }
    Object scope = claims.getClaim("scope");
    if (claims.getAudience() == null
        || !claims.getAudience().equals(java.util.List.of(tokenUrl))
        || !(scope instanceof String)
        || claims.getSubject() == null) {
      fake.delegationRefusals.incrementAndGet();
      send(exchange, 400, error("invalid_grant", "Invalid JWT: Failed audience check."));
      return;
    }
    java.util.Set<String> authorized =
        fake.delegatedScopes.getOrDefault(account.clientId(), java.util.Set.of());
    for (String wanted : ((String) scope).split(" ")) {
      if (!authorized.contains(wanted)) {
        fake.delegationRefusals.incrementAndGet();
        send(
            exchange,
            401,
            error(
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this method, or client"
                    + " not authorized for any of the scopes requested."));
        return;
      }
    }
    fake.delegationGrants.add(account.clientEmail() + " " + claims.getSubject() + " " + scope);
    String access = "ya29.c." + java.util.UUID.randomUUID();
    fake.accessTokenScopes.put(access, (String) scope);
    fake.accessTokens.put(
        access,
        new Token(
            "google",
            account.clientId(),
            claims.getSubject().toLowerCase(java.util.Locale.ROOT),
            "delegation:" + account.clientEmail(),
            java.time.Instant.now().plusSeconds(fake.accessTokenSeconds)));
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("access_token", access)
            .add("expires_in", fake.accessTokenSeconds - 1)
            .add("token_type", "Bearer")
            .build()
            .toString());
  }

  /** {@code POST /revoke}: ends the grant of an access or refresh token. */
  void revoke(HttpExchange exchange) throws IOException {
    if (fake.revocationDown) {
      send(exchange, 503, error("temporarily_unavailable", null));
      return;
    }
    Map<String, String> form =
        query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String token = form.get("token");
    Token known =
        token == null ? null : fake.refreshTokens.getOrDefault(token, fake.accessTokens.get(token));
    if (known == null) {
      send(exchange, 400, error("invalid_token", "Token expired or revoked"));
      return;
    }
    fake.revokedGrants.add(known.grantId());
    fake.revokedTokens.add(token);
    send(exchange, 200, "{}");
  }
}
