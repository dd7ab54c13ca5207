package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CaptureState;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.MailboxStatus;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.util.List;
import java.util.Locale;

/**
 * Capture health of mailboxes: one mailbox's (also as the {@code capture} field of {@code GET
 * /api/mailboxes/{id}}), and a page of an org's captured mailboxes, by state, for admins.
 */
@ApplicationScoped
public class CaptureMailboxes implements MailboxStatus {

  @PersistenceContext EntityManager em;
  @Inject MailboxConnections connections;

  @Override
  public String field() {
    return "capture";
  }

  @Override
  public Object of(String orgId, String mailboxId) {
    CaptureCursor cursor = em.find(CaptureCursor.class, mailboxId);
    if (cursor != null && cursor.orgId().equals(orgId)) {
      return CaptureHealth.of(cursor);
    }
    ConnectedMailbox mailbox = connections.describe(orgId, mailboxId);
    return CaptureHealth.never(mailbox.id(), mailbox.userId(), mailbox.kind().provider());
  }

  /**
   * Mailboxes of the org capture has a cursor for, by id after {@code after}; {@code state} one of
   * {@link CaptureState}'s names in lower case, or null for all.
   */
  public List<CaptureHealth> page(String orgId, String state, String after, int limit) {
    CaptureState wanted = null;
    if (state != null && !state.isBlank()) {
      try {
        wanted = CaptureState.valueOf(state.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidField(
            "state",
            "must be one of off, backfilling, live, polling, throttled, reauth_required, error,"
                + " stalled");
      }
    }
    TypedQuery<CaptureCursor> query =
        em.createQuery(
            "SELECT c FROM CaptureCursor c WHERE c.orgId = :org AND c.mailboxId > :after"
                + (wanted == null ? "" : " AND c.state = :state")
                + " ORDER BY c.mailboxId",
            CaptureCursor.class);
    query.setParameter("org", orgId).setParameter("after", after == null ? "" : after);
    if (wanted != null) {
      query.setParameter("state", wanted);
    }
    return query.setMaxResults(limit).getResultList().stream().map(CaptureHealth::of).toList();
  }
}
