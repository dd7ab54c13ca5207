package io.mailbridge.mailbox.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Verifies JWTs that Google or Microsoft signed (ID tokens, and Entra access tokens for
 * Mailbridge's API) with Nimbus against the provider's JWKS: RS256 only, a known {@code kid},
 * issuer, audience, lifetime with a small skew and, when given, the OpenID nonce. Key sets are
 * cached per URL; an unknown {@code kid} refetches once, at most once per {@code
 * mailbridge.oauth.jwks-min-refetch}.
 */
@ApplicationScoped
public class ProviderTokenVerifier {

  private static final Logger LOG = Logger.getLogger(ProviderTokenVerifier.class.getName());
  private static final long MAX_JWKS_BYTES = 256 * 1024;
  private static final Duration MAX_CACHE_AGE = Duration.ofHours(24);

  @Inject OutboundHttp outbound;

  @Inject
  @ConfigProperty(name = "mailbridge.oauth.token-clock-skew", defaultValue = "PT5M")
  Duration skew;

  /** The soonest a key set is fetched again for an unknown key id (keys roll over). */
  @Inject
  @ConfigProperty(name = "mailbridge.oauth.jwks-min-refetch", defaultValue = "PT1M")
  Duration minRefetch;

  Clock clock = Clock.systemUTC();

  private final Map<URI, CachedKeys> cache = new ConcurrentHashMap<>();

  private record CachedKeys(JWKSet keys, Instant fetchedAt) {}

  /** What a token must show to be accepted; {@code keysCall} labels the JWKS fetch in metrics. */
  public record Expectations(
      URI jwksUrl,
      OutboundPolicy policy,
      OutboundCall keysCall,
      Predicate<String> issuer,
      Predicate<java.util.List<String>> audience,
      String nonce) {}

  /**
   * The verified claims.
   *
   * @throws AccountRefused with code {@code invalid_token} and the reason, when anything fails
   */
  public JWTClaimsSet verify(String token, Expectations expected) throws AccountRefused {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      throw refused("it is not a signed JWT");
    }
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      throw refused("it is not signed with RS256");
    }
    String kid = jwt.getHeader().getKeyID();
    if (kid == null) {
      throw refused("it names no signing key");
    }
    RSAKey key = keyFor(expected, kid);
    try {
      if (!jwt.verify(new RSASSAVerifier(key))) {
        throw refused("its signature does not verify");
      }
    } catch (JOSEException e) {
      throw refused("its signature cannot be checked");
    }
    if (claims.getIssuer() == null || !expected.issuer().test(claims.getIssuer())) {
      throw refused("it was issued by " + claims.getIssuer() + ", which is not expected here");
    }
    if (claims.getAudience() == null || !expected.audience().test(claims.getAudience())) {
      throw refused("it is meant for another audience");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null || exp.toInstant().plus(skew).isBefore(now)) {
      throw refused("it has expired");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().minus(skew).isAfter(now)) {
      throw refused("it is not valid yet");
    }
    if (expected.nonce() != null) {
      Object nonce = claims.getClaim("nonce");
      if (!(nonce instanceof String value)
          || !java.security.MessageDigest.isEqual(
              value.getBytes(StandardCharsets.UTF_8),
              expected.nonce().getBytes(StandardCharsets.UTF_8))) {
        throw refused("its nonce does not match this sign-in");
      }
    }
    return claims;
  }

  private RSAKey keyFor(Expectations expected, String kid) throws AccountRefused {
    CachedKeys cached = cache.get(expected.jwksUrl());
    Instant now = clock.instant();
    boolean fetchedNow = false;
    if (cached == null || cached.fetchedAt().plus(MAX_CACHE_AGE).isBefore(now)) {
      cached = fetch(expected);
      fetchedNow = true;
    }
    JWK key = cached.keys().getKeyByKeyId(kid);
    if (key == null && !fetchedNow && !cached.fetchedAt().plus(minRefetch).isAfter(now)) {
      // Providers roll keys over: an unknown kid may be a new key, so look once more.
      cached = fetch(expected);
      key = cached.keys().getKeyByKeyId(kid);
    }
    if (!(key instanceof RSAKey rsa)) {
      throw refused("it is signed with a key the provider does not publish");
    }
    return rsa;
  }

  private synchronized CachedKeys fetch(Expectations expected) throws AccountRefused {
    CachedKeys current = cache.get(expected.jwksUrl());
    Instant now = clock.instant();
    if (current != null
        && !minRefetch.isZero()
        && current.fetchedAt().plus(minRefetch).isAfter(now)) {
      return current; // another thread just fetched it
    }
    try {
      OutboundResponse response =
          outbound.get(
              expected.keysCall(),
              expected.jwksUrl(),
              expected.policy(),
              new OutboundLimits(Duration.ofSeconds(10), MAX_JWKS_BYTES, 2),
              Map.of("Accept", "application/json"));
      if (response.status() != 200) {
        throw new AccountRefused(
            "provider_unavailable",
            "The provider's signing keys could not be read (HTTP " + response.status() + ")");
      }
      CachedKeys fresh =
          new CachedKeys(
              JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8)), clock.instant());
      cache.put(expected.jwksUrl(), fresh);
      return fresh;
    } catch (OutboundFailure e) {
      LOG.log(Level.WARNING, "Signing keys unavailable: {0}", e.getMessage());
      throw new AccountRefused(
          "provider_unavailable", "The provider's signing keys could not be read");
    } catch (ParseException e) {
      throw new AccountRefused(
          "provider_unavailable", "The provider's signing keys are not a JWK set");
    }
  }

  private static AccountRefused refused(String reason) {
    return new AccountRefused("invalid_token", "The provider's token was refused: " + reason);
  }
}
