package io.mailbridge.sync.control;

import io.mailbridge.crm.control.CrmEvents;
import io.mailbridge.crm.control.RecordChanges;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.ContactBooks;
import io.mailbridge.mailbox.control.EventBooks;
import io.mailbridge.mailbox.control.ImpersonatedMailboxes;
import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.SendingMailboxes;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.sync.entity.SyncDirection;
import io.mailbridge.sync.entity.SyncUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which users' contacts and events are due: every user with a connected mailbox of a kind contact
 * or event sync reaches (Microsoft 365, Google), covered by the org's Exchange connection or listed
 * org-wide for Microsoft 365 or Google Workspace, in an org whose contact or event sync is on, when
 * the last sync is older than the interval or a synced CRM record changed since the user's last
 * push. Queued jobs coalesce by user.
 */
@ApplicationScoped
public class SyncSchedule {

  private static final Logger LOG = Logger.getLogger(SyncSchedule.class.getName());
  private static final int PAGE = 200;

  @PersistenceContext EntityManager em;
  @Inject MailboxConnections connections;
  @Inject SyncJobs jobs;
  @Inject OrgSyncSettings settings;
  @Inject RecordChanges crm;
  @Inject ContactBooks books;
  @Inject EventBooks eventBooks;
  @Inject CrmEvents crmEvents;
  @Inject SendingMailboxes sending;
  @Inject Users users;
  @Inject Instance<ImpersonatedMailboxes> impersonated;
  @Inject SyncMailboxes mailboxes;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.interval", defaultValue = "PT15M")
  Duration interval;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.retry-pause", defaultValue = "PT5M")
  Duration retryPause;

  /** Queues the due users' jobs; answers how many were asked for. */
  public int queueDue(Instant now) {
    List<String> orgs =
        em.createQuery(
                "SELECT s.orgId FROM SyncSettings s WHERE s.contacts <> :off OR s.events <> :off",
                String.class)
            .setParameter("off", SyncDirection.OFF)
            .getResultList();
    int queued = 0;
    for (String orgId : orgs) {
      SyncChoice choice = settings.of(orgId);
      String after = null;
      while (true) {
        List<ConnectedMailbox> page = connections.describedPageOfOrg(orgId, after, PAGE);
        for (ConnectedMailbox mailbox : page) {
          queued +=
              queueIfDue(
                  orgId,
                  mailbox.userId(),
                  choice,
                  books.of(mailbox.kind()).isPresent(),
                  eventBooks.of(mailbox.kind()).isPresent(),
                  now);
        }
        if (page.size() < PAGE) {
          break;
        }
        after = page.get(page.size() - 1).id();
      }
      queued += queueExchangeUsers(orgId, choice, now);
      for (String userId : mailboxes.listedUsers(orgId)) {
        // Listed org-wide for Microsoft 365 or Google: both kinds keep contacts and events.
        queued += queueIfDue(orgId, userId, choice, true, true, now);
      }
    }
    return queued;
  }

  /** Queues the user's contact and event sync that are on, reach the mailbox and are due. */
  private int queueIfDue(
      String orgId,
      String userId,
      SyncChoice choice,
      boolean contactsReached,
      boolean eventsReached,
      Instant now) {
    int queued = 0;
    if (choice.contacts() != SyncDirection.OFF && contactsReached && due(userId, choice, now)) {
      try {
        jobs.requestContactSync(orgId, userId);
        queued++;
      } catch (RuntimeException raced) {
        LOG.log(Level.FINE, "Contact sync of a user not queued", raced);
      }
    }
    if (choice.events() != SyncDirection.OFF && eventsReached && eventsDue(userId, choice, now)) {
      try {
        jobs.requestEventSync(orgId, userId);
        queued++;
      } catch (RuntimeException raced) {
        LOG.log(Level.FINE, "Event sync of a user not queued", raced);
      }
    }
    return queued;
  }

  /**
   * The users the org's Exchange connection covers: they connect nothing themselves, so they are
   * found among the org's users (only when the org has a connection and contact or event sync is on
   * and reaches Exchange). A user who also connected a mailbox was queued above; the job coalesces
   * by user.
   */
  private int queueExchangeUsers(String orgId, SyncChoice choice, Instant now) {
    boolean contacts =
        choice.contacts() != SyncDirection.OFF && books.of(MailboxKind.EXCHANGE).isPresent();
    boolean events =
        choice.events() != SyncDirection.OFF && eventBooks.of(MailboxKind.EXCHANGE).isPresent();
    if (!(contacts || events)
        || !impersonated.isResolvable()
        || impersonated.get().capturedUsers(orgId).isEmpty()) {
      return 0;
    }
    int queued = 0;
    String after = null;
    while (true) {
      List<AppUser> page = users.page(orgId, after, PAGE);
      for (AppUser user : page) {
        if (sending.exchangeOf(orgId, user.id()).isEmpty()) {
          continue;
        }
        queued += queueIfDue(orgId, user.id(), choice, contacts, events, now);
      }
      if (page.size() < PAGE) {
        return queued;
      }
      after = page.get(page.size() - 1).id();
    }
  }

  /**
   * Events are due as contacts are (the two share the user's state and its last sync time), and,
   * when events go to the calendar, as soon as a CRM event changed after the user's last push.
   */
  private boolean eventsDue(String userId, SyncChoice choice, Instant now) {
    SyncUser state = em.find(SyncUser.class, userId);
    if (state == null) {
      return true;
    }
    boolean healthy = state.lastSyncAt() != null && !state.lastSyncAt().isBefore(state.updatedAt());
    return due(userId, SyncChoice.OFF, now)
        || (healthy
            && choice.events().toMail()
            && crmEvents.anySince(state.orgId(), state.eventSeq()));
  }

  /**
   * Due when never synced, when the last sync is older than the interval, or, for a sync that
   * carries CRM changes to the mailbox, as soon as a synced record changed after what the user's
   * last push sent (so a CRM edit reaches Outlook within a timer tick, not an interval).
   */
  private boolean due(String userId, SyncChoice choice, Instant now) {
    SyncUser state = em.find(SyncUser.class, userId);
    if (state == null) {
      return true;
    }
    // A run that failed (or is still going) touched the state after its last success: it is
    // tried again after the pause, not at every tick.
    boolean rested = !state.updatedAt().plus(retryPause).isAfter(now);
    if (state.lastSyncAt() == null) {
      return rested;
    }
    boolean intervalPassed = !state.lastSyncAt().plus(interval).isAfter(now);
    boolean healthy = !state.lastSyncAt().isBefore(state.updatedAt());
    if (!healthy) {
      return rested && intervalPassed;
    }
    return intervalPassed
        || (choice.contacts().toMail()
            && crm.anySince(state.orgId(), choice.recordTypes(), state.crmSeq()));
  }
}
