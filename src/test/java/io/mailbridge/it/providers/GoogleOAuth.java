package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.error;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.nimbusds.jose.JOSEException;
import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.Token;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
