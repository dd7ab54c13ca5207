package io.mailbridge.platform.outbound.control;

/**
 * An outbound call that was refused before it was made, or failed while it ran. The message names
 * the host and the reason, never a credential or a body.
 */
public class OutboundFailure extends Exception {

  /** Why the call did not give a usable response. */
  public enum Reason {
    /** The destination is not allowed (host, scheme or address); nothing was sent to it. */
    REFUSED,
    /** The response was larger than the limit. */
    TOO_LARGE,
    /** The call did not finish within its time limit. */
    TIMEOUT,
    /** Network failure, or a redirect that could not be followed. */
    FAILED
  }

  /** What was wrong with a server's certificate, when that is why the call failed. */
  public enum CertificateProblem {
    EXPIRED,
    NOT_YET_VALID,
    WRONG_HOST,
    UNKNOWN_ISSUER,
    OTHER
  }

  private final Reason reason;
  private final CertificateProblem certificateProblem;

  public OutboundFailure(Reason reason, String message) {
    this(reason, message, null);
  }

  public OutboundFailure(Reason reason, String message, CertificateProblem certificateProblem) {
    super(message, null, false, false);
    this.reason = reason;
    this.certificateProblem = certificateProblem;
  }

  public Reason reason() {
    return reason;
  }

  /** The certificate problem that failed the TLS handshake, or null. */
  public CertificateProblem certificateProblem() {
    return certificateProblem;
  }
}
