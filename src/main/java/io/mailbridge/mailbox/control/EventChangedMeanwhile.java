package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.Conflict;

/**
 * An event changed in the calendar after sync last read it (Graph's or Google's 412 on {@code
 * If-Match}): nothing was written; the next read of the calendar brings the change to merge.
 */
public class EventChangedMeanwhile extends Conflict {
  public EventChangedMeanwhile() {
    super("event_changed", "The event changed in the calendar since Mailbridge read it");
  }
}
