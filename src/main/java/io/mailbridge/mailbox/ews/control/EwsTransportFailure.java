package io.mailbridge.mailbox.ews.control;

import io.mailbridge.platform.outbound.control.OutboundFailure;
import jakarta.xml.ws.WebServiceException;

/**
 * An EWS call that failed below SOAP: refused destination, HTTP error, oversized or unsafe answer.
 */
class EwsTransportFailure extends WebServiceException {

  private final int httpStatus;
  private final OutboundFailure.Reason reason;
  private final OutboundFailure.CertificateProblem certificateProblem;

  EwsTransportFailure(OutboundFailure.Reason reason, int httpStatus, String message) {
    this(reason, httpStatus, message, null);
  }

  EwsTransportFailure(
      OutboundFailure.Reason reason,
      int httpStatus,
      String message,
      OutboundFailure.CertificateProblem certificateProblem) {
    super(message);
    this.reason = reason;
    this.httpStatus = httpStatus;
    this.certificateProblem = certificateProblem;
  }

  /** The certificate problem that failed the TLS handshake, or null. */
  OutboundFailure.CertificateProblem certificateProblem() {
    return certificateProblem;
  }

  /** The HTTP status Exchange answered, or 0 when no answer was read. */
  int httpStatus() {
    return httpStatus;
  }

  OutboundFailure.Reason reason() {
    return reason;
  }
}
