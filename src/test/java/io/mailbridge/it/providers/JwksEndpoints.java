package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.send;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * The published signing keys: Google's {@code /oauth2/v3/certs} and Entra's {@code
 * /discovery/v2.0/keys} (and v1.0 {@code /discovery/keys}), as JWK sets.
 */
final class JwksEndpoints {

  private final FakeProviders fake;

  JwksEndpoints(FakeProviders fake) {
    this.fake = fake;
  }

  void google(HttpExchange exchange) throws IOException {
    send(exchange, 200, new JWKSet(fake.googleKey.toPublicJWK()).toString());
  }

  /** Counted, so tests see when Mailbridge fetched Entra's keys again. */
  void microsoft(HttpExchange exchange) throws IOException {
    fake.microsoftKeyFetches.incrementAndGet();
    send(exchange, 200, new JWKSet(fake.microsoftKey.toPublicJWK()).toString());
  }
}
