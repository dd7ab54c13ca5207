package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.Conflict;

/**
 * A contact changed in the mailbox after sync last read it (Graph's 412 on {@code If-Match}):
 * nothing was written; the next read of the folder brings the change to merge.
 */
public class ContactChangedMeanwhile extends Conflict {
  public ContactChangedMeanwhile() {
    super("contact_changed", "The contact changed in the mailbox since Mailbridge read it");
  }
}
