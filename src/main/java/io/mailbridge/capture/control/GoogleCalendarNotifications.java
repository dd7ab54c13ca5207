package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.platform.problem.NotAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.logging.Logger;

/**
 * Google Calendar's push messages for a captured mailbox's calendar channel: Google posts an empty
 * body whose headers name the channel ({@code X-Goog-Channel-ID}), echo its token ({@code
 * X-Goog-Channel-Token}, the mailbox's secret) and say what happened ({@code
 * X-Goog-Resource-State}: {@code sync} when the channel opens, {@code exists} when events changed).
 * A change only queues "sync this mailbox" (coalesced); the sync reads from the stored sync token,
 * so a repeated, late or lost message changes nothing.
 */
@ApplicationScoped
public class GoogleCalendarNotifications {

  private static final Logger LOG = Logger.getLogger(GoogleCalendarNotifications.class.getName());
  private static final int MAX_CHANNEL_ID = 64;

  /** What a message led to. */
  public enum Outcome {
    /** A sync of the mailbox is queued (or joined one already queued). */
    SYNC_QUEUED,
    /** Google's first message on a new channel, or a channel of a mailbox that is off: noted. */
    NOTED
  }

  @PersistenceContext EntityManager em;
  @Inject CaptureJobs jobs;

  /**
   * Handles one message.
   *
   * @throws NotAllowed when no captured mailbox has this channel or the token is not its secret;
   *     nothing is queued then
   */
  @Transactional
  public Outcome receive(String channelId, String token, String resourceState) {
    CaptureCursor cursor = cursorOf(channelId);
    if (cursor == null || !GraphNotifications.sameSecret(cursor.clientState(), token)) {
      LOG.warning("A Google Calendar push with an unknown channel or a wrong token was refused");
      throw new NotAllowed(
          "notification_refused",
          "Messages for an unknown channel or with a wrong channel token are refused");
    }
    if (!cursor.enabled() || "sync".equals(resourceState)) {
      return Outcome.NOTED;
    }
    jobs.requestSync(cursor.orgId(), cursor.mailboxId());
    return Outcome.SYNC_QUEUED;
  }

  private CaptureCursor cursorOf(String channelId) {
    if (channelId == null || channelId.isBlank() || channelId.length() > MAX_CHANNEL_ID) {
      return null;
    }
    return em.createQuery(
            "SELECT c FROM CaptureCursor c WHERE c.calendarChannelId = :id", CaptureCursor.class)
        .setParameter("id", channelId)
        .getResultStream()
        .findFirst()
        .orElse(null);
  }
}
