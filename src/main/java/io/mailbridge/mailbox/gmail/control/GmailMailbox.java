package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.Label;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePartBody;
import com.google.api.services.gmail.model.MessagePartHeader;
import com.google.api.services.gmail.model.ModifyMessageRequest;
import io.mailbridge.mailbox.control.LoggedMark;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxQuotas;
import io.mailbridge.mailbox.control.MessageSource;
import io.mailbridge.mailbox.control.PacedLimit;
import io.mailbridge.mailbox.control.ProviderAnswerTooLarge;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderOutbound;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ProviderTimeout;
import io.mailbridge.mailbox.control.ProviderUnreachable;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.mailbox.gmail.control.OutboundGoogleTransport.OutboundIOException;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MimeMail;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Gmail mailbox read through Google's API client: whole messages as {@code format=raw} parsed
 * with Angus Mail (or, for capture that keeps no attachment bytes, {@code format=full}),
 * participants from {@code format=metadata}, and the "Logged to CRM" label.
 */
@ApplicationScoped
public class GmailMailbox implements MessageSource {

  private static final Logger LOG = Logger.getLogger(GmailMailbox.class.getName());

  /** The label a logged message gets, created in the mailbox when it is missing. */
  public static final String LOGGED_LABEL = "Logged to CRM";

  static final String ME = "me";

  private static final OutboundCall READ_MESSAGE = new OutboundCall("gmail", "read_message");
  private static final OutboundCall READ_ATTACHMENT = new OutboundCall("gmail", "read_attachment");
  private static final OutboundCall READ_PARTICIPANTS =
      new OutboundCall("gmail", "read_participants");
  private static final OutboundCall LIST_LABELS = new OutboundCall("gmail", "list_labels");
  private static final OutboundCall CREATE_LABEL = new OutboundCall("gmail", "create_label");
  private static final OutboundCall ADD_LABEL = new OutboundCall("gmail", "add_label");

  @Inject OutboundHttp outbound;
  @Inject ProviderOutbound providerOutbound;
  @Inject MailboxQuotas quotas;

  /**
   * Quota units per call, by operation, as Google documents them per method
   * (developers.google.com/gmail/api/reference/quota, "Per-method quota usage"): getProfile 1,
   * labels.list 1, history.list 2, messages.get / list / modify, messages.attachments.get and
   * labels.create 5, users.stop 50, users.watch and messages.send 100. {@code messages.get} is a
   * setting, since some 2026 notes say it costs more (unverified).
   */
  static final Map<String, Long> UNITS =
      Map.ofEntries(
          Map.entry("profile", 1L),
          Map.entry("list_labels", 1L),
          Map.entry("history", 2L),
          Map.entry("list_messages", 5L),
          Map.entry("estimate", 5L),
          Map.entry("find_sent", 5L),
          Map.entry("create_label", 5L),
          Map.entry("add_label", 5L),
          Map.entry("read_attachment", 5L),
          Map.entry("stop", 50L),
          Map.entry("watch", 100L),
          Map.entry("send_message", 100L));

  /** The operations that are a {@code messages.get}. */
  static final java.util.Set<String> MESSAGE_GETS =
      java.util.Set.of("read_message", "read_participants", "read_metadata");

  @Inject
  @ConfigProperty(name = "mailbridge.capture.gmail.message-get-units", defaultValue = "5")
  long messageGetUnits;

  @Inject
  @ConfigProperty(
      name = "mailbridge.google.gmail-url",
      defaultValue = "https://gmail.googleapis.com/")
  String gmailUrl;

  @Inject
  @ConfigProperty(name = "mailbridge.gmail.timeout", defaultValue = "PT60S")
  Duration timeout;

  // A 25 MB message is about 34 MB as base64url inside JSON.
  @Inject
  @ConfigProperty(name = "mailbridge.gmail.max-response-bytes", defaultValue = "52428800")
  long maxResponseBytes;

  /**
   * A client for one operation on one mailbox: its calls carry that operation's label in the
   * metrics and are paced under the mailbox's Gmail quota at the operation's unit cost.
   */
  Gmail client(MailboxAccess mailbox, OutboundCall operation) {
    return client(mailbox, operation, units(operation));
  }

  /**
   * A client whose every HTTP request is paced at {@code units}: a batch of n calls is one request
   * that Google counts as n.
   */
  Gmail client(MailboxAccess mailbox, OutboundCall operation, long units) {
    String root = root();
    OutboundGoogleTransport transport =
        new OutboundGoogleTransport(
                outbound,
                operation,
                providerOutbound.policyFor(root),
                new OutboundLimits(timeout, maxResponseBytes, 2))
            .pacedAs(quotas, PacedLimit.GMAIL, mailbox.connectionId(), units);
    String accessToken = mailbox.credential();
    return new Gmail.Builder(
            transport,
            GsonFactory.getDefaultInstance(),
            request -> {
              request.getHeaders().setAuthorization("Bearer " + accessToken);
              // Errors are mapped here; the library must not retry on its own.
              request.setNumberOfRetries(0);
            })
        .setRootUrl(root)
        .setApplicationName("Mailbridge")
        .build();
  }

  /** The Gmail API's root URL, ending in a slash. */
  String root() {
    return gmailUrl.endsWith("/") ? gmailUrl : gmailUrl + "/";
  }

  /** The quota units one call of {@code operation} costs; 5 for one not in Google's table here. */
  long units(OutboundCall operation) {
    if (MESSAGE_GETS.contains(operation.operation())) {
      return messageGetUnits;
    }
    return UNITS.getOrDefault(operation.operation(), 5L);
  }

  @Override
  public MailboxKind kind() {
    return MailboxKind.GMAIL;
  }

  @Override
  public ReadMessage read(MailboxAccess mailbox, String messageId) {
    return readRaw(messageId, raw(mailbox, messageId));
  }

  /** The raw message carried every attachment already: nothing more is fetched. */
  @Override
  public List<MailAttachment> open(
      MailboxAccess mailbox, ReadMessage read, List<String> attachmentIds) {
    return attachmentIds.stream().map(read.attachments()::get).toList();
  }

  /**
   * Labels the message "Logged to CRM". The email is stored by then and the label is only a hint
   * for the rep, so a provider that refuses it leaves the mark unwritten instead of failing.
   */
  @Override
  public LoggedMark markLogged(MailboxAccess mailbox, String messageId, String activityId) {
    try {
      addLoggedLabel(mailbox, messageId);
      return new LoggedMark(null, LOGGED_LABEL, true);
    } catch (ProviderRefused
        | ProviderBusy
        | ProviderUnreachable
        | ProviderTimeout
        | NotFound labelFailed) {
      LOG.log(Level.INFO, "Gmail label not added: {0}", labelFailed.code());
      return new LoggedMark(null, LOGGED_LABEL, false);
    }
  }

  /** Gmail keeps a label, not the activity id. */
  @Override
  public String loggedActivity(MailboxAccess mailbox, String messageId) {
    return null;
  }

  @Override
  public List<MailAddress> participants(MailboxAccess mailbox, String messageId) {
    return participantsOf(metadata(mailbox, messageId));
  }

  /** {@code GET users/me/messages/{id}?format=raw}. */
  Message raw(MailboxAccess mailbox, String messageId) {
    return message(mailbox, messageId, "raw");
  }

  private Message message(MailboxAccess mailbox, String messageId, String format) {
    return call(
        () ->
            client(mailbox, READ_MESSAGE)
                .users()
                .messages()
                .get(ME, messageId)
                .setFormat(format)
                .execute());
  }

  /**
   * {@code GET users/me/messages/{id}?format=full}: the headers and the part tree, text parts with
   * their bytes, attachments by id and size only.
   */
  Message full(MailboxAccess mailbox, String messageId) {
    return message(mailbox, messageId, "full");
  }

  /** {@code GET users/me/messages/{id}/attachments/{attachmentId}}: one part's bytes. */
  byte[] partData(MailboxAccess mailbox, String messageId, String attachmentId) {
    MessagePartBody body =
        call(
            () ->
                client(mailbox, READ_ATTACHMENT)
                    .users()
                    .messages()
                    .attachments()
                    .get(ME, messageId, attachmentId)
                    .execute());
    return body.getData() == null ? new byte[0] : base64url(body.getData(), body::decodeData);
  }

  /**
   * A {@code format=raw} answer in the normalized model: the owner sent it when Gmail labels it
   * SENT; attachments by MIME part id (stable across reads, unlike Gmail's attachment ids).
   */
  static ReadMessage readRaw(String messageId, Message raw) {
    return readRaw(messageId, raw, decoded(raw));
  }

  /**
   * The same from the message's bytes decoded once by the caller: decoding a large {@code raw}
   * (Guava's base64 behind {@code decodeRaw}) was the largest share of CPU in a Gmail backfill
   * (GraphGmailCaptureBench's profile), and capture needs the bytes twice.
   */
  static ReadMessage readRaw(String messageId, Message raw, byte[] bytes) {
    boolean ownerSent = raw.getLabelIds() != null && raw.getLabelIds().contains("SENT");
    try {
      MimeMail.Parsed parsed = MimeMail.parse("gmail", messageId, bytes, ownerSent);
      return new ReadMessage(parsed.message(), parsed.attachmentsByPart(), null);
    } catch (MimeMail.UnreadableMessage e) {
      throw new ProviderRefused("gmail_error", "Gmail sent a message that is not readable MIME");
    }
  }

  /** The bytes of a {@code format=raw} answer; a refusal when Gmail sent none. */
  static byte[] decoded(Message raw) {
    if (raw.getRaw() == null) {
      throw new ProviderRefused("gmail_error", "Gmail answered without the message's content");
    }
    return base64url(raw.getRaw(), raw::decodeRaw);
  }

  /**
   * Gmail's base64url bytes, decoded by the JDK: the client library's {@code decodeData} and {@code
   * decodeRaw} go through Guava's decoder, a tenth of the CPU of a Gmail backfill
   * (GraphGmailCaptureBench's profile). Whatever the JDK's decoder refuses (the standard alphabet,
   * line breaks) is decoded as the library decodes it.
   */
  static byte[] base64url(String data, Supplier<byte[]> library) {
    try {
      return Base64.getUrlDecoder().decode(data);
    } catch (IllegalArgumentException notUrlSafe) {
      return library.get();
    }
  }

  /** {@code GET users/me/messages/{id}?format=metadata} with From, To and Cc only. */
  Message metadata(MailboxAccess mailbox, String messageId) {
    return call(
        () ->
            client(mailbox, READ_PARTICIPANTS)
                .users()
                .messages()
                .get(ME, messageId)
                .setFormat("metadata")
                .setMetadataHeaders(List.of("From", "To", "Cc"))
                .execute());
  }

  /** The addresses of a metadata answer's From, To and Cc headers, in the headers' order. */
  static List<MailAddress> participantsOf(Message meta) {
    List<MailAddress> participants = new ArrayList<>();
    if (meta.getPayload() != null && meta.getPayload().getHeaders() != null) {
      for (MessagePartHeader header : meta.getPayload().getHeaders()) {
        String name = header.getName() == null ? "" : header.getName().toLowerCase(Locale.ROOT);
        if (name.equals("from") || name.equals("to") || name.equals("cc")) {
          participants.addAll(MimeMail.addresses(header.getValue()));
        }
      }
    }
    return participants;
  }

  /** Adds the "Logged to CRM" label, creating it first when the mailbox has none. */
  String addLoggedLabel(MailboxAccess mailbox, String messageId) {
    String labelId = loggedLabelId(mailbox);
    call(
        () ->
            client(mailbox, ADD_LABEL)
                .users()
                .messages()
                .modify(ME, messageId, new ModifyMessageRequest().setAddLabelIds(List.of(labelId)))
                .execute());
    return labelId;
  }

  private String loggedLabelId(MailboxAccess mailbox) {
    List<Label> labels =
        call(() -> client(mailbox, LIST_LABELS).users().labels().list(ME).execute()).getLabels();
    if (labels != null) {
      for (Label label : labels) {
        if (LOGGED_LABEL.equalsIgnoreCase(label.getName())) {
          return label.getId();
        }
      }
    }
    Label created =
        call(
            () ->
                client(mailbox, CREATE_LABEL)
                    .users()
                    .labels()
                    .create(
                        ME,
                        new Label()
                            .setName(LOGGED_LABEL)
                            .setLabelListVisibility("labelShow")
                            .setMessageListVisibility("show"))
                    .execute());
    return created.getId();
  }

  @FunctionalInterface
  interface GmailCall<T> {
    T run() throws IOException;
  }

  static <T> T call(GmailCall<T> call) {
    try {
      return call.run();
    } catch (OutboundIOException e) {
      throw switch (e.failure().reason()) {
        case TIMEOUT -> new ProviderTimeout("gmail_timeout", "Gmail did not answer in time");
        case TOO_LARGE ->
            new ProviderAnswerTooLarge("The message is larger than Mailbridge reads from Gmail");
        case REFUSED -> new ProviderRefused("gmail_error", e.getMessage());
        case FAILED ->
            new ProviderUnreachable(
                "gmail_unavailable",
                "Gmail could not be reached; try again",
                Duration.ofSeconds(30));
      };
    } catch (OutboundGoogleTransport.PacedIOException e) {
      throw e.spent(); // not sent: the mailbox's budget is spent for now
    } catch (HttpResponseException e) {
      throw problemOf(e);
    } catch (IOException e) {
      LOG.log(Level.FINE, "Gmail call failed", e);
      throw new ProviderUnreachable("gmail_unavailable", "Gmail could not be reached; try again");
    }
  }

  static DomainProblem problemOf(HttpResponseException e) {
    String reason =
        e instanceof GoogleJsonResponseException json && json.getDetails() != null
            ? json.getDetails().getMessage()
            : null;
    return problemOf(e.getStatusCode(), reason, e.getHeaders());
  }

  /**
   * The problem a Gmail answer of this status means, with Google's reason (null when it gave none)
   * and the answer's headers (for {@code Retry-After}); also used for each call of a batch.
   */
  static DomainProblem problemOf(int status, String reason, HttpHeaders headers) {
    return switch (status) {
      case 404 -> new NotFound("Gmail message");
      case 401 ->
          new ProviderRefused(
              "gmail_unauthorized",
              "Gmail did not accept Mailbridge's access; reconnect the mailbox");
      case 403 ->
          new ProviderRefused(
              "gmail_forbidden",
              "Gmail refused the request" + (reason == null ? "" : ": " + reason));
      case 429, 500, 502, 503, 504 ->
          new ProviderBusy(
              "gmail_unavailable", "Gmail is busy; try again shortly", retryAfter(headers));
      default ->
          new ProviderRefused(
              "gmail_error", "Gmail answered " + status + (reason == null ? "" : ": " + reason));
    };
  }

  /** The wait Google named in {@code Retry-After}, or half a minute. */
  static Duration retryAfter(HttpHeaders headers) {
    Object value = headers == null ? null : headers.get("retry-after");
    if (value instanceof List<?> list && !list.isEmpty()) {
      value = list.get(0);
    }
    try {
      return value == null
          ? Duration.ofSeconds(30)
          : Duration.ofSeconds(Long.parseLong(value.toString().strip()));
    } catch (NumberFormatException notSeconds) {
      return Duration.ofSeconds(30);
    }
  }
}
