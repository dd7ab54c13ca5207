package io.mailbridge.platform.security.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mailbridge.platform.base.OpaqueId;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Issues Mailbridge's short-lived access tokens (RS256 JWTs that MicroProfile JWT verifies). */
@ApplicationScoped
public class AccessTokens {

  public static final String ISSUER = "mailbridge";
  public static final String ORG_CLAIM = "org";

  @Inject TokenSigningKey signingKey;

  @Inject
  @ConfigProperty(name = "mailbridge.token.access-ttl", defaultValue = "PT1H")
  Duration lifetime;

  Clock clock = Clock.systemUTC();

  public Duration lifetime() {
    return lifetime;
  }

  public String issue(AppUser user) {
    return issue(user, clock.instant());
  }

  /** Signs a token as if issued at {@code issuedAt}; tests use a past instant for expiry. */
  public String issue(AppUser user, Instant issuedAt) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(user.id())
            .claim("upn", user.id())
            .claim("groups", List.of(user.role().name()))
            .claim(ORG_CLAIM, user.orgId())
            .jwtID(OpaqueId.next())
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(issuedAt.plus(lifetime)))
            .build();
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .type(JOSEObjectType.JWT)
            .keyID(signingKey.keyId())
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new RSASSASigner(signingKey.privateKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot sign an access token", e);
    }
    return jwt.serialize();
  }
}
