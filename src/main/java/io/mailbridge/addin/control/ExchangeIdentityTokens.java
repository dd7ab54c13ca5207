package io.mailbridge.addin.control;

import static io.mailbridge.addin.control.AuthMetadataDocuments.rejected;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.mailbridge.mailbox.control.ExchangeAllowList;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Verifies Exchange user identity tokens (PROTOCOLS.md §1). Everything that can be checked without
 * the network is checked first, so a malformed, expired or foreign token never causes an outbound
 * request; the metadata URL is fetched only for a host on some org's allow-list.
 */
@ApplicationScoped
public class ExchangeIdentityTokens {

  static final String VERSION = "ExIdTok.V1";
  private static final int MAX_TOKEN_LENGTH = 16 * 1024;

  @Inject ExchangeAllowList hosts;
  @Inject AuthMetadataDocuments metadata;
  @Inject MailbridgeSettings settings;

  @Inject
  @ConfigProperty(name = "mailbridge.addin.token-clock-skew", defaultValue = "PT5M")
  Duration skew;

  Clock clock = Clock.systemUTC();

  /** The audience Exchange puts in tokens for our add-in: the task pane's URL. */
  public String expectedAudience() {
    return settings.publicUrl() + "/addin/taskpane.html";
  }

  public VerifiedIdentityToken verify(String token) {
    if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
      throw rejected("An identity token is required");
    }
    SignedJWT jwt;
    Map<String, Object> claims;
    try {
      jwt = SignedJWT.parse(token.strip());
      // The raw payload: Nimbus' claim set would refuse nbf/exp given as strings.
      claims = jwt.getPayload().toJSONObject();
    } catch (ParseException | RuntimeException e) {
      throw rejected("The identity token is not a signed JWT");
    }
    JWSHeader header = jwt.getHeader();
    if (claims == null) {
      throw rejected("The identity token's payload is not a JSON object");
    }
    if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
      throw rejected("The identity token must be signed with RS256");
    }
    if (header.getType() != null && !JOSEObjectType.JWT.equals(header.getType())) {
      throw rejected("The identity token's type is not JWT");
    }
    if (header.getX509CertThumbprint() == null) {
      throw rejected("The identity token names no signing certificate (x5t)");
    }
    JsonObject appContext = appContext(claims);
    if (!VERSION.equals(appContext.getString("version", null))) {
      throw rejected("The identity token is not an Exchange identity token (" + VERSION + ")");
    }
    String exchangeUserId = appContext.getString("msexchuid", null);
    String metadataUrl = appContext.getString("amurl", null);
    if (exchangeUserId == null || exchangeUserId.isBlank() || metadataUrl == null) {
      throw rejected("The identity token lacks msexchuid or amurl");
    }
    checkLifetime(claims);
    Object audience = claims.get("aud");
    if (audience instanceof List<?> list && list.size() == 1) {
      audience = list.get(0);
    }
    // The manifest adds ?app=<Microsoft client id> to the pane's URL when the org has an app for
    // Exchange Online; Exchange puts the whole URL into the token.
    if (!(audience instanceof String aud)
        || !(aud.equals(expectedAudience()) || aud.startsWith(expectedAudience() + "?app="))) {
      throw rejected("The identity token is for another add-in (audience does not match)");
    }
    URI url = metadataUri(metadataUrl);
    String host = OutboundHttp.hostOf(url);
    Map<String, HostRule> orgs = hosts.orgsListing(host);
    if (orgs.isEmpty()) {
      throw rejected("The Exchange server " + host + " is not on any allow-list");
    }
    X509Certificate certificate =
        metadata.signingCertificate(
            url, header.getX509CertThumbprint().toString(), policyOf(orgs.keySet()));
    verifySignature(jwt, certificate);
    return new VerifiedIdentityToken(
        new ExchangeIdentity(url.toString(), exchangeUserId.strip()),
        new LinkedHashSet<>(orgs.keySet()));
  }

  /** Redirects may go to hosts that one of the same orgs lists, under the most lenient rule. */
  private OutboundPolicy policyOf(Set<String> orgIds) {
    return host -> {
      Map<String, HostRule> listing = hosts.orgsListing(host);
      boolean plainHttp = false;
      boolean privateAddress = false;
      boolean listed = false;
      for (String org : orgIds) {
        HostRule rule = listing.get(org);
        if (rule != null) {
          listed = true;
          plainHttp |= rule.plainHttp();
          privateAddress |= rule.privateAddress();
        }
      }
      return listed ? Optional.of(new HostRule(plainHttp, privateAddress)) : Optional.empty();
    };
  }

  private void checkLifetime(Map<String, Object> claims) {
    Instant now = clock.instant();
    Instant notBefore = secondsClaim(claims, "nbf");
    Instant expires = secondsClaim(claims, "exp");
    if (expires == null) {
      throw rejected("The identity token has no expiry");
    }
    if (!now.isBefore(expires.plus(skew))) {
      throw rejected("The identity token has expired");
    }
    if (notBefore != null && now.plus(skew).isBefore(notBefore)) {
      throw rejected("The identity token is not valid yet");
    }
  }

  // Microsoft's documentation prints nbf and exp as strings; real tokens carry numbers.
  private static Instant secondsClaim(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    try {
      if (value instanceof Number number) {
        return Instant.ofEpochSecond(number.longValue());
      }
      if (value instanceof String text) {
        return Instant.ofEpochSecond(Long.parseLong(text.strip()));
      }
    } catch (NumberFormatException | java.time.DateTimeException e) {
      throw rejected("The identity token's " + name + " is not a time");
    }
    if (value != null) {
      throw rejected("The identity token's " + name + " is not a time");
    }
    return null;
  }

  static JsonObject appContext(Map<String, Object> claims) {
    Object raw = claims.get("appctx");
    if (raw instanceof Map<?, ?> map) {
      raw = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(castMap(map));
    }
    if (!(raw instanceof String text)) {
      throw rejected("The identity token has no appctx");
    }
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw rejected("The identity token's appctx is not JSON");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> castMap(Map<?, ?> map) {
    return (Map<String, ?>) map;
  }

  private static URI metadataUri(String metadataUrl) {
    try {
      URI url = new URI(metadataUrl.strip());
      if (url.getHost() == null || url.getScheme() == null) {
        throw rejected("The identity token's amurl is not an absolute URL");
      }
      return url.normalize();
    } catch (URISyntaxException e) {
      throw rejected("The identity token's amurl is not a URL");
    }
  }

  private void verifySignature(SignedJWT jwt, X509Certificate certificate) {
    try {
      certificate.checkValidity(Date.from(clock.instant()));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw rejected("The Exchange signing certificate is expired or not yet valid");
    }
    if (!(certificate.getPublicKey() instanceof RSAPublicKey key)) {
      throw rejected("The Exchange signing certificate does not hold an RSA key");
    }
    try {
      if (!jwt.verify(new RSASSAVerifier(key))) {
        throw rejected("The identity token's signature does not verify");
      }
    } catch (JOSEException e) {
      throw rejected("The identity token's signature cannot be checked");
    }
  }
}
