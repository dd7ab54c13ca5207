package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.NotFound;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The port through which capture follows a mailbox's changes, page by page, from a position the
 * caller stores: one implementation per {@link MailboxKind} that supports it (Graph for now).
 * Positions are opaque to the caller (Graph: the {@code @odata.nextLink} or {@code
 * @odata.deltaLink}); failures are the mailbox's typed problems, an expired position is {@link
 * ChangePositionExpired}.
 */
public interface ChangeFeed {

  /** The kind of mailbox this feed reads. */
  MailboxKind kind();

  /** The folders whose changes capture follows, in the order it reads them. */
  List<String> folders();

  /**
   * One page of a folder's changes.
   *
   * @param position where the previous page ended, or null to start a full round of the folder
   * @param since the oldest message a full round reads (the backfill window); ignored otherwise
   */
  ChangePage page(MailboxAccess mailbox, String folder, String position, Instant since);

  /**
   * Asks the provider to notify {@code notificationUrl} of new and changed messages until {@code
   * expiresAt} (the provider may shorten it), echoing {@code clientState} in each notification.
   * {@code notificationUrl} is null when Mailbridge has no public URL; a provider that pushes to a
   * URL then refuses ({@link ProviderRefused}).
   */
  PushChannel subscribe(
      MailboxAccess mailbox, String notificationUrl, String clientState, Instant expiresAt);

  /**
   * Renews the push subscription {@code current} until {@code expiresAt}: by default it is opened
   * again (Gmail's watch); Graph extends the subscription, and opens a new one when it is gone.
   */
  default PushChannel renew(
      MailboxAccess mailbox,
      PushChannel current,
      String notificationUrl,
      String clientState,
      Instant expiresAt) {
    return subscribe(mailbox, notificationUrl, clientState, expiresAt);
  }

  /**
   * Stops the push subscription {@code channel} at the provider (capture of the mailbox ended); one
   * the provider no longer knows is stopped already. By default there is nothing to stop.
   */
  default void unsubscribe(MailboxAccess mailbox, PushChannel channel) {}

  /**
   * The provider's count of the messages a full round of {@code folder} reads from {@code since},
   * or empty when it gives none; an estimate for the backfill's percent and ETA, never exact.
   */
  default OptionalLong estimate(MailboxAccess mailbox, String folder, Instant since) {
    return OptionalLong.empty();
  }

  /**
   * How long before its end a push subscription is renewed: Graph's lasts days and is renewed half
   * a day ahead; a feed whose provider asks for a daily renewal (Gmail's watch) says more.
   */
  default Duration renewBefore() {
    return Duration.ofHours(12);
  }

  /**
   * How long until the mailbox's pacing has room to start a page of {@code folder} (zero: now); a
   * capture run that would have to wait longer ends and goes on then. By default a feed is not
   * paced.
   */
  default Duration paceWait(MailboxAccess mailbox, String folder) {
    return Duration.ZERO;
  }

  /** The limit reading {@code folder} is paced under; none for a feed that is not paced. */
  default PacedLimit limitOf(String folder) {
    return PacedLimit.ofMail(kind());
  }

  /** One message in full, with the marks its headers carry, for storing. */
  CapturedItem read(MailboxAccess mailbox, String itemId, boolean withAttachments);

  /**
   * Several messages in full, by item id, for storing; one deleted since it was listed is left out.
   * By default each is {@link #read(MailboxAccess, String, boolean) read} on its own; a feed whose
   * provider answers several reads in one request does that.
   */
  default Map<String, CapturedItem> read(
      MailboxAccess mailbox, List<String> itemIds, boolean withAttachments) {
    Map<String, CapturedItem> items = new LinkedHashMap<>();
    for (String itemId : itemIds) {
      try {
        items.put(itemId, read(mailbox, itemId, withAttachments));
      } catch (NotFound gone) {
        // Deleted between the change feed and the read: nothing left to capture.
      }
    }
    return items;
  }

  /**
   * How many messages capture asks {@link #read(MailboxAccess, List, boolean)} for at once: one by
   * default, so a message is read when its turn comes and no other waits in memory with it.
   */
  default int readTogether(boolean withAttachments) {
    return 1;
  }
}
