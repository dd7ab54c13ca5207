package io.mailbridge.addin.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.mailbridge.mailbox.control.ExchangeTokenMetadata;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundResponse;
import io.mailbridge.platform.outbound.control.OutboundTrust;
import io.mailbridge.platform.problem.DomainProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Map;

/**
 * The debug tool's check of an identity token's authentication metadata: unlike a sign-in, which
 * says only that the metadata was unusable, an admin is told which part failed and what to do. The
 * token's signature is checked against the certificate found, but the token is not accepted for
 * anything (audience and lifetime are the sign-in's business).
 */
@ApplicationScoped
public class AuthMetadataCheck implements ExchangeTokenMetadata {

  private static final OutboundCall FETCH =
      new OutboundCall("exchange_metadata", "diagnose_metadata", true);
  private static final String PATH_FIX =
      "Exchange serves it at https://<host>/autodiscover/metadata/json/1 without"
          + " authentication; check the Autodiscover virtual directory allows anonymous access";

  @Inject OutboundHttp outbound;

  Clock clock = Clock.systemUTC();

  @Override
  public Finding check(String identityToken, OutboundPolicy policy, OutboundTrust trust) {
    SignedJWT jwt;
    URI url;
    try {
      jwt = SignedJWT.parse(identityToken.strip());
      Map<String, Object> claims = jwt.getPayload().toJSONObject();
      if (claims == null) {
        return red("The identity token's payload is not a JSON object", tokenFix());
      }
      JsonObject context = ExchangeIdentityTokens.appContext(claims);
      String amurl = context.getString("amurl", null);
      if (amurl == null) {
        return red("The identity token names no metadata URL (amurl)", tokenFix());
      }
      url = new URI(amurl.strip()).normalize();
      if (url.getHost() == null) {
        return red("The token's amurl is not an absolute URL: " + amurl, tokenFix());
      }
    } catch (ParseException | URISyntaxException | RuntimeException e) {
      return red(
          "The identity token cannot be read"
              + (e instanceof DomainProblem problem ? ": " + problem.getMessage() : ""),
          tokenFix());
    }
    if (jwt.getHeader().getX509CertThumbprint() == null) {
      return red("The identity token names no signing certificate (x5t)", tokenFix());
    }
    OutboundResponse response;
    try {
      response =
          outbound.get(
              FETCH,
              url,
              policy,
              new OutboundLimits(Duration.ofSeconds(10), 65_536, 3),
              Map.of("Accept", "application/json"),
              trust);
    } catch (OutboundFailure failure) {
      return red(
          "The metadata URL " + url + " could not be fetched: " + failure.getMessage(),
          failure.reason() == OutboundFailure.Reason.REFUSED
              ? "Add the host of the amurl to the Exchange allow-list (it is usually the"
                  + " Exchange server itself)"
              : failure.certificateProblem() != null
                  ? "Add the CA of Exchange's certificate to caBundlePem of the Exchange"
                      + " connection, or fix the certificate"
                  : PATH_FIX);
    }
    if (response.status() != 200) {
      return red(
          "The metadata URL " + url + " answered HTTP " + response.status(),
          response.status() == 401 || response.status() == 403
              ? PATH_FIX
              : "Check the amurl Exchange puts in tokens (Get-AuthConfig / Get-PartnerApplication)");
    }
    Map<String, X509Certificate> certificates;
    try {
      certificates = AuthMetadataDocuments.parse(response.body());
    } catch (AuthMetadataDocuments.Unusable unusable) {
      return red(
          "The document at "
              + url
              + " is not Exchange authentication metadata: "
              + unusable.getMessage(),
          "Check that the amurl points at Exchange's /autodiscover/metadata/json/1");
    }
    String x5t = jwt.getHeader().getX509CertThumbprint().toString();
    X509Certificate certificate = certificates.get(x5t);
    if (certificate == null) {
      return red(
          "None of the "
              + certificates.size()
              + " signing certificate(s) at "
              + url
              + " matches the token's x5t "
              + x5t,
          "Exchange signs with its auth certificate (Get-AuthConfig); after renewing it, publish"
              + " it with Set-AuthConfig -PublishCertificate and restart the web services");
    }
    try {
      certificate.checkValidity(Date.from(clock.instant()));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      return red(
          "The signing certificate "
              + certificate.getSubjectX500Principal().getName()
              + " is expired or not yet valid (until "
              + certificate.getNotAfter().toInstant()
              + ")",
          "Renew Exchange's auth certificate (New-ExchangeCertificate, Set-AuthConfig)");
    }
    try {
      if (!(certificate.getPublicKey() instanceof RSAPublicKey key)
          || !jwt.verify(new RSASSAVerifier(key))) {
        return red(
            "The token's signature does not verify with the certificate " + x5t,
            "The token was not signed by this Exchange server");
      }
    } catch (JOSEException e) {
      return red("The token's signature cannot be checked", tokenFix());
    }
    return new Finding(
        true,
        "The metadata at "
            + url
            + " is reachable without authentication, has "
            + certificates.size()
            + " signing certificate(s), one of which ("
            + certificate.getSubjectX500Principal().getName()
            + ", valid until "
            + certificate.getNotAfter().toInstant()
            + ") matches the token's x5t and verifies its signature",
        null);
  }

  private static Finding red(String detail, String fix) {
    return new Finding(false, detail, fix);
  }

  private static String tokenFix() {
    return "Paste the token getUserIdentityTokenAsync gave the add-in, unchanged";
  }
}
