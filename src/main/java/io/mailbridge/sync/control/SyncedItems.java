package io.mailbridge.sync.control;

import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.sync.entity.SyncDirection;
import io.mailbridge.sync.entity.SyncLink;
import io.mailbridge.sync.entity.SyncUser;
import java.util.Optional;

/**
 * What one kind of synced item (contacts, events) brings to a user's sync job: its setting, the
 * mailbox kinds that keep such items, and its two steps. The job around them is {@link
 * UserSyncJob}'s.
 */
interface SyncedItems {

  /** Which pairs and which status counters are this kind's. */
  SyncLink.Item item();

  /** The items' name in messages: "contacts", "events". */
  String words();

  SyncDirection direction(SyncChoice choice);

  /** Whether a mailbox of this kind keeps such items (has a book for them). */
  boolean keptIn(MailboxKind kind);

  /** Readies the mailbox side before a step: contacts make their folder once. */
  default void prepare(SyncUser state, MailboxKind kind, MailboxAccess access) {}

  /** Reads the mailbox's changes from the stored position; a continuation while more follow. */
  Optional<JobOutcome> pull(SyncStep step);

  /** Sends the CRM's changes after the stored position; a continuation while more follow. */
  Optional<JobOutcome> push(SyncStep step);
}
