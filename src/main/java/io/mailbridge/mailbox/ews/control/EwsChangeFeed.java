package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.CapturedItem;
import io.mailbridge.mailbox.control.ChangeFeed;
import io.mailbridge.mailbox.control.ChangePage;
import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.PushChannel;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.mailbox.ews.entity.EwsSubscription;
import io.mailbridge.mailbox.ews.stubs.BasePathToElementType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressType;
import io.mailbridge.mailbox.ews.stubs.ItemType;
import io.mailbridge.mailbox.ews.stubs.MessageType;
import io.mailbridge.mailbox.ews.stubs.MimeContentType;
import io.mailbridge.mailbox.ews.stubs.SingleRecipientType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsCreateOrUpdateType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsDeleteType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.UnindexedFieldURIType;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;
import io.mailbridge.message.MimeMail;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.xml.bind.JAXBElement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.xml.datatype.XMLGregorianCalendar;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * An on-premises Exchange mailbox's changes over EWS, read with the org's service account
 * impersonating its user: {@code SyncFolderItems} per folder (Inbox, Sent Items) from the stored
 * {@code SyncState}, at most 512 changes per call, then the properties capture decides on in
 * batched {@code GetItem} calls; the MIME only for an item capture keeps. Items received before the
 * backfill window are left out. Once live, changes arrive over EWS notifications (see {@link
 * #subscribe}); each only queues the same read. Every request carries {@code ExchangeImpersonation}
 * and {@code X-AnchorMailbox}, and the connection's requests stay under {@link EwsConcurrency}.
 */
@ApplicationScoped
public class EwsChangeFeed implements ChangeFeed {

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(EwsChangeFeed.class.getName());

  /** What the capture policy and the timeline need before the MIME is read. */
  static final List<UnindexedFieldURIType> SUMMARY =
      List.of(
          UnindexedFieldURIType.ITEM_ITEM_CLASS,
          UnindexedFieldURIType.ITEM_SUBJECT,
          UnindexedFieldURIType.ITEM_SENSITIVITY,
          UnindexedFieldURIType.ITEM_DATE_TIME_RECEIVED,
          UnindexedFieldURIType.ITEM_CATEGORIES,
          UnindexedFieldURIType.ITEM_IS_DRAFT,
          UnindexedFieldURIType.ITEM_DATE_TIME_SENT,
          UnindexedFieldURIType.ITEM_CONVERSATION_ID,
          UnindexedFieldURIType.MESSAGE_TO_RECIPIENTS,
          UnindexedFieldURIType.MESSAGE_CC_RECIPIENTS,
          UnindexedFieldURIType.MESSAGE_FROM,
          UnindexedFieldURIType.MESSAGE_INTERNET_MESSAGE_ID);

  @Inject EwsClient ews;
  @Inject ExchangeServiceAccount account;
  @Inject EwsConcurrency concurrency;
  @Inject EwsSubscriptions subscriptions;

  /**
   * {@code streaming} (pull when the server refuses it), {@code pull}, or {@code push} (Exchange
   * can reach {@code mailbridge.public-url}; streaming when it cannot be used).
   */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.live", defaultValue = "streaming")
  Provider<String> liveMode;

  /** A push subscription's StatusFrequency: minutes without a change before Exchange says so. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.push-status-minutes", defaultValue = "5")
  Provider<Integer> pushStatusMinutes;

  @Inject MailbridgeSettings settings;

  /** Exchange's EWSMaxSubscriptions for the service account: subscriptions per org connection. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.max-subscriptions", defaultValue = "20")
  int maxSubscriptions;

  /** How long Exchange keeps a pull subscription's events without a GetEvents (1–1 440). */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.pull-timeout-minutes", defaultValue = "30")
  int pullTimeoutMinutes;

  java.time.Clock clock = java.time.Clock.systemUTC();

  /** The path Exchange posts push notifications to (under the public URL). */
  public static final String NOTIFICATION_PATH = "/ews/notifications";

  /** SyncFolderItems' {@code MaxChangesReturned}: 1 to 512 (Exchange's own limit). */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.page-size", defaultValue = "512")
  int pageSize;

  /** Items per GetItem call for the properties capture decides on. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.ews.get-item-batch", defaultValue = "100")
  int getItemBatch;

  @Override
  public MailboxKind kind() {
    return MailboxKind.EXCHANGE;
  }

  /** EWS's distinguished folder ids. */
  @Override
  public List<String> folders() {
    return List.of("inbox", "sentitems");
  }

  @Override
  public ChangePage page(MailboxAccess mailbox, String folder, String position, Instant since) {
    ExchangeServiceAccount.ServiceCall service = account.call(mailbox);
    EwsCall call = service.call();
    SyncFolderItemsResponseMessageType answer;
    try {
      answer =
          concurrency.within(
              service.connectionId(),
              () ->
                  ews.syncFolderItems(
                      call,
                      DistinguishedFolderIdNameType.fromValue(folder),
                      position,
                      pageSize,
                      List.of(EwsClient.field(UnindexedFieldURIType.ITEM_DATE_TIME_RECEIVED))));
    } catch (ChangePositionExpired expired) {
      if (position == null) {
        // A first call has no state to lose: resyncing would ask the same again.
        throw new ProviderRefused(
            "exchange_error", "Exchange refused a first SyncFolderItems call as an old state");
      }
      throw expired;
    }
    // Created and updated items in the window, in Exchange's order; the rest only as removed.
    Map<String, ItemChange> changes = new LinkedHashMap<>();
    List<String> wanted = new ArrayList<>();
    if (answer.getChanges() != null) {
      for (JAXBElement<?> change : answer.getChanges().getCreateOrUpdateOrDelete()) {
        Object value = change.getValue();
        if (value instanceof SyncFolderItemsDeleteType deleted && deleted.getItemId() != null) {
          String id = deleted.getItemId().getId();
          changes.put(id, ItemChange.removed(id));
        } else if (value instanceof SyncFolderItemsCreateOrUpdateType createdOrUpdated) {
          ItemType item =
              createdOrUpdated.getMessage() != null
                  ? createdOrUpdated.getMessage()
                  : createdOrUpdated.getItem();
          if (item == null || item.getItemId() == null) {
            continue; // an item kind capture does not read (calendar, meeting messages, …)
          }
          Instant received = instant(item.getDateTimeReceived());
          if (since != null && received != null && received.isBefore(since)) {
            continue; // older than the backfill window
          }
          wanted.add(item.getItemId().getId());
          changes.put(item.getItemId().getId(), null);
        }
        // ReadFlagChange: nothing capture keeps changed.
      }
    }
    List<BasePathToElementType> properties = new ArrayList<>();
    SUMMARY.forEach(f -> properties.add(EwsClient.field(f)));
    int batch = Math.max(1, getItemBatch);
    for (int from = 0; from < wanted.size(); from += batch) {
      List<String> ids = wanted.subList(from, Math.min(wanted.size(), from + batch));
      List<ItemType> items =
          concurrency.within(service.connectionId(), () -> ews.getItems(call, ids, properties));
      for (ItemType item : items) {
        if (item.getItemId() != null && changes.containsKey(item.getItemId().getId())) {
          changes.put(item.getItemId().getId(), change(item, folder));
        }
      }
    }
    List<ItemChange> page = new ArrayList<>();
    for (ItemChange change : changes.values()) {
      if (change != null) { // null: gone between SyncFolderItems and GetItem
        page.add(change);
      }
    }
    return new ChangePage(
        page,
        answer.getSyncState(),
        answer.isIncludesLastItemInRange() == null || answer.isIncludesLastItemInRange());
  }

  /**
   * Opens an EWS notification subscription on the followed folders, impersonating the mailbox's
   * user: streaming ({@code StreamingSubscriptionRequest}, held open by {@link
   * EwsNotificationStreams}, since Exchange reaching Mailbridge is not assumed); push ({@code
   * PushSubscriptionRequest} to {@value #NOTIFICATION_PATH} with a token of its own) when {@code
   * mailbridge.capture.ews.live} says {@code push} and a public URL is set; pull when the server
   * will not stream or the setting says {@code pull}. Graph's {@code notificationUrl} is not used.
   * The org's subscriptions stay within {@code mailbridge.capture.ews.max-subscriptions}
   * (Exchange's {@code EWSMaxSubscriptions}); beyond it the mailbox is polled, with the reason.
   */
  @Override
  public PushChannel subscribe(
      MailboxAccess mailbox, String notificationUrl, String clientState, Instant expiresAt) {
    ExchangeServiceAccount.ServiceCall service = account.call(mailbox);
    // A first look spares Exchange a subscription that could not be kept; addWithin decides.
    if (subscriptions.count(mailbox.orgId()) >= maxSubscriptions) {
      throw subscriptionLimitReached();
    }
    List<DistinguishedFolderIdNameType> followed =
        folders().stream().map(DistinguishedFolderIdNameType::fromValue).toList();
    EwsAffinity affinity = new EwsAffinity(null);
    String mode = liveMode.get();
    EwsClient.Subscription opened = null;
    String kind = EwsSubscription.PULL;
    String token = null;
    int statusMinutes = Math.max(1, Math.min(1440, pushStatusMinutes.get()));
    if (EwsSubscription.PUSH.equals(mode)) {
      String callback = callbackUrl();
      if (callback == null) {
        LOG.warning(
            "mailbridge.capture.ews.live is push but mailbridge.public-url is not set, so Exchange"
                + " has no URL to post to; capture streams notifications instead");
      } else {
        String pushToken = EwsCallbackToken.create();
        try {
          opened =
              concurrency.within(
                  service.connectionId(),
                  () ->
                      ews.subscribePush(
                          service.call(),
                          followed,
                          statusMinutes,
                          callback + "?" + EwsCallbackToken.PARAMETER + "=" + pushToken,
                          affinity));
          kind = EwsSubscription.PUSH;
          token = pushToken;
        } catch (EwsRefused refused) {
          if (!refused.streamingRefused()) {
            throw refused;
          }
          LOG.info(
              () ->
                  "Exchange refused a push subscription ("
                      + refused.responseCode()
                      + "); capture streams notifications instead");
        }
      }
    }
    if (opened == null && !EwsSubscription.PULL.equals(mode)) {
      try {
        opened =
            concurrency.within(
                service.connectionId(),
                () -> ews.subscribeStreaming(service.call(), followed, affinity));
        kind = EwsSubscription.STREAMING;
      } catch (EwsRefused refused) {
        if (!refused.streamingRefused()) {
          throw refused;
        }
        LOG.info(
            () ->
                "Exchange refused a streaming subscription ("
                    + refused.responseCode()
                    + "); capture pulls notifications instead");
      }
    }
    if (opened == null) {
      opened =
          concurrency.within(
              service.connectionId(),
              () -> ews.subscribePull(service.call(), followed, pullTimeoutMinutes, affinity));
      kind = EwsSubscription.PULL;
    }
    EwsSubscription subscription =
        new EwsSubscription(
            opened.id(),
            mailbox.orgId(),
            kind,
            mailbox.appUser(),
            opened.watermark(),
            affinity.cookie(),
            clock.instant());
    if (token != null) {
      subscription.pushedTo(EwsCallbackToken.hash(token), statusMinutes);
    }
    if (!subscriptions.addWithin(subscription, maxSubscriptions)) {
      // Another worker took the last place meanwhile. Exchange drops the unused subscription by
      // itself (no stream, no pull, or an Unsubscribe answer to its first post).
      throw subscriptionLimitReached();
    }
    return new PushChannel(opened.id(), expiresAt);
  }

  private ProviderRefused subscriptionLimitReached() {
    return new ProviderRefused(
        "exchange_subscription_limit",
        "The org's Exchange connection holds "
            + maxSubscriptions
            + " notification subscriptions already (mailbridge.capture.ews.max-subscriptions,"
            + " Exchange's EWSMaxSubscriptions)");
  }

  /** Where Exchange posts push notifications, or null without a configured public URL. */
  private String callbackUrl() {
    return publicUrl().map(url -> url + NOTIFICATION_PATH).orElse(null);
  }

  /** {@code mailbridge.public-url} when set (the default, localhost, is no use to Exchange). */
  Optional<String> publicUrl() {
    return settings.value("mailbridge.public-url").map(set -> settings.publicUrl());
  }

  /** A subscription still held is kept (its stream renews it); a forgotten one is opened anew. */
  @Override
  public PushChannel renew(
      MailboxAccess mailbox,
      PushChannel current,
      String notificationUrl,
      String clientState,
      Instant expiresAt) {
    if (subscriptions.find(current.id()) != null) {
      return new PushChannel(current.id(), expiresAt);
    }
    return subscribe(mailbox, notificationUrl, clientState, expiresAt);
  }

  /**
   * Ends the subscription when capture of the mailbox stops: the stored row is forgotten first (so
   * the stream carrying it drops it at its next pass, and the error Exchange then writes into that
   * stream is not taken for a lost subscription to reopen), then a streaming or pull one is ended
   * with {@code Unsubscribe}, impersonating its user with X-AnchorMailbox and its affinity cookie.
   * A push subscription cannot be ended by a call (MS-OXWSNTIF: Unsubscribe is for pull and
   * streaming only): Exchange ends it when its next post is answered {@code Unsubscribe}, which
   * {@code /ews/notifications} does for a subscription it no longer knows. Exchange not knowing the
   * subscription any more, or not answering, never fails the stop.
   */
  @Override
  public void unsubscribe(MailboxAccess mailbox, PushChannel channel) {
    EwsSubscription subscription = subscriptions.find(channel.id());
    if (subscription == null) {
      return;
    }
    subscriptions.remove(subscription.id());
    if (EwsSubscription.PUSH.equals(subscription.kind())) {
      return;
    }
    try {
      ExchangeServiceAccount.ServiceCall service =
          account.call(account.access(subscription.orgId(), null, subscription.address()));
      concurrency.within(
          service.connectionId(),
          () -> {
            ews.unsubscribe(
                service.call(), subscription.id(), new EwsAffinity(subscription.affinityCookie()));
            return null;
          });
    } catch (EwsRefused refused) {
      if (!refused.subscriptionLost()) {
        LOG.info(
            () ->
                "Exchange refused to end a notification subscription of org "
                    + subscription.orgId()
                    + " ("
                    + refused.responseCode()
                    + "); it ends by itself once nothing reads it");
      }
    } catch (RuntimeException e) {
      LOG.info(
          () ->
              "Ending a notification subscription of org "
                  + subscription.orgId()
                  + " at Exchange failed ("
                  + e.getClass().getSimpleName()
                  + "); it ends by itself once nothing reads it");
    }
  }

  @Override
  public CapturedItem read(MailboxAccess mailbox, String itemId, boolean withAttachments) {
    ExchangeServiceAccount.ServiceCall service = account.call(mailbox);
    ItemType item =
        concurrency.within(
            service.connectionId(), () -> ews.getItem(service.call(), itemId, List.of()));
    MimeContentType mime = item.getMimeContent();
    if (mime == null || mime.getValue() == null) {
      throw new ProviderRefused("exchange_error", "Exchange sent the email without its content");
    }
    byte[] rfc822;
    MailMessage kept;
    try {
      rfc822 = Base64.getMimeDecoder().decode(mime.getValue());
      if (withAttachments) {
        kept = MimeMail.read("ews", itemId, rfc822, false);
      } else {
        // Descriptions only: Exchange's own (GetItem's Attachments) where it gave them, so no
        // attachment part is decoded just to be measured and dropped.
        MailMessage message = MimeMail.readDescribingAttachments("ews", itemId, rfc822, false);
        List<MailAttachment> described = ExchangeMailbox.described(item);
        kept = described.isEmpty() ? message : message.withAttachments(described);
      }
    } catch (IllegalArgumentException | MimeMail.UnreadableMessage e) {
      throw new ProviderRefused("exchange_error", "Exchange sent content that is not an email");
    }
    return new CapturedItem(new ReadMessage(kept, Map.of(), null), MimeMail.marks(rfc822));
  }

  /** GetItem's properties as a change: participants, times, sensitivity and categories. */
  static ItemChange change(ItemType item, String folder) {
    MessageType m = item instanceof MessageType message ? message : null;
    MailMessage summary =
        new MailMessage(
            "ews",
            item.getItemId().getId(),
            m == null ? null : m.getInternetMessageId(),
            item.getConversationId() == null ? null : item.getConversationId().getId(),
            item.getSubject(),
            m == null ? null : address(m.getFrom()),
            m == null ? List.of() : addresses(m.getToRecipients()),
            m == null ? List.of() : addresses(m.getCcRecipients()),
            List.of(),
            "sentitems".equals(folder),
            instant(item.getDateTimeSent()),
            instant(item.getDateTimeReceived()),
            null,
            null,
            0,
            List.of());
    String sensitivity =
        item.getSensitivity() == null
            ? null
            : item.getSensitivity().value().toLowerCase(Locale.ROOT);
    List<String> categories =
        item.getCategories() == null ? List.of() : item.getCategories().getString();
    return new ItemChange(
        item.getItemId().getId(),
        false,
        summary,
        new MessageMarks(sensitivity, categories, Map.of()));
  }

  private static Instant instant(XMLGregorianCalendar time) {
    return time == null ? null : time.toGregorianCalendar().toInstant();
  }

  private static MailAddress address(SingleRecipientType recipient) {
    return recipient == null ? null : address(recipient.getMailbox());
  }

  private static MailAddress address(EmailAddressType mailbox) {
    if (mailbox == null
        || mailbox.getEmailAddress() == null
        || mailbox.getEmailAddress().isBlank()) {
      return null;
    }
    // Exchange names internal senders by their legacy DN (RoutingType EX) unless resolved.
    if (mailbox.getRoutingType() != null && !"SMTP".equalsIgnoreCase(mailbox.getRoutingType())) {
      return null;
    }
    return new MailAddress(mailbox.getEmailAddress(), mailbox.getName());
  }

  private static List<MailAddress> addresses(
      io.mailbridge.mailbox.ews.stubs.ArrayOfRecipientsType recipients) {
    List<MailAddress> out = new ArrayList<>();
    if (recipients != null) {
      for (EmailAddressType mailbox : recipients.getMailbox()) {
        MailAddress a = address(mailbox);
        if (a != null) {
          out.add(a);
        }
      }
    }
    return out;
  }
}
