package io.mailbridge.mailbox.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.OpaqueTokens;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * How Mailbridge proves it is the org's app at a token endpoint: the client secret, or a JWT client
 * assertion (RFC 7523) signed with the app's certificate key, which Microsoft accepts in place of a
 * secret.
 */
@ApplicationScoped
public class ProviderCredentials {

  static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  Clock clock = Clock.systemUTC();

  /** The form fields that authenticate the client at this token endpoint. */
  public Map<String, String> clientAuthentication(ProviderApp app, String tokenEndpoint) {
    if (app.hasCertificate()) {
      return Map.of(
          "client_id",
          app.clientId(),
          "client_assertion_type",
          ASSERTION_TYPE,
          "client_assertion",
          clientAssertion(app, tokenEndpoint));
    }
    return Map.of("client_id", app.clientId(), "client_secret", app.clientSecret());
  }

  /** Checks that the key and certificate belong together and the certificate is valid now. */
  public void checkCertificate(String privateKeyPem, String certificatePem) {
    if (privateKeyPem == null || certificatePem == null) {
      throw new InvalidField("certificate", "needs both privateKeyPem and certificatePem");
    }
    X509Certificate certificate = certificate(certificatePem);
    PrivateKey key = privateKey(privateKeyPem);
    if (!(key instanceof RSAPrivateCrtKey rsa)
        || !(certificate.getPublicKey() instanceof RSAPublicKey pub)
        || !rsa.getModulus().equals(pub.getModulus())) {
      throw new InvalidField(
          "certificate", "the private key does not belong to the certificate (RSA keys only)");
    }
    try {
      certificate.checkValidity(Date.from(clock.instant()));
    } catch (GeneralSecurityException e) {
      throw new InvalidField("certificate", "the certificate is expired or not yet valid");
    }
  }

  @SuppressWarnings("deprecation") // x5t is deprecated in Nimbus but still what Entra reads
  private String clientAssertion(ProviderApp app, String audience) {
    X509Certificate certificate = certificate(app.certificatePem());
    PrivateKey key = privateKey(app.privateKeyPem());
    Instant now = clock.instant();
    try {
      byte[] der = certificate.getEncoded();
      JWSHeader header =
          new JWSHeader.Builder(JWSAlgorithm.RS256)
              // Microsoft reads x5t (SHA-1) with RS256; x5t#S256 is the newer spelling.
              .x509CertThumbprint(Base64URL.encode(MessageDigest.getInstance("SHA-1").digest(der)))
              .x509CertSHA256Thumbprint(
                  Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(der)))
              .build();
      JWTClaimsSet claims =
          new JWTClaimsSet.Builder()
              .issuer(app.clientId())
              .subject(app.clientId())
              .audience(List.of(audience))
              .jwtID(OpaqueTokens.next())
              .notBeforeTime(Date.from(now.minusSeconds(30)))
              .issueTime(Date.from(now))
              .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
              .build();
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException("Cannot sign the client assertion", e);
    }
  }

  /** The base64url SHA-256 thumbprint of a certificate, as admins see it in Entra. */
  public static String thumbprint(String certificatePem) {
    try {
      return Base64URL.encode(
              MessageDigest.getInstance("SHA-256").digest(certificate(certificatePem).getEncoded()))
          .toString();
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  private static X509Certificate certificate(String pem) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new ByteArrayInputStream(pem.strip().getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidField("certificatePem", "is not a PEM X.509 certificate");
    }
  }

  private static PrivateKey privateKey(String pem) {
    String body =
        pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidField(
          "privateKeyPem", "is not an unencrypted PKCS#8 RSA key (BEGIN PRIVATE KEY)");
    }
  }
}
