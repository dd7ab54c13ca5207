package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.Label;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePartHeader;
import com.google.api.services.gmail.model.ModifyMessageRequest;
import io.mailbridge.mailbox.control.LoggedMark;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MessageSource;
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
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Gmail mailbox read through Google's API client: whole messages as {@code format=raw} parsed
 * with Angus Mail, participants from {@code format=metadata}, and the "Logged to CRM" label.
 */
@ApplicationScoped
public class GmailMailbox implements MessageSource {

  private static final Logger LOG = Logger.getLogger(GmailMailbox.class.getName());

  /** The label a logged message gets, created in the mailbox when it is missing. */
  public static final String LOGGED_LABEL = "Logged to CRM";

  static final String ME = "me";

  private static final OutboundCall READ_MESSAGE = new OutboundCall("gmail", "read_message");
  private static final OutboundCall READ_PARTICIPANTS =
      new OutboundCall("gmail", "read_participants");
  private static final OutboundCall LIST_LABELS = new OutboundCall("gmail", "list_labels");
  private static final OutboundCall CREATE_LABEL = new OutboundCall("gmail", "create_label");
  private static final OutboundCall ADD_LABEL = new OutboundCall("gmail", "add_label");

  @Inject OutboundHttp outbound;
  @Inject ProviderOutbound providerOutbound;

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

  /** A client for one operation: its calls carry that operation's label in the metrics. */
  Gmail client(String accessToken, OutboundCall operation) {
    String root = gmailUrl.endsWith("/") ? gmailUrl : gmailUrl + "/";
    OutboundGoogleTransport transport =
        new OutboundGoogleTransport(
            outbound,
            operation,
            providerOutbound.policyFor(root),
            new OutboundLimits(timeout, maxResponseBytes, 2));
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

  @Override
  public MailboxKind kind() {
    return MailboxKind.GMAIL;
  }

  @Override
  public ReadMessage read(MailboxAccess mailbox, String messageId) {
    return read(mailbox.credential(), messageId);
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
      addLoggedLabel(mailbox.credential(), messageId);
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
    return participants(mailbox.credential(), messageId);
  }

  /** The whole message, parsed; attachments are described by part id with their bytes. */
  ReadMessage read(String accessToken, String messageId) {
    return readRaw(messageId, raw(accessToken, messageId));
  }

  /** {@code GET users/me/messages/{id}?format=raw}. */
  Message raw(String accessToken, String messageId) {
    return call(
        () ->
            client(accessToken, READ_MESSAGE)
                .users()
                .messages()
                .get(ME, messageId)
                .setFormat("raw")
                .execute());
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
    return raw.decodeRaw();
  }

  /** From, To and Cc of a message, without downloading it. */
  List<MailAddress> participants(String accessToken, String messageId) {
    return participantsOf(metadata(accessToken, messageId));
  }

  /** {@code GET users/me/messages/{id}?format=metadata} with From, To and Cc only. */
  Message metadata(String accessToken, String messageId) {
    return call(
        () ->
            client(accessToken, READ_PARTICIPANTS)
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
  String addLoggedLabel(String accessToken, String messageId) {
    String labelId = loggedLabelId(accessToken);
    call(
        () ->
            client(accessToken, ADD_LABEL)
                .users()
                .messages()
                .modify(ME, messageId, new ModifyMessageRequest().setAddLabelIds(List.of(labelId)))
                .execute());
    return labelId;
  }

  private String loggedLabelId(String accessToken) {
    List<Label> labels =
        call(() -> client(accessToken, LIST_LABELS).users().labels().list(ME).execute())
            .getLabels();
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
                client(accessToken, CREATE_LABEL)
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
    return switch (e.getStatusCode()) {
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
          new ProviderBusy("gmail_unavailable", "Gmail is busy; try again shortly", retryAfter(e));
      default ->
          new ProviderRefused(
              "gmail_error",
              "Gmail answered " + e.getStatusCode() + (reason == null ? "" : ": " + reason));
    };
  }

  /** The wait Google named in {@code Retry-After}, or half a minute. */
  static Duration retryAfter(HttpResponseException e) {
    Object value = e.getHeaders() == null ? null : e.getHeaders().get("retry-after");
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
