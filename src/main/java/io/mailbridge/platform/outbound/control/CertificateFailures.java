package io.mailbridge.platform.outbound.control;

import io.mailbridge.platform.outbound.control.OutboundFailure.CertificateProblem;
import io.mailbridge.platform.outbound.control.OutboundFailure.Reason;
import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Turns a failed TLS handshake into words an admin can act on: expired, not yet valid, issued for
 * another host name, or issued by an authority this server does not trust.
 */
final class CertificateFailures {

  private CertificateFailures() {}

  /** The failure for this exception when a certificate caused it, else null. */
  static OutboundFailure of(URI uri, Throwable e) {
    if (!isTls(e)) {
      return null;
    }
    String host = uri.getHost();
    CertificateProblem problem = classify(e);
    String words =
        switch (problem) {
          case EXPIRED ->
              "The TLS certificate of " + host + " (or of a CA in its chain) has expired";
          case NOT_YET_VALID -> "The TLS certificate of " + host + " is not valid yet";
          case WRONG_HOST ->
              "The TLS certificate of " + host + " is issued for another host name (wrong name)";
          case UNKNOWN_ISSUER ->
              "The TLS certificate of "
                  + host
                  + " is issued by an unknown authority (unknown issuer): it chains to no CA this"
                  + " server trusts";
          case OTHER -> "The TLS handshake with " + host + " failed";
        };
    return new OutboundFailure(Reason.FAILED, words, problem);
  }

  private static boolean isTls(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  static CertificateProblem classify(Throwable e) {
    CertificateProblem found = CertificateProblem.OTHER;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return CertificateProblem.EXPIRED;
      }
      if (t instanceof CertificateNotYetValidException) {
        return CertificateProblem.NOT_YET_VALID;
      }
      if (t instanceof SSLPeerUnverifiedException
          || (t.getMessage() != null && t.getMessage().startsWith("Hostname "))) {
        // OkHttp's host-name check, or the JDK's endpoint identification.
        found = CertificateProblem.WRONG_HOST;
      } else if (t instanceof java.security.cert.CertificateException
          && t.getMessage() != null
          && t.getMessage().startsWith("No subject alternative")) {
        found = CertificateProblem.WRONG_HOST;
      } else if (t instanceof CertPathValidatorException validator
          && validator.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
        return CertificateProblem.EXPIRED;
      } else if (t instanceof CertPathValidatorException validator
          && validator.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
        return CertificateProblem.NOT_YET_VALID;
      } else if (t instanceof CertPathBuilderException && found == CertificateProblem.OTHER) {
        found = CertificateProblem.UNKNOWN_ISSUER;
      }
    }
    return found;
  }
}
