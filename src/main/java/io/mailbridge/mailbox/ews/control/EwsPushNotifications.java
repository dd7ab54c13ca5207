package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.MailboxChangesPushed;
import io.mailbridge.mailbox.ews.entity.EwsSubscription;
import io.mailbridge.mailbox.ews.stubs.BaseNotificationEventType;
import io.mailbridge.mailbox.ews.stubs.NotificationType;
import io.mailbridge.mailbox.ews.stubs.SubscriptionStatusType;
import io.mailbridge.platform.problem.InvalidRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.xml.bind.JAXBElement;
import java.time.Clock;
import java.util.List;
import java.util.logging.Logger;

/**
 * Exchange's push notifications ({@code SendNotification} posted to {@code /ews/notifications}).
 * Acts only on a push subscription Mailbridge opened whose callback token the request carries; a
 * change fires {@link MailboxChangesPushed} (capture queues the mailbox's deduplicated sync, which
 * reads from the stored SyncState, so a repeated notification changes nothing), a {@code
 * StatusEvent} only notes that Exchange is still posting. The answer is {@code OK} for such a
 * subscription and {@code Unsubscribe} for any other, so Exchange ends subscriptions Mailbridge
 * forgot, and a caller without the token learns nothing about which ids exist.
 */
@ApplicationScoped
public class EwsPushNotifications {

  private static final Logger LOG = Logger.getLogger(EwsPushNotifications.class.getName());

  @Inject EwsSubscriptions subscriptions;
  @Inject Event<MailboxChangesPushed> pushed;

  Clock clock = Clock.systemUTC();

  /**
   * Handles one {@code SendNotification} request posted with {@code token} in its URL; answers the
   * {@code SendNotificationResult} envelope. A body that is not such a request is {@link
   * InvalidRequest}, and nothing is changed.
   */
  public byte[] receive(String token, byte[] body) {
    List<NotificationType> notifications = SentNotifications.read(body);
    boolean known = false;
    for (NotificationType notification : notifications) {
      known |= receive(token, notification);
    }
    return SentNotifications.result(
        known ? SubscriptionStatusType.OK : SubscriptionStatusType.UNSUBSCRIBE);
  }

  /** The answer to a request Mailbridge could not read (for the boundary's 4xx). */
  public static byte[] unreadable(InvalidRequest problem) {
    return SentNotifications.clientFault(problem.getMessage());
  }

  /** The answer when Mailbridge cannot take the notification now (Exchange posts it again). */
  public static byte[] unavailable() {
    return SentNotifications.serverFault("Mailbridge cannot take the notification now");
  }

  private boolean receive(String token, NotificationType notification) {
    EwsSubscription subscription = subscriptions.find(notification.getSubscriptionId());
    if (subscription == null
        || !EwsSubscription.PUSH.equals(subscription.kind())
        || !EwsCallbackToken.matches(token, subscription.pushTokenHash())) {
      // Unknown, not a push subscription, or another URL's: answered as unknown, and no id logged.
      LOG.fine("A push notification for a subscription Mailbridge does not hold was refused");
      return false;
    }
    String watermark = null;
    boolean changed = false;
    for (JAXBElement<? extends BaseNotificationEventType> event :
        notification.getCopiedEventOrCreatedEventOrDeletedEvent()) {
      if (event.getValue() != null && event.getValue().getWatermark() != null) {
        watermark = event.getValue().getWatermark();
      }
      changed |= !"StatusEvent".equals(event.getName().getLocalPart());
    }
    // A status event only says Exchange still posts; a change also moves the watermark on.
    subscriptions.seen(subscription.id(), clock.instant(), changed ? watermark : null);
    if (changed) {
      pushed.fire(new MailboxChangesPushed(subscription.id(), false));
    }
    return true;
  }
}
