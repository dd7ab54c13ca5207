package io.mailbridge.capture.entity;

/** The health of one mailbox's capture, as its owner and admins see it. */
public enum CaptureState {
  /** Capture is switched off for this mailbox. */
  OFF,
  /** Reading the backfill window; counters say how far. */
  BACKFILLING,
  /** Following changes, pushed by the provider. */
  LIVE,
  /**
   * Following changes by polling, because the provider cannot push to Mailbridge (no public URL,
   * the URL unreachable, no Pub/Sub topic); {@code reason} says why.
   */
  POLLING,
  /** The provider asked to wait; {@code throttledUntil} says until when. */
  THROTTLED,
  /** The mailbox's owner must connect it again before capture can go on. */
  REAUTH_REQUIRED,
  /** Capture stopped on a failure a person must look at; {@code reason} says which. */
  ERROR,
  /**
   * Its runs keep failing, or sync requests keep arriving while no page is read; {@code reason}
   * says which. Leaves this state by itself with the next page read.
   */
  STALLED
}
