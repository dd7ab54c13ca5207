package io.mailbridge.platform.outbound.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.platform.outbound.control.OutboundFailure.CertificateProblem;
import java.io.IOException;
import java.net.URI;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;

class CertificateFailuresTest {

  private static final URI EXCHANGE = URI.create("https://mail.contoso.example/EWS/Exchange.asmx");

  private static SSLHandshakeException handshake(Throwable cause) {
    SSLHandshakeException e = new SSLHandshakeException("PKIX path validation failed");
    e.initCause(cause);
    return e;
  }

  @Test
  void unknownIssuer() {
    OutboundFailure failure =
        CertificateFailures.of(
            EXCHANGE,
            handshake(
                new java.security.cert.CertPathBuilderException(
                    "unable to find valid certification path to requested target")));
    assertEquals(CertificateProblem.UNKNOWN_ISSUER, failure.certificateProblem());
    assertTrue(failure.getMessage().contains("unknown issuer"), failure.getMessage());
    assertTrue(failure.getMessage().contains("mail.contoso.example"), failure.getMessage());
  }

  @Test
  void expired() {
    CertPathValidatorException validator =
        new CertPathValidatorException(
            "validity check failed",
            new CertificateExpiredException("NotAfter: ..."),
            null,
            -1,
            CertPathValidatorException.BasicReason.EXPIRED);
    OutboundFailure failure = CertificateFailures.of(EXCHANGE, handshake(validator));
    assertEquals(CertificateProblem.EXPIRED, failure.certificateProblem());
    assertTrue(failure.getMessage().contains("expired"), failure.getMessage());
  }

  @Test
  void wrongHostName() {
    OutboundFailure failure =
        CertificateFailures.of(
            EXCHANGE,
            new SSLPeerUnverifiedException(
                "Hostname mail.contoso.example not verified: certificate: sha256/..."));
    assertEquals(CertificateProblem.WRONG_HOST, failure.certificateProblem());
    assertTrue(failure.getMessage().contains("wrong name"), failure.getMessage());
  }

  @Test
  void notATlsProblemIsLeftAlone() {
    assertNull(CertificateFailures.of(EXCHANGE, new IOException("Connection reset")));
  }
}
