package io.mailbridge.productivity.entity;

/** Where a scheduled send is in its life. */
public enum ScheduledSendState {
  /** Waiting for its time, or for its next attempt after a failure that may pass. */
  SCHEDULED,
  /** A job is sending it now (or was, on a node that died: the job goes on from here). */
  SENDING,
  /** In the mailbox's Sent Items. */
  SENT,
  /** Not sent, and Mailbridge stopped trying; {@code failureReason} says why. */
  FAILED,
  /** Cancelled by its owner before it was sent. */
  CANCELLED
}
