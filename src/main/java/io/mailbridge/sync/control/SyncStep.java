package io.mailbridge.sync.control;

import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.SyncPage;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.sync.entity.SyncUser;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

/** One step of one user's sync: the user's state, the mailbox it reaches, and what it counted. */
final class SyncStep {

  private static final Logger LOG = Logger.getLogger(SyncStep.class.getName());

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

  /**
   * The pull step's reading: pages of the mailbox's changes from {@code position}, each change
   * handed to {@code each} and the position kept after every page, until the round is complete
   * (then push) or {@code pages} were read (then a pull of its own). An expired position starts one
   * full round again: items are found by their pairs, so none is made twice.
   */
  <T> Optional<JobOutcome> pullPages(
      String position,
      int pages,
      Function<String, ? extends SyncPage<T>> read,
      Consumer<T> each,
      Consumer<String> keep) {
    boolean restarted = false;
    for (int page = 0; page < pages; page++) {
      SyncPage<T> changes;
      try {
        changes = read.apply(position);
      } catch (ChangePositionExpired expired) {
        if (restarted) {
          throw expired;
        }
        LOG.info(() -> "Sync of user " + state.id() + ": " + expired.getMessage());
        restarted = true;
        position = null;
        continue;
      }
      changes.changes().forEach(each);
      position = changes.next();
      keep.accept(position);
      if (changes.roundComplete()) {
        return Optional.of(JobOutcome.continueWith(state.id() + UserSyncJob.PUSH));
      }
    }
    return Optional.of(JobOutcome.continueWith(state.id() + UserSyncJob.PULL));
  }

  /** Notes an error the user should see; the step goes on with the next item. */
  void error(String reason) {
    state.errors(SyncErrors.add(state.errors(), clock.instant(), reason), clock.instant());
  }
}
