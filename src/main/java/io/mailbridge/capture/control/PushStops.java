package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.mailbox.control.CalendarWatch;
import io.mailbridge.mailbox.control.ChangeFeed;
import io.mailbridge.mailbox.control.ChangeFeeds;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.PushChannel;
import io.mailbridge.platform.problem.DomainProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
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
  @Inject @Any Instance<CalendarWatch> calendarWatches;

  /**
   * Stops the channels {@code cursor} notes, if any (the mail's, and the calendar's where the
   * provider has one of its own); answers whether the provider confirmed every one.
   */
  @Transactional(Transactional.TxType.NOT_SUPPORTED)
  public boolean stop(CaptureCursor cursor) {
    if (!cursor.pushOpen()) {
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
      MailboxAccess access = targets.access(target);
      boolean stopped = true;
      if (cursor.subscriptionId() != null) {
        stopped &= stopMail(cursor, target, access);
      }
      if (cursor.calendarChannelId() != null) {
        stopped &= stopCalendar(cursor, target, access);
      }
      return stopped;
    } catch (RuntimeException e) {
      failed(mailboxId, e);
      return false;
    }
  }

  private boolean stopMail(
      CaptureCursor cursor, CaptureTargets.Target target, MailboxAccess access) {
    Optional<ChangeFeed> feed = feeds.of(target.mailbox().kind());
    if (feed.isEmpty()) {
      return false;
    }
    try {
      feed.get()
          .unsubscribe(
              access, new PushChannel(cursor.subscriptionId(), cursor.subscriptionExpiresAt()));
    } catch (RuntimeException e) {
      failed(cursor.mailboxId(), e);
      return false;
    }
    LOG.info(() -> "Capture of mailbox " + cursor.mailboxId() + ": its push channel was stopped");
    return true;
  }

  private boolean stopCalendar(
      CaptureCursor cursor, CaptureTargets.Target target, MailboxAccess access) {
    Optional<CalendarWatch> watch =
        calendarWatches.stream().filter(w -> w.kind() == target.mailbox().kind()).findFirst();
    if (watch.isEmpty()) {
      return false;
    }
    try {
      watch.get().stop(access, CalendarChannels.channelOf(cursor));
    } catch (RuntimeException e) {
      failed(cursor.mailboxId(), e);
      return false;
    }
    LOG.info(
        () ->
            "Capture of mailbox "
                + cursor.mailboxId()
                + ": its calendar's push channel was stopped");
    return true;
  }

  private static void failed(String mailboxId, Exception e) {
    String why =
        e instanceof DomainProblem problem
            ? problem.code() + ": " + problem.getMessage()
            : e.getClass().getSimpleName();
    LOG.info(
        () ->
            "Capture of mailbox "
                + mailboxId
                + ": stopping its push channel failed ("
                + why
                + "); it ends by itself, and its notifications change nothing meanwhile");
  }
}
