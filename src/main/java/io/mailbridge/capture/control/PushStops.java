package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.mailbox.control.ChangeFeed;
import io.mailbridge.mailbox.control.ChangeFeeds;
import io.mailbridge.mailbox.control.PushChannel;
import io.mailbridge.platform.problem.DomainProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Stops a mailbox's push channel at its provider when its capture ends (Graph deletes the
 * subscription, Gmail stops the watch), so the provider stops calling Mailbridge about it at once.
 * Best-effort: a provider that cannot be reached or refuses leaves a channel that ends by itself
 * (Graph's within days, Gmail's within a week), and the notifications it sends meanwhile queue
 * nothing for a mailbox that is off; so a failure is logged at INFO and never stops the switch-off
 * or the disconnect. It runs outside the caller's transaction, so that a failure inside the token
 * or provider code cannot mark it for rollback.
 */
@ApplicationScoped
public class PushStops {

  private static final Logger LOG = Logger.getLogger(PushStops.class.getName());

  @Inject CaptureTargets targets;
  @Inject ChangeFeeds feeds;

  /** Stops the channel {@code cursor} notes, if any; answers whether the provider confirmed. */
  @Transactional(Transactional.TxType.NOT_SUPPORTED)
  public boolean stop(CaptureCursor cursor) {
    if (cursor.subscriptionId() == null) {
      return false;
    }
    String mailboxId = cursor.mailboxId();
    try {
      CaptureTargets.Target target = targets.of(cursor);
      if (target.gone() != null) {
        LOG.info(
            () ->
                "Capture of mailbox "
                    + mailboxId
                    + ": its push channel was left to end by itself ("
                    + target.gone()
                    + ")");
        return false;
      }
      Optional<ChangeFeed> feed = feeds.of(target.mailbox().kind());
      if (feed.isEmpty()) {
        return false;
      }
      feed.get()
          .unsubscribe(
              targets.access(target),
              new PushChannel(cursor.subscriptionId(), cursor.subscriptionExpiresAt()));
      LOG.info(() -> "Capture of mailbox " + mailboxId + ": its push channel was stopped");
      return true;
    } catch (DomainProblem problem) {
      LOG.info(
          () ->
              "Capture of mailbox "
                  + mailboxId
                  + ": stopping its push channel failed ("
                  + problem.code()
                  + ": "
                  + problem.getMessage()
                  + "); it ends by itself, and its notifications change nothing meanwhile");
    } catch (RuntimeException e) {
      LOG.info(
          () ->
              "Capture of mailbox "
                  + mailboxId
                  + ": stopping its push channel failed ("
                  + e.getClass().getSimpleName()
                  + "); it ends by itself, and its notifications change nothing meanwhile");
    }
    return false;
  }
}
