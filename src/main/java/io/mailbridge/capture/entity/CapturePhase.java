package io.mailbridge.capture.entity;

/** Where a mailbox's capture is in its life: reading the past, or following new changes. */
public enum CapturePhase {
  /** The first round of every folder's change feed (the backfill window) is not finished yet. */
  BACKFILLING,
  /** Every folder has finished its first round; later rounds read only what changed. */
  LIVE
}
