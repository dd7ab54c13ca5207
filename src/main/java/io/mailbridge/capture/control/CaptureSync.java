package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CapturePhase;
import io.mailbridge.capture.entity.CaptureState;
import io.mailbridge.mailbox.control.AppAccessRefused;
import io.mailbridge.mailbox.control.ChangeFeed;
import io.mailbridge.mailbox.control.ChangeFeeds;
import io.mailbridge.mailbox.control.ChangePage;
import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.FolderUnreadable;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxQuotaSpent;
import io.mailbridge.mailbox.control.MailboxQuotas;
import io.mailbridge.mailbox.control.MailboxReauthRequired;
import io.mailbridge.mailbox.control.PacedLimit;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.PushChannel;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.RetryLater;
import io.mailbridge.platform.problem.Busy;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.problem.TooManyRequests;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The "sync this mailbox" job: one page of one folder per run, read from the position stored in the
 * mailbox's {@link CaptureCursor} and written back with it in the run's transaction, so a restart
 * resumes exactly where the last committed page ended and a repeated or late request changes
 * nothing. A new job marks every folder due (the backfill's first round, or the changes since the
 * last round); the job continues with a run per page until no folder is due. A calendar is one of a
 * feed's folders (Graph's primary calendar), so meetings follow the same cursor and jobs.
 */
@ApplicationScoped
public class CaptureSync implements JobHandler {

  private static final Logger LOG = Logger.getLogger(CaptureSync.class.getName());
  static final String CONTINUING = "|round";
  private static final String RECONNECT =
      "The provider ended Mailbridge's access to this mailbox; its owner must connect it again"
          + " and switch capture on again";
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
  private static final Duration OVERLAP_WAIT = Duration.ofSeconds(10);

  @PersistenceContext EntityManager em;
  @Inject JobStore jobs;
  @Inject CaptureTargets targets;
  @Inject ChangeFeeds feeds;
  @Inject OrgCaptureSettings settings;
  @Inject UserExclusions exclusions;
  @Inject CapturePipeline pipeline;
  @Inject CaptureTroubles troubles;
  @Inject CaptureStalls stalls;
  @Inject CaptureHealthChanges healthChanges;
  @Inject AuditLog audit;
  @Inject CalendarChannels calendarChannels;
  @Inject MailboxQuotas quotas;

  @Inject MailbridgeSettings publicUrl;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.push.enabled", defaultValue = "true")
  boolean pushEnabled;

  // Graph allows up to 10 080 minutes for Outlook messages without resource data.
  @Inject
  @ConfigProperty(name = "mailbridge.capture.push.lifetime", defaultValue = "PT72H")
  Duration pushLifetime;

  /** How long a mailbox without push is polled before subscribing is tried again. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.push.retry-after", defaultValue = "PT1H")
  Duration pushRetryAfter;

  static final String NOTIFICATION_PATH = "/api/notify/graph";

  Clock clock = Clock.systemUTC();

  @Override
  public String kind() {
    return CaptureJobs.SYNC;
  }

  @Override
  public JobOutcome run(ClaimedJob job) throws Exception {
    boolean continuing = job.payload().endsWith(CONTINUING);
    String mailboxId =
        continuing
            ? job.payload().substring(0, job.payload().length() - CONTINUING.length())
            : job.payload();
    Optional<String> earlierRun =
        jobs.runClaimedEarlierElsewhere(job, List.of(mailboxId, mailboxId + CONTINUING));
    if (earlierRun.isPresent()) {
      // Another run is reading this mailbox (a backfill page can take a while, and a poll or a
      // notification may queue a request meanwhile): two runs on one cursor would read the same
      // position twice. This one keeps its place, and a new request its dedup key so later
      // requests join it, and starts once that run has committed its page.
      return JobOutcome.continueAfterRunOf(earlierRun.get(), job.payload(), OVERLAP_WAIT);
    }
    if (!continuing) {
      // From here on a new request for this mailbox queues a job of its own instead of being
      // swallowed by this one, which may already have read past the change it announces.
      jobs.releaseDedupKey(job.id());
    }
    CaptureCursor cursor = em.find(CaptureCursor.class, mailboxId);
    if (cursor == null || !cursor.enabled()) {
      return JobOutcome.done(); // switched off since: stop at once
    }
    CaptureHealthChanges.Before before = CaptureHealthChanges.Before.of(cursor);
    try {
      return run(job, cursor, mailboxId, continuing);
    } finally {
      healthChanges.said(cursor, before);
    }
  }

  private JobOutcome run(ClaimedJob job, CaptureCursor cursor, String mailboxId, boolean continuing)
      throws RetryLater {
    Instant now = clock.instant();
    CaptureTargets.Target target = targets.of(cursor);
    if (target.gone() != null) {
      cursor.switchOff(now);
      cursor.stopped(CaptureState.OFF, target.gone(), now);
      return JobOutcome.done();
    }
    ConnectedMailbox mailbox = target.mailbox();
    if (mailbox.reauthRequired()) {
      cursor.stopped(CaptureState.REAUTH_REQUIRED, RECONNECT, now);
      return JobOutcome.done();
    }
    Optional<ChangeFeed> found = feeds.of(mailbox.kind());
    if (found.isEmpty()) {
      cursor.stopped(CaptureState.ERROR, "Capture cannot follow this kind of mailbox yet", now);
      return JobOutcome.done();
    }
    ChangeFeed feed = found.get();
    CursorPositions positions = CursorPositions.parse(cursor.positionsJson(), feed.folders());
    if (!continuing) {
      positions.startRound();
    }
    Optional<String> due = positions.nextDue();
    if (due.isEmpty()) {
      return JobOutcome.done();
    }
    String folder = due.get();
    CaptureRules rules = settings.of(cursor.orgId());
    CaptureExclusions own = exclusions.of(cursor.orgId(), target.person());
    MailboxAccess access = null;
    try {
      access = targets.access(target);
      Duration paced = feed.paceWait(access, folder);
      if (!paced.isZero() && !paced.isNegative()) {
        // The mailbox's budget has no room for a page: the run ends without holding a worker, and
        // goes on when the budget frees; no attempt is used up, other mailboxes are not touched.
        quotas.deferred(feed.limitOf(folder));
        return pacedUntil(cursor, job, feed.limitOf(folder), paced);
      }
      if (cursor.phase() == CapturePhase.BACKFILLING && cursor.backfillTotal() == null) {
        estimate(cursor, feed, access);
      }
      String before = positions.folder(folder).position();
      ChangePage page = feed.page(access, folder, before, cursor.backfillSince());
      CapturePipeline.PageResult result =
          pipeline.capture(mailbox, access, feed, rules, own, page.changes());
      if (CaptureStalls.positionStuck(before, page.changes(), page.next())) {
        // What the page held is stored (idempotently); reading on would only loop.
        stalls.failed(cursor, CaptureStalls.POSITION_STUCK, clock.instant());
        return JobOutcome.done();
      }
      positions.advance(folder, page.next(), page.roundComplete());
      cursor.advanced(
          positions.toJson(),
          positions.allBackfilled(),
          result.seen(),
          result.captured(),
          result.skipped(),
          !page.changes().isEmpty(),
          clock.instant());
    } catch (ChangePositionExpired expired) {
      // The window is read again; the store finds what it already has, so no duplicates. The
      // log line, the audit entry and health say the same, so one sees why a folder is read again.
      String resync = "Folder " + folder + " is read again: " + expired.getMessage();
      LOG.info(() -> "Capture of mailbox " + mailboxId + ": " + resync);
      audit.record(cursor.orgId(), null, "capture.resync", mailboxId, "ok", resync);
      cursor.resynced(resync, clock.instant());
      positions.restart(folder);
      cursor.advanced(positions.toJson(), false, 0, 0, 0, false, clock.instant());
    } catch (FolderUnreadable unreadable) {
      // One folder refused (the calendar without Calendars.Read): the others are captured still.
      LOG.info(() -> "Capture of mailbox " + mailboxId + ": " + unreadable.getMessage());
      positions.skip(folder);
      cursor.advanced(
          positions.toJson(), positions.allBackfilled(), 0, 0, 0, false, clock.instant());
    } catch (AppAccessRefused refused) {
      // Org-wide capture: the app's token was refused. Said in health; the poll looks again
      // after its interval, and the refusal is held meanwhile, so there is no storm at Entra.
      cursor.stopped(CaptureState.ERROR, refused.getMessage(), clock.instant());
      return JobOutcome.done();
    } catch (MailboxReauthRequired reauth) {
      cursor.stopped(CaptureState.REAUTH_REQUIRED, RECONNECT, clock.instant());
      return JobOutcome.done();
    } catch (MailboxQuotaSpent spent) {
      // A call of the page found the budget spent for longer than it waits inline; nothing of it
      // was sent. The position stays where it was, so the page is read again then (idempotent).
      return pacedUntil(cursor, job, feed.limitOf(folder), spent.retryAfter());
    } catch (Busy | TooManyRequests busy) {
      Duration wait = busy.retryAfter() == null ? DEFAULT_WAIT : busy.retryAfter();
      troubles.throttled(mailboxId, clock.instant().plus(wait));
      throw new RetryLater("The provider asked capture of this mailbox to wait", wait);
    } catch (DomainProblem problem) {
      troubles.failed(mailboxId, problem.getMessage());
      throw problem;
    } catch (RuntimeException e) {
      troubles.failed(mailboxId, "Reading the mailbox failed unexpectedly; capture tries again");
      throw e;
    }
    if (positions.allBackfilled()) {
      keepPushOpen(cursor, feed, access);
      calendarChannels.keepOpen(cursor, mailbox.kind(), access);
    }
    return positions.anyDue() ? JobOutcome.continueWith(mailboxId + CONTINUING) : JobOutcome.done();
  }

  /** Ends the run until the mailbox's budget frees, shown in health as throttled until then. */
  private JobOutcome pacedUntil(
      CaptureCursor cursor, ClaimedJob job, PacedLimit limit, Duration wait) {
    Duration after =
        wait == null || wait.isZero() || wait.isNegative() ? Duration.ofSeconds(1) : wait;
    Instant until = clock.instant().plus(after);
    cursor.paced(
        until,
        "Mailbridge paces capture under "
            + (limit == null ? "the provider's limit" : limit.description())
            + "; the next page is read once the mailbox's budget frees",
        clock.instant());
    LOG.fine(() -> "Capture of mailbox " + cursor.mailboxId() + " paced until " + until);
    return JobOutcome.continueAfter(job.payload(), after);
  }

  /**
   * Notes the provider's count of what the backfill reads (each folder's, summed) when the backfill
   * starts, for percent and ETA in health; a provider that gives none, or refuses to, leaves them
   * unknown (-1), and the backfill goes on regardless.
   */
  private void estimate(CaptureCursor cursor, ChangeFeed feed, MailboxAccess access) {
    long total = 0;
    try {
      for (String folder : feed.folders()) {
        OptionalLong count = feed.estimate(access, folder, cursor.backfillSince());
        if (count.isEmpty()) {
          total = -1;
          break;
        }
        total += count.getAsLong();
      }
    } catch (ProviderRefused | NotFound unknown) {
      LOG.fine(() -> "No backfill estimate for mailbox " + cursor.mailboxId());
      total = -1;
    }
    cursor.estimated(total, clock.instant());
  }

  /**
   * Once live, asks the provider to push changes, renews the subscription when it is about to end
   * ({@link ChangeFeed#renewBefore}: Graph half a day ahead of its three days, Gmail daily) or when
   * the provider asked (Graph's {@code reauthorizationRequired}), and opens a new one when it was
   * removed. No separate renewal job: the next sync does it, and the poll makes sure one runs at
   * least every poll interval, far inside the renewal margin. A provider that cannot push to
   * Mailbridge (no public URL, URL unreachable, no Pub/Sub topic) leaves the mailbox {@code
   * polling} with the reason; subscribing is tried again after {@code
   * mailbridge.capture.push.retry-after}.
   */
  private void keepPushOpen(CaptureCursor cursor, ChangeFeed feed, MailboxAccess access) {
    Instant now = clock.instant();
    if (!pushEnabled) {
      if (cursor.noPushReason() == null) {
        cursor.noPush(
            "Push is switched off (mailbridge.capture.push.enabled=false); capture polls every"
                + " mailbridge.capture.poll-interval",
            now);
      }
      return;
    }
    boolean open = cursor.subscriptionId() != null;
    boolean endsSoon =
        open
            && (cursor.subscriptionExpiresAt() == null
                || !cursor.subscriptionExpiresAt().isAfter(now.plus(feed.renewBefore())));
    if (open && !endsSoon && !cursor.pushRenewDue()) {
      return;
    }
    if (!open
        && cursor.noPushAt() != null
        && cursor.noPushAt().isAfter(now.minus(pushRetryAfter))) {
      return; // polling: the provider is asked again later, not at every page
    }
    String url =
        publicUrl.value("mailbridge.public-url").isPresent()
            ? publicUrl.publicUrl() + NOTIFICATION_PATH
            : null;
    Instant until = now.plus(pushLifetime);
    try {
      PushChannel channel =
          open
              ? feed.renew(
                  access,
                  new PushChannel(cursor.subscriptionId(), cursor.subscriptionExpiresAt()),
                  url,
                  cursor.clientState(),
                  until)
              : feed.subscribe(access, url, cursor.clientState(), until);
      cursor.subscribed(channel.id(), channel.expiresAt(), now);
    } catch (MailboxQuotaSpent paced) {
      // Not the provider's refusal: the mailbox's budget is spent; the next sync tries again.
      LOG.fine(() -> "Capture of mailbox " + cursor.mailboxId() + ": push waits for its budget");
    } catch (DomainProblem problem) {
      if (open
          && cursor.subscriptionExpiresAt() != null
          && cursor.subscriptionExpiresAt().isAfter(now)) {
        // The subscription still runs: the next sync tries the renewal again.
        LOG.info(
            () ->
                "Capture of mailbox "
                    + cursor.mailboxId()
                    + ": renewing its push subscription failed ("
                    + problem.getMessage()
                    + "); the next sync tries again");
        return;
      }
      LOG.info(
          () ->
              "Capture of mailbox "
                  + cursor.mailboxId()
                  + " has no push subscription and is polled: "
                  + problem.getMessage());
      cursor.noPush(
          "The provider cannot push changes to Mailbridge, so capture polls every"
              + " mailbridge.capture.poll-interval: "
              + problem.getMessage(),
          now);
    }
  }
}
