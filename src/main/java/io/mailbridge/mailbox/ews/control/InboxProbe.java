package io.mailbridge.mailbox.ews.control;

import io.mailbridge.platform.outbound.control.OutboundFailure;
import java.time.Duration;

/**
 * What one GetFolder Inbox call answered: success with the server's version, or the error code, the
 * back-off of a busy server, the HTTP status and a message in words.
 *
 * @param backoff the server's {@code BackOffMilliseconds} when it answered {@code ErrorServerBusy},
 *     else null
 */
record InboxProbe(
    boolean ok,
    String serverVersion,
    Integer inboxItems,
    String errorCode,
    Duration backoff,
    String message,
    int httpStatus,
    OutboundFailure.Reason transportReason,
    OutboundFailure.CertificateProblem certificateProblem) {

  static InboxProbe succeeded(String serverVersion, Integer inboxItems) {
    return new InboxProbe(true, serverVersion, inboxItems, null, null, null, 200, null, null);
  }

  static InboxProbe failed(String code, Duration backoff, String message, int httpStatus) {
    return new InboxProbe(false, null, null, code, backoff, message, httpStatus, null, null);
  }

  static InboxProbe transport(EwsTransportFailure failure) {
    return new InboxProbe(
        false,
        null,
        null,
        null,
        null,
        failure.getMessage(),
        failure.httpStatus(),
        failure.reason(),
        failure.certificateProblem());
  }

  InboxProbe withVersion(String version) {
    return new InboxProbe(
        ok,
        version,
        inboxItems,
        errorCode,
        backoff,
        message,
        httpStatus,
        transportReason,
        certificateProblem);
  }

  boolean busy() {
    return "ErrorServerBusy".equals(errorCode);
  }
}
