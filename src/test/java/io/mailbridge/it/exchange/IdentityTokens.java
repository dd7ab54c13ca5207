package io.mailbridge.it.exchange;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Exchange identity tokens as Exchange on-premises issues them, signed by a test key. */
public final class IdentityTokens {

  private IdentityTokens() {}

  /** The claims of a valid token; tests change one thing at a time. */
  public static Map<String, Object> claims(
      String audience, String metadataUrl, String exchangeUserId) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", audience);
    claims.put("iss", "00000002-0000-0ff1-ce00-000000000000@127.0.0.1");
    claims.put("nbf", now - 60);
    claims.put("exp", now + 8 * 3600);
    claims.put("appctxsender", "00000002-0000-0ff1-ce00-000000000000@127.0.0.1");
    claims.put("isbrowserhostedapp", "true");
    claims.put(
        "appctx",
        "{\"msexchuid\":\""
            + exchangeUserId
            + "\",\"version\":\"ExIdTok.V1\",\"amurl\":\""
            + metadataUrl
            + "\"}");
    return claims;
  }

  public static String sign(Map<String, Object> claims, TestCertificates.SigningKey key) {
    return sign(claims, key, TestCertificates.thumbprint(key.certificate()));
  }

  /** Signed by {@code key} but naming the certificate with thumbprint {@code x5t}. */
  public static String sign(
      Map<String, Object> claims, TestCertificates.SigningKey key, String x5t) {
    try {
      JWSObject jws =
          new JWSObject(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .type(JOSEObjectType.JWT)
                  .x509CertThumbprint(new Base64URL(x5t))
                  .build(),
              new Payload(claims));
      jws.sign(new RSASSASigner(key.privateKey()));
      return jws.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}) with the same claims. */
  public static String unsigned(Map<String, Object> claims) {
    return Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")
        + "."
        + new Payload(claims).toBase64URL()
        + ".";
  }
}
