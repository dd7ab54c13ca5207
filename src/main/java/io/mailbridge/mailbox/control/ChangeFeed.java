package io.mailbridge.mailbox.control;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
   */
  PushChannel subscribe(
      MailboxAccess mailbox, String notificationUrl, String clientState, Instant expiresAt);

  /**
   * How long before its end a push subscription is renewed: Graph's lasts days and is renewed half
   * a day ahead; a feed whose provider asks for a daily renewal (Gmail's watch) says more.
   */
  default Duration renewBefore() {
    return Duration.ofHours(12);
  }

  /** One message in full, with the marks its headers carry, for storing. */
  CapturedItem read(MailboxAccess mailbox, String itemId, boolean withAttachments);
}
