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

  private final Reason reason;

  public OutboundFailure(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
