package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpResponse;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.HistoryMessageAdded;
import com.google.api.services.gmail.model.Label;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePartHeader;
import com.google.api.services.gmail.model.WatchRequest;
import com.google.api.services.gmail.model.WatchResponse;
import io.mailbridge.mailbox.control.CapturedItem;
import io.mailbridge.mailbox.control.ChangeFeed;
import io.mailbridge.mailbox.control.ChangePage;
import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.GooglePushSenders;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxQuotas;
import io.mailbridge.mailbox.control.PacedLimit;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ProviderUnreachable;
import io.mailbridge.mailbox.control.PushChannel;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;
import io.mailbridge.message.MimeMail;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Gmail mailbox's changes (Inbox and Sent) through the Gmail API (developers.google.com/gmail/api
 * /guides/sync): a full round notes the mailbox's current {@code historyId}, then pages through
 * {@code messages.list} with {@code q=after:<epoch> (in:inbox OR in:sent)}; later rounds read
 * {@code history.list} from the stored history id ({@code messageAdded}). Each page's messages are
 * described from {@code format=metadata}, and those capture keeps read as {@code format=full}, both
 * in batch requests; a 404 on an old history id is {@link ChangePositionExpired}. Positions: {@code
 * list|<historyId>|<pageToken>} and {@code history|<historyId>|<pageToken>}. The primary Google
 * calendar is one more folder ({@value #CALENDAR}), read through {@code events.list} with sync
 * tokens ({@link GoogleCalendarChanges}), so meetings take the same cursor, jobs and pipeline as
 * mail.
 */
@ApplicationScoped
public class GmailChangeFeed implements ChangeFeed {

  private static final OutboundCall PROFILE = new OutboundCall("gmail", "profile");
  private static final OutboundCall LIST = new OutboundCall("gmail", "list_messages");
  private static final OutboundCall HISTORY = new OutboundCall("gmail", "history");
  private static final OutboundCall METADATA = new OutboundCall("gmail", "read_metadata");
  private static final OutboundCall READ_FULL = new OutboundCall("gmail", "read_message");
  private static final OutboundCall LABELS = new OutboundCall("gmail", "list_labels");
  private static final OutboundCall WATCH = new OutboundCall("gmail", "watch");
  private static final OutboundCall STOP = new OutboundCall("gmail", "stop");
  private static final OutboundCall ESTIMATE = new OutboundCall("gmail", "estimate");
  static final List<String> HEADERS =
      List.of(
          "From",
          "To",
          "Cc",
          "Subject",
          "Date",
          "Message-ID",
          "List-Unsubscribe",
          "List-Id",
          "Precedence",
          "Auto-Submitted",
          "Sensitivity");
  private static final String METADATA_QUERY =
      "format=metadata"
          + HEADERS.stream().map(h -> "&metadataHeaders=" + h).collect(Collectors.joining());
  private static final Set<String> CAPTURED_LABELS = Set.of("INBOX", "SENT");

  /** The feed's name for the mailbox's primary calendar. */
  public static final String CALENDAR = "calendar";

  /** The fewest messages a page lists when the mailbox's quota has room for fewer than a page. */
  static final long LEAST_PAGE = 5;

  /** A page's listing: getProfile 1, messages.list 5 (history.list 2), labels.list 1. */
  private static final long LISTING_UNITS = 7;

  @Inject GmailMailbox gmail;
  @Inject MailboxQuotas quotas;
  @Inject GoogleCalendarChanges calendar;

  /** The Pub/Sub topic Gmail publishes to, {@code projects/<project>/topics/<topic>}. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.gmail.topic")
  Optional<String> topic;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.gmail.page-size", defaultValue = "100")
  long pageSize;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.gmail.batch-size", defaultValue = "50")
  int batchSize;

  @Override
  public MailboxKind kind() {
    return MailboxKind.GMAIL;
  }

  /**
   * One feed for Inbox and Sent (Gmail's history is per mailbox, not per label), then the primary
   * calendar.
   */
  @Override
  public List<String> folders() {
    return List.of("mail", CALENDAR);
  }

  /**
   * A mail page costs its listing, each message's metadata and, for those captured, the message
   * itself ({@code messages.get} each). Its size follows the room in the mailbox's quota ({@link
   * #messagesPerPage(MailboxAccess)}), so a run starts one when the quota has room for the smallest
   * page (or for what the mailbox's last page cost, if less), and a paced backfill spends the room
   * its window has instead of waiting for a whole page's. A calendar page is one {@code
   * events.list} request under Google Calendar's own quota, not Gmail's.
   */
  @Override
  public Duration paceWait(MailboxAccess mailbox, String folder) {
    if (CALENDAR.equals(folder)) {
      return quotas.pageHeadroom(PacedLimit.GOOGLE_CALENDAR, mailbox.connectionId(), folder, 1);
    }
    long least = pageCost(Math.min(LEAST_PAGE, pageSize));
    long cost = Math.min(least, Math.max(1, quotas.budget(PacedLimit.GMAIL) / 4));
    return quotas.pageHeadroom(PacedLimit.GMAIL, mailbox.connectionId(), folder, cost);
  }

  /**
   * The messages the next page lists: {@code mailbridge.capture.gmail.page-size}, or as many as the
   * mailbox's quota has room for now if that is fewer (at worst two calls per message, its metadata
   * and the message, besides the listing), at least {@value #LEAST_PAGE}. Gmail's page token marks
   * a position in the listing, so the next page goes on from it whatever size this one had.
   */
  long messagesPerPage(MailboxAccess mailbox) {
    long room = quotas.room(PacedLimit.GMAIL, mailbox.connectionId());
    long fits = (room - LISTING_UNITS) / (2 * Math.max(1, gmail.units(METADATA)));
    return Math.max(Math.min(LEAST_PAGE, pageSize), Math.min(pageSize, fits));
  }

  /** A page of {@code messages}' worst cost in Gmail's units. */
  private long pageCost(long messages) {
    return LISTING_UNITS + 2 * messages * gmail.units(METADATA);
  }

  @Override
  public PacedLimit limitOf(String folder) {
    return CALENDAR.equals(folder) ? PacedLimit.GOOGLE_CALENDAR : PacedLimit.GMAIL;
  }

  @Override
  public ChangePage page(MailboxAccess mailbox, String folder, String position, Instant since) {
    if (CALENDAR.equals(folder)) {
      return calendar.page(mailbox, position, since);
    }
    String[] at = (position == null ? "list||" : position).split("\\|", -1);
    String historyId = at.length > 1 && !at[1].isEmpty() ? at[1] : null;
    String pageToken = at.length > 2 && !at[2].isEmpty() ? at[2] : null;
    if (at[0].equals("list")) {
      if (historyId == null) {
        // Noted before listing, so nothing that arrives during the full round is missed.
        historyId =
            GmailMailbox.call(
                    () ->
                        gmail
                            .client(mailbox, PROFILE)
                            .users()
                            .getProfile(GmailMailbox.ME)
                            .execute())
                .getHistoryId()
                .toString();
      }
      String start = historyId;
      long size = messagesPerPage(mailbox);
      ListMessagesResponse listed =
          GmailMailbox.call(
              () ->
                  gmail
                      .client(mailbox, LIST)
                      .users()
                      .messages()
                      .list(GmailMailbox.ME)
                      .setQ(query(since))
                      .setMaxResults(size)
                      .setPageToken(pageToken)
                      .execute());
      List<String> ids = new ArrayList<>();
      if (listed.getMessages() != null) {
        listed.getMessages().forEach(m -> ids.add(m.getId()));
      }
      List<ItemChange> changes = describe(mailbox, ids);
      return listed.getNextPageToken() == null
          ? new ChangePage(changes, "history|" + start + "|", true)
          : new ChangePage(changes, "list|" + start + "|" + listed.getNextPageToken(), false);
    }
    String start = historyId;
    long size = messagesPerPage(mailbox);
    ListHistoryResponse history;
    try {
      history =
          GmailMailbox.call(
              () ->
                  gmail
                      .client(mailbox, HISTORY)
                      .users()
                      .history()
                      .list(GmailMailbox.ME)
                      .setStartHistoryId(new BigInteger(start))
                      .setHistoryTypes(List.of("messageAdded"))
                      .setMaxResults(size)
                      .setPageToken(pageToken)
                      .execute());
    } catch (NotFound tooOld) {
      throw new ChangePositionExpired(
          "Gmail no longer keeps this mailbox's history from the stored point; it is read again");
    }
    Set<String> ids = new LinkedHashSet<>();
    if (history.getHistory() != null) {
      for (History h : history.getHistory()) {
        if (h.getMessagesAdded() == null) {
          continue;
        }
        for (HistoryMessageAdded added : h.getMessagesAdded()) {
          Message m = added.getMessage();
          if (m != null
              && m.getLabelIds() != null
              && m.getLabelIds().stream().anyMatch(CAPTURED_LABELS::contains)) {
            ids.add(m.getId());
          }
        }
      }
    }
    List<ItemChange> changes = describe(mailbox, List.copyOf(ids));
    return history.getNextPageToken() == null
        ? new ChangePage(
            changes,
            "history|" + (history.getHistoryId() == null ? start : history.getHistoryId()) + "|",
            true)
        : new ChangePage(changes, "history|" + start + "|" + history.getNextPageToken(), false);
  }

  /**
   * Each message's participants, marking headers and label names, from its metadata, read in
   * batches of {@code messages.get} calls ({@link #batchSize(MailboxAccess)}): one HTTP request
   * instead of one per message, at the same quota cost.
   */
  private List<ItemChange> describe(MailboxAccess mailbox, List<String> ids) {
    List<ItemChange> changes = new ArrayList<>();
    if (ids.isEmpty()) {
      return changes;
    }
    Map<String, String> labelNames = labelNames(mailbox);
    for (int from = 0; from < ids.size(); ) {
      int size = batchSize(mailbox);
      List<String> batch = ids.subList(from, Math.min(ids.size(), from + size));
      from += batch.size();
      List<Object> answers = metadata(mailbox, batch);
      for (int i = 0; i < batch.size(); i++) {
        if (answers.get(i) instanceof Message meta) {
          changes.add(change(meta, labelNames));
        } else if (answers.get(i) instanceof NotFound) {
          changes.add(ItemChange.removed(batch.get(i)));
        } else {
          throw (DomainProblem) answers.get(i);
        }
      }
    }
    return changes;
  }

  /**
   * The calls the next batch holds: the configured size (Google allows 100 and advises at most 50),
   * no more than a quarter of the mailbox's quota, and no more than fits in what is left of it now,
   * so a batch does not wait for room for all its calls while some of them could go (at least one
   * call, which waits for its room as any request does).
   */
  private int batchSize(MailboxAccess mailbox) {
    // Capture's messages.get calls cost the same, whatever their format.
    long units = Math.max(1, gmail.units(METADATA));
    long quarter = quotas.budget(PacedLimit.GMAIL) / 4 / units;
    long now = quotas.room(PacedLimit.GMAIL, mailbox.connectionId()) / units;
    return (int) Math.max(1, Math.min(Math.min(batchSize, 100), Math.min(quarter, now)));
  }

  /**
   * The metadata of each message, in order: its {@link Message}, or the problem Gmail answered for
   * it ({@link NotFound} for one deleted since it was listed).
   */
  private List<Object> metadata(MailboxAccess mailbox, List<String> ids) {
    return gets(mailbox, ids, METADATA, METADATA_QUERY);
  }

  /**
   * {@code messages.get} of each message in one batch request ({@link GmailBatch}), in order: its
   * {@link Message}, or the problem Gmail answered for it. Google counts each call of the batch
   * against the quota, so the request is paced at their sum. {@code query} is each call's query
   * string ({@code format=…}).
   */
  private List<Object> gets(
      MailboxAccess mailbox, List<String> ids, OutboundCall operation, String query) {
    Gmail client = gmail.client(mailbox, operation, ids.size() * gmail.units(operation));
    String messages = gmail.root() + "gmail/v1/users/" + GmailMailbox.ME + "/messages/";
    List<String> urls = new ArrayList<>(ids.size());
    ids.forEach(id -> urls.add(messages + pathSegment(id) + "?" + query));
    String boundary = "batch_" + UUID.randomUUID().toString().replace("-", "");
    Object[] answers =
        GmailMailbox.call(
            () -> {
              HttpResponse response =
                  client
                      .getRequestFactory()
                      .buildPostRequest(
                          new GenericUrl(gmail.root() + "batch/gmail/v1"),
                          new ByteArrayContent(
                              "multipart/mixed; boundary=" + boundary,
                              GmailBatch.request(boundary, urls)))
                      .execute();
              try (InputStream in = response.getContent()) {
                return GmailBatch.answers(
                    in == null ? new byte[0] : in.readAllBytes(),
                    response.getContentType(),
                    ids.size());
              } finally {
                response.disconnect();
              }
            });
    for (int i = 0; i < answers.length; i++) {
      if (answers[i] == null) {
        answers[i] =
            new ProviderUnreachable(
                "gmail_unavailable", "Gmail left a call of a batch unanswered; try again");
      }
    }
    return List.of(answers);
  }

  /**
   * A message id as one path segment: Gmail's ids are hex; anything but letters, digits, {@code -}
   * and {@code _} is escaped, dots too, so no id reads as {@code ..}.
   */
  static String pathSegment(String id) {
    StringBuilder out = new StringBuilder(id.length());
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private Map<String, String> labelNames(MailboxAccess mailbox) {
    Map<String, String> names = new HashMap<>();
    List<Label> labels =
        GmailMailbox.call(
                () ->
                    gmail.client(mailbox, LABELS).users().labels().list(GmailMailbox.ME).execute())
            .getLabels();
    if (labels != null) {
      labels.forEach(l -> names.put(l.getId(), l.getName()));
    }
    return names;
  }

  /** A metadata answer as a change: participants, times, marking headers and label names. */
  static ItemChange change(Message meta, Map<String, String> labelNames) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (meta.getPayload() != null && meta.getPayload().getHeaders() != null) {
      for (MessagePartHeader h : meta.getPayload().getHeaders()) {
        if (h.getName() != null && h.getValue() != null) {
          headers.putIfAbsent(h.getName().toLowerCase(Locale.ROOT), h.getValue());
        }
      }
    }
    List<String> labels = meta.getLabelIds() == null ? List.of() : meta.getLabelIds();
    List<MailAddress> from = MimeMail.addresses(headers.get("from"));
    Instant received =
        meta.getInternalDate() == null ? null : Instant.ofEpochMilli(meta.getInternalDate());
    MailMessage summary =
        new MailMessage(
            "gmail",
            meta.getId(),
            headers.get("message-id"),
            meta.getThreadId(),
            headers.get("subject"),
            from.isEmpty() ? null : from.get(0),
            MimeMail.addresses(headers.get("to")),
            MimeMail.addresses(headers.get("cc")),
            List.of(),
            labels.contains("SENT"),
            null,
            received,
            null,
            null,
            meta.getSizeEstimate() == null ? 0 : meta.getSizeEstimate(),
            List.of());
    Map<String, String> marking = new LinkedHashMap<>();
    for (String name : MessageMarks.HEADERS) {
      if (headers.containsKey(name)) {
        marking.put(name, headers.get(name));
      }
    }
    List<String> categories = labels.stream().map(id -> labelNames.getOrDefault(id, id)).toList();
    return new ItemChange(
        meta.getId(),
        false,
        summary,
        new MessageMarks(marking.get("sensitivity"), categories, marking));
  }

  /**
   * Gmail pushes through Cloud Pub/Sub: {@code users.watch} on Inbox and Sent publishes to the
   * configured topic (which must let {@code gmail-api-push@system.gserviceaccount.com} publish),
   * whose push subscription calls Mailbridge. Without a topic there is no push and capture relies
   * on polling. The channel is named by the mailbox's address, which is all a push carries.
   */
  @Override
  public PushChannel subscribe(
      MailboxAccess mailbox, String notificationUrl, String clientState, Instant expiresAt) {
    if (topic.isEmpty() || topic.get().isBlank()) {
      throw new ProviderRefused(
          "gmail_push_unavailable",
          "Gmail push is not set up (mailbridge.capture.gmail.topic names no Pub/Sub topic)");
    }
    String address =
        GmailMailbox.call(
                () -> gmail.client(mailbox, PROFILE).users().getProfile(GmailMailbox.ME).execute())
            .getEmailAddress();
    WatchResponse watch =
        GmailMailbox.call(
            () ->
                gmail
                    .client(mailbox, WATCH)
                    .users()
                    .watch(
                        GmailMailbox.ME,
                        new WatchRequest()
                            .setTopicName(topic.get().strip())
                            .setLabelIds(List.of("INBOX", "SENT"))
                            .setLabelFilterBehavior("include"))
                    .execute());
    if (address == null || watch.getExpiration() == null) {
      throw new ProviderRefused(
          "gmail_push_unavailable", "Gmail answered the watch without an address or an end");
    }
    return new PushChannel(
        GooglePushSenders.channelOf(address), Instant.ofEpochMilli(watch.getExpiration()));
  }

  /**
   * {@code users.stop}: Gmail stops publishing the mailbox's changes to the topic (one watch per
   * mailbox, so the channel's name is not needed). Stopping a mailbox with no watch is harmless.
   */
  @Override
  public void unsubscribe(MailboxAccess mailbox, PushChannel channel) {
    GmailMailbox.call(() -> gmail.client(mailbox, STOP).users().stop(GmailMailbox.ME).execute());
  }

  /**
   * {@code messages.list}'s {@code resultSizeEstimate} for the same query as the full round (the
   * backfill window, Inbox or Sent), one call with {@code maxResults=1}; Google calls it an
   * estimate, so percent and ETA are too.
   */
  @Override
  public OptionalLong estimate(MailboxAccess mailbox, String folder, Instant since) {
    if (CALENDAR.equals(folder)) {
      // events.list gives no count; the estimate stays the mail's (percent caps at 99).
      return OptionalLong.of(0);
    }
    ListMessagesResponse listed =
        GmailMailbox.call(
            () ->
                gmail
                    .client(mailbox, ESTIMATE)
                    .users()
                    .messages()
                    .list(GmailMailbox.ME)
                    .setQ(query(since))
                    .setMaxResults(1L)
                    .execute());
    return listed.getResultSizeEstimate() == null
        ? OptionalLong.empty()
        : OptionalLong.of(listed.getResultSizeEstimate());
  }

  private static String query(Instant since) {
    return (since == null ? "" : "after:" + since.getEpochSecond() + " ") + "(in:inbox OR in:sent)";
  }

  /** Google asks for the watch to be renewed daily; it lasts about seven days. */
  @Override
  public Duration renewBefore() {
    return Duration.ofDays(6);
  }

  /**
   * Without attachments the messages are read as {@code format=full} in batch requests like their
   * metadata ({@link #batchSize(MailboxAccess)} calls each): one HTTP request for up to fifty,
   * where each used to cost one. With attachments each is read on its own as {@code format=raw}:
   * its bytes are a whole MIME message, too large to sit in memory beside fifty others.
   */
  @Override
  public Map<String, CapturedItem> read(
      MailboxAccess mailbox, List<String> itemIds, boolean withAttachments) {
    if (withAttachments || itemIds.size() < 2) {
      return ChangeFeed.super.read(mailbox, itemIds, withAttachments);
    }
    Map<String, CapturedItem> items = new LinkedHashMap<>();
    for (int from = 0; from < itemIds.size(); ) {
      int size = batchSize(mailbox);
      List<String> batch = itemIds.subList(from, Math.min(itemIds.size(), from + size));
      from += batch.size();
      List<Object> answers = gets(mailbox, batch, READ_FULL, "format=full");
      for (int i = 0; i < batch.size(); i++) {
        String itemId = batch.get(i);
        if (answers.get(i) instanceof Message full) {
          items.put(
              itemId,
              GmailPartTree.read(
                  itemId, full, attachmentId -> gmail.partData(mailbox, itemId, attachmentId)));
        } else if (!(answers.get(i) instanceof NotFound)) {
          throw (DomainProblem) answers.get(i);
        }
      }
    }
    return items;
  }

  /** Reads of {@code format=full} go together in batches; raw ones one by one. */
  @Override
  public int readTogether(boolean withAttachments) {
    return withAttachments ? 1 : Math.max(1, Math.min(batchSize, 100));
  }

  /**
   * Without attachments the message is read as {@code format=full}: Gmail leaves attachments out of
   * that answer, so a message with a 5 MB file costs a few kilobytes instead of the whole MIME as
   * base64url inside JSON and then decoded (GraphGmailCaptureBench: the raw read of such messages
   * filled a 512 MB heap with ten mailboxes). With attachments the whole {@code format=raw} message
   * is read: its bytes are stored anyway, one call carries them all, and a {@code
   * messages.attachments.get} per file would cost quota units of its own.
   */
  @Override
  public CapturedItem read(MailboxAccess mailbox, String itemId, boolean withAttachments) {
    if (!withAttachments) {
      return GmailPartTree.read(
          itemId,
          gmail.full(mailbox, itemId),
          attachmentId -> gmail.partData(mailbox, itemId, attachmentId));
    }
    Message raw = gmail.raw(mailbox, itemId);
    byte[] bytes = GmailMailbox.decoded(raw);
    return new CapturedItem(GmailMailbox.readRaw(itemId, raw, bytes), MimeMail.marks(bytes));
  }
}
