package io.mailbridge.sync.control;

import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxReauthRequired;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.RetryLater;
import io.mailbridge.platform.problem.ActionRequired;
import io.mailbridge.platform.problem.Busy;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.TooManyRequests;
import io.mailbridge.sync.entity.SyncDirection;
import io.mailbridge.sync.entity.SyncUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A user's sync job for one kind of item, the same for contacts and events: the payload names the
 * user and the step ({@code |pull}, {@code |push}; none: a new round, which pulls first), the
 * user's lease keeps a second node out, the mailbox is the one synced last time while it is still
 * reachable (another one starts over: its folder and feeds are new, so are the pairs), and what
 * ends a run early is said in the user's status: a mailbox to connect again, a provider asking to
 * wait, a failure.
 */
@ApplicationScoped
public class UserSyncJob {

  static final String PUSH = "|push";
  static final String PULL = "|pull";
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

  @PersistenceContext EntityManager em;
  @Inject JobStore jobs;
  @Inject SyncLeases leases;
  @Inject OrgSyncSettings settings;
  @Inject SyncMailboxes mailboxes;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.lease", defaultValue = "PT5M")
  Duration lease;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.busy-wait", defaultValue = "PT30S")
  Duration busyWait;

  Clock clock = Clock.systemUTC();

  /** Runs one step of {@code job} for {@code items}. */
  JobOutcome run(ClaimedJob job, SyncedItems items) throws Exception {
    String payload = job.payload();
    boolean push = payload.endsWith(PUSH);
    boolean pulling = payload.endsWith(PULL);
    String userId =
        push || pulling ? payload.substring(0, payload.length() - PUSH.length()) : payload;
    String orgId = job.orgId();
    if (!push && !pulling) {
      // From here on a new request queues a job of its own instead of being swallowed by this
      // one, which may already have read past the change it announces.
      jobs.releaseDedupKey(job.id());
    }
    SyncChoice choice = settings.of(orgId);
    SyncDirection direction = items.direction(choice);
    if (!direction.toMail() && !direction.toCrm()) {
      return JobOutcome.done();
    }
    leases.ensure(orgId, userId);
    String owner = job.leaseOwner() + "/" + job.id();
    boolean taken;
    try {
      taken = leases.take(userId, owner, lease);
    } catch (RuntimeException locked) {
      // The row is locked by the run that holds the lease (a database with a lock time-out).
      taken = false;
    }
    if (!taken) {
      // Another run holds the user (the user's other kind of sync, or the same kind on another
      // node): this job goes on as soon as that run ends, and after busyWait at the latest,
      // should its end go unnoticed (its node died); no attempt is used up.
      Optional<String> holder = leases.holdingJob(userId);
      if (holder.isPresent() && !holder.get().equals(job.id())) {
        return JobOutcome.continueAfterRunOf(holder.get(), payload, busyWait);
      }
      throw new RetryLater("Another node is syncing this user's " + items.words(), busyWait);
    }
    try {
      SyncUser state = em.find(SyncUser.class, userId);
      Optional<JobOutcome> outcome = step(state, choice, items, push);
      state.release();
      return outcome.orElseGet(JobOutcome::done);
    } catch (MailboxReauthRequired reauth) {
      leases.release(userId, owner);
      leases.failed(userId, "The mailbox must be connected again");
      return JobOutcome.done();
    } catch (ActionRequired refused) {
      // A consent or an authorization the org's admin must give: trying again on its own does
      // not help, so the timer's next round tries after the retry pause.
      leases.release(userId, owner);
      leases.failed(userId, refused.getMessage());
      return JobOutcome.done();
    } catch (Busy | TooManyRequests busy) {
      leases.release(userId, owner);
      Duration wait = busy.retryAfter() == null ? DEFAULT_WAIT : busy.retryAfter();
      throw new RetryLater("The mail provider asked " + items.words() + " sync to wait", wait);
    } catch (RuntimeException e) {
      leases.release(userId, owner);
      leases.failed(
          userId,
          e instanceof DomainProblem
              ? e.getMessage()
              : "Sync of " + items.words() + " failed unexpectedly; it tries again");
      throw e;
    }
  }

  private Optional<JobOutcome> step(
      SyncUser state, SyncChoice choice, SyncedItems items, boolean push) {
    Instant now = clock.instant();
    Optional<ConnectedMailbox> found = mailboxes.chosen(state, items::keptIn);
    if (found.isEmpty()) {
      state.errors(
          SyncErrors.add(
              state.errors(), now, "No Microsoft 365, Google or Exchange mailbox is connected"),
          now);
      return Optional.empty();
    }
    ConnectedMailbox mailbox = found.get();
    if (mailbox.reauthRequired()) {
      state.errors(SyncErrors.add(state.errors(), now, reconnect(mailbox.kind())), now);
      return Optional.empty();
    }
    if (!mailbox.id().equals(state.mailboxId())) {
      // Another mailbox than last time: its folder and feeds are new, so are the pairs.
      em.createQuery("DELETE FROM SyncLink l WHERE l.userId = :user")
          .setParameter("user", state.id())
          .executeUpdate();
      state.useMailbox(mailbox.id(), now);
    }
    MailboxAccess access = mailboxes.access(state, mailbox);
    items.prepare(state, mailbox.kind(), access);
    SyncStep step = new SyncStep(state, choice, mailbox, access, clock);
    Optional<JobOutcome> outcome = push ? items.push(step) : items.pull(step);
    state.counted(items.item(), step.in, step.out, step.conflicts, clock.instant());
    if (outcome.isEmpty()) {
      state.synced(items.item(), clock.instant());
    }
    return outcome;
  }

  private static String reconnect(MailboxKind kind) {
    return switch (kind) {
      case GMAIL -> "The Google mailbox must be connected again";
      case EXCHANGE -> "The Exchange mailbox cannot be reached with the org's service account";
      default -> "The Microsoft 365 mailbox must be connected again";
    };
  }
}
