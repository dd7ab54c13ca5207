package io.mailbridge.addin.control;

import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundResponse;
import io.mailbridge.platform.problem.NotAuthenticated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Exchange authentication metadata documents (the {@code amurl} of an identity token): fetched
 * through the outbound client under the allow-list, and cached for at least the minimum age (so a
 * flood of tokens with unknown key ids causes one fetch) and at most the maximum age, the most
 * recently used ones only. The caller of a sign-in learns only that a document was unusable, never
 * why: the {@code amurl} is the caller's choice, so the reason would tell which ports answer.
 */
@ApplicationScoped
public class AuthMetadataDocuments {

  private static final Logger LOG = Logger.getLogger(AuthMetadataDocuments.class.getName());
  private static final Pattern MAX_AGE = Pattern.compile("max-age\\s*=\\s*(\\d{1,10})");

  /** The one answer for every way a metadata document can fail to be fetched or read. */
  static final String UNUSABLE =
      "The Exchange authentication metadata named in the identity token could not be used";

  /** The token names the URL before it is verified: the metrics tell only success or failure. */
  private static final OutboundCall FETCH =
      new OutboundCall("exchange_metadata", "auth_metadata", true);

  @Inject OutboundHttp outbound;

  @Inject
  @ConfigProperty(name = "mailbridge.exchange.metadata.timeout", defaultValue = "PT5S")
  Duration timeout;

  @Inject
  @ConfigProperty(name = "mailbridge.exchange.metadata.max-bytes", defaultValue = "65536")
  long maxBytes;

  @Inject
  @ConfigProperty(name = "mailbridge.exchange.metadata.min-cache-age", defaultValue = "PT5M")
  Duration minAge;

  @Inject
  @ConfigProperty(name = "mailbridge.exchange.metadata.max-cache-age", defaultValue = "PT24H")
  Duration maxAge;

  @Inject
  @ConfigProperty(name = "mailbridge.exchange.metadata.cache-size", defaultValue = "100")
  int cacheSize;

  Clock clock = Clock.systemUTC();

  // Least recently used first; every amurl an allow-listed host answers for would stay otherwise.
  private final Map<String, Cached> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
          return size() > cacheSize;
        }
      };

  private record Cached(
      Map<String, X509Certificate> byThumbprint, Instant fetchedAt, Instant freshUntil) {}

  /** The signing certificate whose SHA-1 thumbprint (base64url) is {@code x5t}. */
  public X509Certificate signingCertificate(URI url, String x5t, OutboundPolicy policy) {
    Instant now = clock.instant();
    String key = url.toString();
    Cached cached;
    synchronized (cache) {
      cached = cache.get(key);
    }
    if (cached != null && now.isBefore(cached.freshUntil())) {
      X509Certificate known = cached.byThumbprint().get(x5t);
      // An unknown key may be a rollover: fetch again, but not more often than the minimum age.
      if (known != null || now.isBefore(cached.fetchedAt().plus(minAge))) {
        return require(known, url);
      }
    }
    Cached fresh = fetch(url, policy, now);
    synchronized (cache) {
      cache.put(key, fresh);
    }
    return require(fresh.byThumbprint().get(x5t), url);
  }

  private static X509Certificate require(X509Certificate certificate, URI url) {
    if (certificate == null) {
      throw rejected(
          "No signing key of the Exchange server "
              + url.getHost()
              + " matches the token's x5t thumbprint");
    }
    return certificate;
  }

  private Cached fetch(URI url, OutboundPolicy policy, Instant now) {
    try {
      OutboundResponse response =
          outbound.get(
              FETCH,
              url,
              policy,
              new OutboundLimits(timeout, maxBytes, 3),
              Map.of("Accept", "application/json"));
      if (response.status() != 200) {
        throw new Unusable("it answered HTTP " + response.status());
      }
      Map<String, X509Certificate> certificates = parse(response.body());
      return new Cached(certificates, now, now.plus(cacheAge(response.header("Cache-Control"))));
    } catch (OutboundFailure | Unusable failure) {
      LOG.info(
          "The Exchange authentication metadata at "
              + url.getHost()
              + (url.getPort() == -1 ? "" : ":" + url.getPort())
              + " could not be used: "
              + failure.getMessage());
      throw rejected(UNUSABLE);
    }
  }

  /** Why a document that was fetched cannot be used; for the log only. */
  static final class Unusable extends Exception {
    Unusable(String message) {
      super(message, null, false, false);
    }
  }

  Duration cacheAge(String cacheControl) {
    Duration age = minAge;
    if (cacheControl != null) {
      Matcher m = MAX_AGE.matcher(cacheControl);
      if (m.find()) {
        age = Duration.ofSeconds(Long.parseLong(m.group(1)));
      }
    }
    if (age.compareTo(minAge) < 0) {
      return minAge;
    }
    return age.compareTo(maxAge) > 0 ? maxAge : age;
  }

  static Map<String, X509Certificate> parse(byte[] body) throws Unusable {
    JsonObject document;
    try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
      document = reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new Unusable("it is not a JSON object");
    }
    Map<String, X509Certificate> certificates = new HashMap<>();
    JsonValue keys = document.get("keys");
    if (keys == null || keys.getValueType() != JsonValue.ValueType.ARRAY) {
      throw new Unusable("it has no keys");
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (JsonValue value : keys.asJsonArray()) {
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
          continue;
        }
        JsonObject entry = value.asJsonObject();
        JsonObject keyValue = entry.getJsonObject("keyvalue");
        if (!"signing".equals(entry.getString("usage", null))
            || keyValue == null
            || !"x509Certificate".equals(keyValue.getString("type", null))
            || keyValue.getString("value", null) == null) {
          continue;
        }
        byte[] der = Base64.getMimeDecoder().decode(keyValue.getString("value"));
        X509Certificate certificate =
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        certificates.put(thumbprint(certificate), certificate);
      }
    } catch (CertificateException | ClassCastException | IllegalArgumentException e) {
      throw new Unusable("it holds a certificate that cannot be read");
    }
    // Any JSON with a "keys" array (a JWKS, say) gets this far: only signing certificates count.
    if (certificates.isEmpty()) {
      throw new Unusable("it has no signing certificate");
    }
    return certificates;
  }

  /** The base64url SHA-1 thumbprint of the certificate, as in a token's {@code x5t}. */
  static String thumbprint(X509Certificate certificate) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  static NotAuthenticated rejected(String message) {
    return new NotAuthenticated("invalid_identity_token", message);
  }
}
