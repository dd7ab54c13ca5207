package io.mailbridge.capture.control;

import io.mailbridge.mailbox.control.ImpersonatedMailboxes;
import io.mailbridge.mailbox.control.ImpersonatedMailboxes.CapturedUsers;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The job that makes the users of the org's Exchange connection its captured Exchange mailboxes,
 * queued in the transaction that saves the connection: the listed addresses, or ("linked") every
 * enabled CRM user of the org at the address they sign in with. New users start their backfill,
 * users no longer chosen stop at once; with "linked", creating, disabling or enabling a user reads
 * the choice again. A captured address that is a CRM user's owns its captured activities; any other
 * is owned by the admin who saved the connection.
 */
@ApplicationScoped
public class ExchangeUsers implements JobHandler {

  public static final String KIND = "capture.exchange-users";
  private static final int PAGE = 500;

  @Inject ImpersonatedMailboxes exchange;
  @Inject OrgWideCapture orgWide;
  @Inject Users users;
  @Inject JobStore jobs;

  Clock clock = Clock.systemUTC();

  @Override
  public String kind() {
    return KIND;
  }

  /** Queues a read of the org's choice (one waiting job per org however often asked). */
  void changed(@Observes ImpersonatedMailboxes.UsersChanged change) {
    jobs.enqueue(
        NewJob.of(KIND, change.orgId(), change.orgId() + "|" + change.actorUserId())
            .dedupedBy(KIND + ":" + change.orgId()));
  }

  /**
   * A user created, disabled or enabled changes who "linked" captures: queues the same read, run as
   * the admin who made the change (linked users own their mailboxes, so no owner is taken from it).
   */
  void accountChanged(@Observes Users.AccountChanged change) {
    if (change.actorUserId() != null
        && exchange.capturedUsers(change.orgId()).filter(CapturedUsers::linked).isPresent()) {
      changed(new ImpersonatedMailboxes.UsersChanged(change.orgId(), change.actorUserId()));
    }
  }

  @Override
  public JobOutcome run(ClaimedJob job) {
    String[] payload = job.payload().split("\\|", 2);
    String orgId = payload[0];
    String adminId = payload.length > 1 ? payload[1] : null;
    jobs.releaseDedupKey(job.id()); // a later change queues a read of its own
    Optional<CapturedUsers> chosen = exchange.capturedUsers(orgId);
    Map<String, OrgWideCapture.Listed> wanted = new LinkedHashMap<>();
    if (chosen.isPresent() && chosen.get().linked()) {
      String after = null;
      for (List<AppUser> page = users.page(orgId, null, PAGE);
          !page.isEmpty();
          page = users.page(orgId, after, PAGE)) {
        for (AppUser user : page) {
          if (!user.isDisabled()) {
            wanted.put(
                user.email().toLowerCase(Locale.ROOT),
                new OrgWideCapture.Listed(user.email().toLowerCase(Locale.ROOT), user.id()));
          }
        }
        after = page.get(page.size() - 1).id();
      }
    } else if (chosen.isPresent()) {
      for (String address : chosen.get().addresses()) {
        String owner =
            users
                .findByEmail(orgId, address)
                .filter(u -> !u.isDisabled())
                .map(AppUser::id)
                .orElse(null);
        wanted.put(address, new OrgWideCapture.Listed(address, owner));
      }
    }
    if (adminId == null && !wanted.isEmpty()) {
      throw new IllegalStateException("An Exchange users job without the admin who queued it");
    }
    orgWide.reconcile(orgId, MailboxKind.EXCHANGE, adminId, wanted, false, clock.instant());
    return JobOutcome.done();
  }
}
