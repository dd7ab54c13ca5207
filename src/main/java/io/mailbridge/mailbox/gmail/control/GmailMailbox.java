package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.Label;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePartHeader;
import com.google.api.services.gmail.model.ModifyMessageRequest;
import io.mailbridge.mailbox.control.ProviderAnswerTooLarge;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderOutbound;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ProviderTimeout;
import io.mailbridge.mailbox.control.ProviderUnreachable;
import io.mailbridge.mailbox.gmail.control.OutboundGoogleTransport.OutboundIOException;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MimeMail;
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
public class GmailMailbox {

  private static final Logger LOG = Logger.getLogger(GmailMailbox.class.getName());

  /** The label a logged message gets, created in the mailbox when it is missing. */
  public static final String LOGGED_LABEL = "Logged to CRM";

  private static final String ME = "me";

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

  private Gmail client(String accessToken) {
    String root = gmailUrl.endsWith("/") ? gmailUrl : gmailUrl + "/";
    OutboundGoogleTransport transport =
        new OutboundGoogleTransport(
            outbound,
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

  /** The whole message, parsed; attachments are described by part id with their bytes. */
  public GmailItem read(String accessToken, String messageId) {
    Message raw =
        call(
            () ->
                client(accessToken)
                    .users()
                    .messages()
                    .get(ME, messageId)
                    .setFormat("raw")
                    .execute());
    if (raw.getRaw() == null) {
      throw new ProviderRefused("gmail_error", "Gmail answered without the message's content");
    }
    boolean ownerSent = raw.getLabelIds() != null && raw.getLabelIds().contains("SENT");
    try {
      MimeMail.Parsed parsed = MimeMail.parse("gmail", messageId, raw.decodeRaw(), ownerSent);
      return new GmailItem(parsed.message(), parsed.attachmentsByPart());
    } catch (MimeMail.UnreadableMessage e) {
      throw new ProviderRefused("gmail_error", "Gmail sent a message that is not readable MIME");
    }
  }

  /** From, To and Cc of a message, without downloading it. */
  public List<MailAddress> participants(String accessToken, String messageId) {
    Message meta =
        call(
            () ->
                client(accessToken)
                    .users()
                    .messages()
                    .get(ME, messageId)
                    .setFormat("metadata")
                    .setMetadataHeaders(List.of("From", "To", "Cc"))
                    .execute());
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
  public String addLoggedLabel(String accessToken, String messageId) {
    Gmail gmail = client(accessToken);
    String labelId = loggedLabelId(gmail);
    call(
        () ->
            gmail
                .users()
                .messages()
                .modify(ME, messageId, new ModifyMessageRequest().setAddLabelIds(List.of(labelId)))
                .execute());
    return labelId;
  }

  private String loggedLabelId(Gmail gmail) {
    List<Label> labels = call(() -> gmail.users().labels().list(ME).execute()).getLabels();
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
                gmail
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
  private interface GmailCall<T> {
    T run() throws IOException;
  }

  private static <T> T call(GmailCall<T> call) {
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

  private static DomainProblem problemOf(HttpResponseException e) {
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

  private static Duration retryAfter(HttpResponseException e) {
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
