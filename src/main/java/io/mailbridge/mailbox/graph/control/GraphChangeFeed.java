package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.Recipient;
import com.microsoft.graph.models.Subscription;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.mailfolders.item.messages.delta.DeltaGetResponse;
import com.microsoft.graph.users.item.mailfolders.item.messages.delta.DeltaRequestBuilder;
import com.microsoft.kiota.ApiException;
import io.mailbridge.mailbox.control.CapturedItem;
import io.mailbridge.mailbox.control.ChangeFeed;
import io.mailbridge.mailbox.control.ChangePage;
import io.mailbridge.mailbox.control.FolderUnreadable;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxQuotas;
import io.mailbridge.mailbox.control.PacedLimit;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.PushChannel;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;
import io.mailbridge.message.MimeMail;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Microsoft 365 mailbox's changes over Graph's message delta, per folder (Inbox, Sent Items),
 * with immutable ids: a full round is filtered to the backfill window and followed through {@code
 * @odata.nextLink} page by page; its last page's {@code @odata.deltaLink} is where the next round
 * starts. Graph's 410 (sync state gone) is {@code ChangePositionExpired}. The primary calendar is
 * one more folder ({@value #CALENDAR}), read through its calendarView delta ({@link
 * GraphCalendarView}), so meetings take the same cursor, jobs and pipeline as mail.
 */
@ApplicationScoped
public class GraphChangeFeed implements ChangeFeed {

  static final String IMMUTABLE_IDS = "IdType=\"ImmutableId\"";
  static final String[] SELECT = {
    "id",
    "internetMessageId",
    "conversationId",
    "subject",
    "from",
    "toRecipients",
    "ccRecipients",
    "sentDateTime",
    "receivedDateTime",
    "categories",
    "isDraft"
  };

  /** The feed's name for the mailbox's primary calendar. */
  public static final String CALENDAR = "calendar";

  @Inject GraphMailbox graph;
  @Inject GraphCalendarView calendar;
  @Inject MailboxQuotas quotas;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.graph.page-size", defaultValue = "50")
  int pageSize;

  @Override
  public MailboxKind kind() {
    return MailboxKind.GRAPH;
  }

  /** Graph's well-known folder names, then the primary calendar. */
  @Override
  public List<String> folders() {
    return List.of("inbox", "sentitems", CALENDAR);
  }

  /** The fewest messages a mail page asks for when the mailbox's budget has room for fewer. */
  static final int LEAST_PAGE = 5;

  /**
   * A run starts a page when what the folder's last page cost fits in the mailbox's budget, or the
   * smallest page's worst case if less ({@link #mostPageCost}), and waits inline only for the odd
   * late turn. A mail page's size then follows the room left ({@link #messagesPerPage}), so the end
   * of a window is spent on a smaller page instead of waiting for a whole page's room.
   */
  @Override
  public Duration paceWait(MailboxAccess mailbox, String folder) {
    long most = mostPageCost(folder, pageSize, quotas.budget(PacedLimit.GRAPH));
    return quotas.pageHeadroom(PacedLimit.GRAPH, mailbox.connectionId(), folder, most);
  }

  /**
   * The messages the next mail page asks for ({@code odata.maxpagesize}): {@code
   * mailbridge.capture.graph.page-size}, or as many as the mailbox's budget has room for now if
   * that is fewer (at worst one MIME read per message, besides the delta request), at least {@value
   * #LEAST_PAGE}. The header goes with every request of a round, next links included, so each page
   * may have its own size.
   */
  int messagesPerPage(MailboxAccess mailbox) {
    long room = quotas.room(PacedLimit.GRAPH, mailbox.connectionId());
    long fits = room - 1;
    return (int) Math.max(Math.min(LEAST_PAGE, pageSize), Math.min(pageSize, fits));
  }

  /**
   * The room a page of {@code folder} waits for at most: a mail page its delta request and a
   * request per message of the smallest page (the MIME of those captured; a larger page is asked
   * for when there is room for it), at most a quarter of the budget so that a small budget still
   * lets pages through; a calendar page only its delta request, as the view brings each meeting
   * whole. Holding a calendar page back for a mail page's room left the budget unused.
   */
  static long mostPageCost(String folder, int pageSize, long budget) {
    if (CALENDAR.equals(folder)) {
      return 1;
    }
    return Math.min(1L + Math.min(LEAST_PAGE, pageSize), Math.max(1, budget / 4));
  }

  @Override
  public ChangePage page(MailboxAccess mailbox, String folder, String position, Instant since) {
    if (CALENDAR.equals(folder)) {
      try {
        return calendar.page(mailbox, position, since);
      } catch (ProviderRefused refused) {
        if ("graph_forbidden".equals(refused.code())) {
          // Connected before Calendars.Read was asked for, or the app lacks it: mail goes on.
          throw new FolderUnreadable(
              "Microsoft Graph refused the calendar (Calendars.Read not granted); meetings are"
                  + " not captured until it is");
        }
        throw refused;
      }
    }
    GraphServiceClient client = graph.client(mailbox);
    int size = messagesPerPage(mailbox);
    DeltaRequestBuilder delta =
        position == null
            ? GraphMailbox.mailboxOf(client, mailbox.appUser())
                .mailFolders()
                .byMailFolderId(folder)
                .messages()
                .delta()
            : GraphMailbox.mailboxOf(client, mailbox.appUser())
                .mailFolders()
                .byMailFolderId(folder)
                .messages()
                .delta()
                .withUrl(position);
    DeltaGetResponse answer =
        graph.call(
            () ->
                delta.get(
                    c -> {
                      // The links carry the query of the first call; only that one sets it.
                      if (position == null) {
                        c.queryParameters.select = SELECT;
                        // Newest first, so the first timelines fill with recent mail: the one
                        // order message delta supports (without it the order is not guaranteed).
                        c.queryParameters.orderby = new String[] {"receivedDateTime desc"};
                        if (since != null) {
                          c.queryParameters.filter =
                              "receivedDateTime ge " + DateTimeFormatter.ISO_INSTANT.format(since);
                        }
                      }
                      c.headers.add("Prefer", IMMUTABLE_IDS);
                      c.headers.add("Prefer", "odata.maxpagesize=" + size);
                      c.options.addAll(graph.options(GraphOperation.MESSAGES_DELTA));
                    }));
    if (answer == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph sent an empty delta page");
    }
    List<ItemChange> changes = new ArrayList<>();
    for (Message message : answer.getValue() == null ? List.<Message>of() : answer.getValue()) {
      changes.add(change(message, folder));
    }
    if (answer.getOdataNextLink() != null) {
      return new ChangePage(changes, answer.getOdataNextLink(), false);
    }
    if (answer.getOdataDeltaLink() != null) {
      return new ChangePage(changes, answer.getOdataDeltaLink(), true);
    }
    throw new ProviderRefused(
        "graph_error", "Microsoft Graph sent a delta page with neither a next nor a delta link");
  }

  /**
   * {@code POST /subscriptions} on the mailbox's messages (all folders: a notification only makes
   * capture read its delta), lifecycle events to the same URL. Graph checks the URL with a
   * validation request first; a 400 means it could not reach it.
   */
  @Override
  public PushChannel subscribe(
      MailboxAccess mailbox, String notificationUrl, String clientState, Instant expiresAt) {
    if (notificationUrl == null) {
      throw new ProviderRefused(
          "push_unreachable",
          "Mailbridge has no public URL (mailbridge.public-url) Microsoft Graph could send"
              + " notifications to; capture polls instead");
    }
    Subscription wanted = new Subscription();
    wanted.setChangeType("created,updated");
    wanted.setNotificationUrl(notificationUrl);
    wanted.setLifecycleNotificationUrl(notificationUrl);
    wanted.setResource(
        mailbox.appUser() == null ? "me/messages" : "users/" + mailbox.appUser() + "/messages");
    wanted.setExpirationDateTime(expiresAt.atOffset(ZoneOffset.UTC));
    wanted.setClientState(clientState);
    Subscription made =
        graph.call(
            () -> {
              try {
                return graph
                    .client(mailbox)
                    .subscriptions()
                    .post(wanted, c -> c.options.addAll(graph.options(GraphOperation.SUBSCRIBE)));
              } catch (ApiException e) {
                if (e.getResponseStatusCode() == 400) {
                  throw new ProviderRefused(
                      "push_unreachable",
                      "Microsoft Graph could not reach "
                          + notificationUrl
                          + " (its validation request failed): make that URL reachable from the"
                          + " internet, or capture keeps polling");
                }
                throw e;
              }
            });
    if (made == null || made.getId() == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph opened no subscription");
    }
    return new PushChannel(
        made.getId(),
        made.getExpirationDateTime() == null ? expiresAt : instant(made.getExpirationDateTime()));
  }

  /**
   * {@code PATCH /subscriptions/{id}} with a new {@code expirationDateTime}, which also
   * reauthorizes it (learn.microsoft.com/graph/change-notifications-lifecycle-events); a
   * subscription Graph no longer knows (404) is opened again.
   */
  @Override
  public PushChannel renew(
      MailboxAccess mailbox,
      PushChannel current,
      String notificationUrl,
      String clientState,
      Instant expiresAt) {
    Subscription patch = new Subscription();
    patch.setExpirationDateTime(expiresAt.atOffset(ZoneOffset.UTC));
    Subscription renewed;
    try {
      renewed =
          graph.call(
              () ->
                  graph
                      .client(mailbox)
                      .subscriptions()
                      .bySubscriptionId(current.id())
                      .patch(
                          patch,
                          c -> c.options.addAll(graph.options(GraphOperation.RENEW_SUBSCRIPTION))));
    } catch (NotFound gone) {
      return subscribe(mailbox, notificationUrl, clientState, expiresAt);
    }
    return new PushChannel(
        current.id(),
        renewed == null || renewed.getExpirationDateTime() == null
            ? expiresAt
            : instant(renewed.getExpirationDateTime()));
  }

  /**
   * {@code DELETE /subscriptions/{id}} (learn.microsoft.com/graph/api/subscription-delete, 204); a
   * subscription Graph no longer knows (404) has ended already.
   */
  @Override
  public void unsubscribe(MailboxAccess mailbox, PushChannel channel) {
    try {
      graph.call(
          () -> {
            graph
                .client(mailbox)
                .subscriptions()
                .bySubscriptionId(channel.id())
                .delete(c -> c.options.addAll(graph.options(GraphOperation.UNSUBSCRIBE)));
            return null;
          });
    } catch (NotFound gone) {
      // Graph removed it already (expired, or removed by Graph itself): nothing left to stop.
    }
  }

  /**
   * The folder's {@code totalItemCount}: every message in it, also those older than the backfill
   * window, so the estimate is high when the folder holds older mail (percent then rises slower and
   * the backfill ends early).
   */
  @Override
  public OptionalLong estimate(MailboxAccess mailbox, String folder, Instant since) {
    if (CALENDAR.equals(folder)) {
      // Graph counts no calendar view; the estimate stays the mail folders' (percent caps at 99).
      return OptionalLong.of(0);
    }
    GraphServiceClient client = graph.client(mailbox);
    MailFolder found =
        graph.call(
            () ->
                GraphMailbox.mailboxOf(client, mailbox.appUser())
                    .mailFolders()
                    .byMailFolderId(folder)
                    .get(
                        c -> {
                          c.queryParameters.select = new String[] {"id", "totalItemCount"};
                          c.options.addAll(graph.options(GraphOperation.FOLDER_COUNT));
                        }));
    return found == null || found.getTotalItemCount() == null
        ? OptionalLong.empty()
        : OptionalLong.of(found.getTotalItemCount());
  }

  @Override
  public CapturedItem read(MailboxAccess mailbox, String itemId, boolean withAttachments) {
    byte[] mime = graph.mime(mailbox, itemId);
    if (withAttachments) {
      return new CapturedItem(graph.read(mailbox, itemId), MimeMail.marks(mime));
    }
    MailMessage message;
    try {
      // Attachments described, not decoded: their bytes are not kept.
      message = MimeMail.readDescribingAttachments("graph", itemId, mime, false);
    } catch (MimeMail.UnreadableMessage e) {
      throw new ProviderRefused("graph_error", "Graph sent a message that is not readable MIME");
    }
    ReadMessage read = new ReadMessage(message, Map.of(), null);
    return new CapturedItem(read, MimeMail.marks(mime));
  }

  /** A delta entry as a change: gone ({@code @removed}), or its participants and categories. */
  static ItemChange change(Message m, String folder) {
    if (m.getAdditionalData() != null && m.getAdditionalData().containsKey("@removed")) {
      return ItemChange.removed(m.getId());
    }
    Object sensitivity =
        m.getAdditionalData() == null ? null : m.getAdditionalData().get("sensitivity");
    MailMessage summary =
        new MailMessage(
            "graph",
            m.getId(),
            m.getInternetMessageId(),
            m.getConversationId(),
            m.getSubject(),
            address(m.getFrom()),
            addresses(m.getToRecipients()),
            addresses(m.getCcRecipients()),
            List.of(),
            "sentitems".equals(folder),
            instant(m.getSentDateTime()),
            instant(m.getReceivedDateTime()),
            null,
            null,
            0,
            List.of());
    return new ItemChange(
        m.getId(),
        false,
        summary,
        new MessageMarks(
            sensitivity == null ? null : sensitivity.toString(), m.getCategories(), Map.of()));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.withOffsetSameInstant(ZoneOffset.UTC).toInstant();
  }

  private static MailAddress address(Recipient recipient) {
    if (recipient == null
        || recipient.getEmailAddress() == null
        || recipient.getEmailAddress().getAddress() == null
        || recipient.getEmailAddress().getAddress().isBlank()) {
      return null;
    }
    return new MailAddress(
        recipient.getEmailAddress().getAddress(), recipient.getEmailAddress().getName());
  }

  private static List<MailAddress> addresses(List<Recipient> recipients) {
    List<MailAddress> out = new ArrayList<>();
    if (recipients != null) {
      for (Recipient r : recipients) {
        MailAddress a = address(r);
        if (a != null) {
          out.add(a);
        }
      }
    }
    return out;
  }
}
