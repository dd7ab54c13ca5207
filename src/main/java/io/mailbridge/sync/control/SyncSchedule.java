package io.mailbridge.sync.control;

import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.sync.entity.SyncDirection;
import io.mailbridge.sync.entity.SyncUser;
import jakarta.enterprise.context.ApplicationScoped;
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
 * Which users' contacts are due: every user with a connected Microsoft 365 mailbox in an org whose
 * contact sync is on, when the last sync is older than the interval. Queued jobs coalesce by user.
 */
@ApplicationScoped
public class SyncSchedule {

  private static final Logger LOG = Logger.getLogger(SyncSchedule.class.getName());
  private static final int PAGE = 200;

  @PersistenceContext EntityManager em;
  @Inject MailboxConnections connections;
  @Inject SyncJobs jobs;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.interval", defaultValue = "PT15M")
  Duration interval;

  /** Queues the due users' jobs; answers how many were asked for. */
  public int queueDue(Instant now) {
    List<String> orgs =
        em.createQuery("SELECT s.orgId FROM SyncSettings s WHERE s.contacts <> :off", String.class)
            .setParameter("off", SyncDirection.OFF)
            .getResultList();
    int queued = 0;
    for (String orgId : orgs) {
      String after = null;
      while (true) {
        List<ConnectedMailbox> page = connections.describedPageOfOrg(orgId, after, PAGE);
        for (ConnectedMailbox mailbox : page) {
          if (mailbox.kind() == MailboxKind.GRAPH && due(mailbox.userId(), now)) {
            try {
              jobs.requestContactSync(orgId, mailbox.userId());
              queued++;
            } catch (RuntimeException raced) {
              LOG.log(Level.FINE, "Contact sync of a user not queued", raced);
            }
          }
        }
        if (page.size() < PAGE) {
          break;
        }
        after = page.get(page.size() - 1).id();
      }
    }
    return queued;
  }

  private boolean due(String userId, Instant now) {
    SyncUser state = em.find(SyncUser.class, userId);
    return state == null
        || state.lastSyncAt() == null
        || !state.lastSyncAt().plus(interval).isAfter(now);
  }
}
