package io.mailbridge.sync.control;

import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.sync.entity.SyncUser;
import java.time.Clock;

/** One step of one user's sync: the user's state, the mailbox it reaches, and what it counted. */
final class SyncStep {

  final SyncUser state;
  final SyncChoice choice;
  final ConnectedMailbox mailbox;
  final MailboxAccess access;
  final Clock clock;
  int in;
  int out;
  int conflicts;

  SyncStep(
      SyncUser state,
      SyncChoice choice,
      ConnectedMailbox mailbox,
      MailboxAccess access,
      Clock clock) {
    this.state = state;
    this.choice = choice;
    this.mailbox = mailbox;
    this.access = access;
    this.clock = clock;
  }

  /** Notes an error the user should see; the step goes on with the next item. */
  void error(String reason) {
    state.errors(SyncErrors.add(state.errors(), clock.instant(), reason), clock.instant());
  }
}
