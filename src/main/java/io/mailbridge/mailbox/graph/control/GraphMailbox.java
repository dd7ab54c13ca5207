package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.models.Attachment;
import com.microsoft.graph.models.AttachmentCollectionResponse;
import com.microsoft.graph.models.FileAttachment;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.UserItemRequestBuilder;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import io.mailbridge.mailbox.control.LoggedMark;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxQuotas;
import io.mailbridge.mailbox.control.MessageSource;
import io.mailbridge.mailbox.control.ProviderAnswerTooLarge;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderOutbound;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ProviderTimeout;
import io.mailbridge.mailbox.control.ProviderUnreachable;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.mailbox.graph.control.OutboundGraphClient.OutboundIOException;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MimeMail;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.OkHttpClient;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A mailbox read over Microsoft Graph with the Graph SDK, as the signed-in user (delegated token):
 * the message's MIME ({@code $value}), its attachments' descriptions and, when chosen, their bytes,
 * and the single-value extended property that marks a logged message. Throttling (429/503 with
 * Retry-After) is retried by the SDK within a bounded time, then answered as 503.
 */
@ApplicationScoped
public class GraphMailbox implements MessageSource {

  private static final Logger LOG = Logger.getLogger(GraphMailbox.class.getName());

  /** The same MAPI named property the EWS path writes: one "logged" mark for both. */
  public static final String LOGGED_PROPERTY_SET = "c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58";

  public static final String LOGGED_PROPERTY_NAME = "MailbridgeActivityId";
  static final String LOGGED_PROPERTY_ID =
      "String {" + LOGGED_PROPERTY_SET + "} Name " + LOGGED_PROPERTY_NAME;

  @Inject OutboundHttp outbound;
  @Inject ProviderOutbound providerOutbound;
  @Inject MailboxQuotas quotas;

  @Inject
  @ConfigProperty(
      name = "mailbridge.microsoft.graph-url",
      defaultValue = "https://graph.microsoft.com/v1.0")
  String graphUrl;

  @Inject
  @ConfigProperty(name = "mailbridge.graph.timeout", defaultValue = "PT60S")
  Duration timeout;

  @Inject
  @ConfigProperty(name = "mailbridge.graph.max-response-bytes", defaultValue = "52428800")
  long maxResponseBytes;

  @Inject
  @ConfigProperty(name = "mailbridge.graph.throttle-retries", defaultValue = "3")
  int throttleRetries;

  @Inject
  @ConfigProperty(name = "mailbridge.graph.max-backoff", defaultValue = "PT10S")
  Duration maxBackoff;

  private volatile OkHttpClient http;

  private OkHttpClient http() {
    OkHttpClient client = http;
    if (client == null) {
      synchronized (this) {
        if (http == null) {
          http =
              OutboundGraphClient.create(
                  outbound, providerOutbound.policyFor(graphUrl), timeout, maxResponseBytes);
        }
        client = http;
      }
    }
    return client;
  }

  /**
   * A client for the calls of one mailbox, paced under Graph's per-mailbox limits ({@link
   * MailboxQuotas}); keyed by the connection or captured mailbox id.
   */
  GraphServiceClient client(MailboxAccess mailbox) {
    return client(mailbox.credential(), mailbox.connectionId());
  }

  /** A client for calls that name no one mailbox (directory, groups): not paced. */
  GraphServiceClient client(String accessToken) {
    return client(accessToken, null);
  }

  /** A client whose calls are paced as {@code mailboxId}'s, or not paced when it is null. */
  GraphServiceClient client(String accessToken, String mailboxId) {
    String host = URI.create(graphUrl).getHost();
    AccessTokenProvider tokens =
        new AccessTokenProvider() {
          @Override
          public String getAuthorizationToken(URI uri, Map<String, Object> context) {
            return host.equalsIgnoreCase(uri.getHost()) ? accessToken : "";
          }

          @Override
          public AllowedHostsValidator getAllowedHostsValidator() {
            return new AllowedHostsValidator(host);
          }
        };
    OkHttpClient http =
        mailboxId == null ? http() : OutboundGraphClient.paced(http(), quotas, mailboxId);
    GraphServiceClient graph =
        new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens), http);
    graph
        .getRequestAdapter()
        .setBaseUrl(
            graphUrl.endsWith("/") ? graphUrl.substring(0, graphUrl.length() - 1) : graphUrl);
    return graph;
  }

  /** The operation's label for the metrics, and the retries. */
  List<RequestOption> options(GraphOperation operation) {
    return List.of(operation, retries());
  }

  /**
   * The operation's label and no retries by the SDK: for a request that must not be repeated
   * blindly (a send whose 503 or 504 may come after Graph took the message).
   */
  List<RequestOption> onceOnly(GraphOperation operation) {
    return List.of(
        operation, new RetryHandlerOption((delay, attempt, request, response) -> false, 0, 0));
  }

  /** Retries throttling only when Graph asks for a wait Mailbridge is willing to make. */
  private RetryHandlerOption retries() {
    return new RetryHandlerOption(
        (defaultDelay, attempt, request, response) ->
            retryAfterSeconds(response.header("Retry-After"), defaultDelay)
                <= maxBackoff.toSeconds(),
        throttleRetries,
        1);
  }

  private static long retryAfterSeconds(String header, long otherwise) {
    try {
      return header == null ? otherwise : Long.parseLong(header.strip());
    } catch (NumberFormatException httpDate) {
      return Long.MAX_VALUE; // a date: far enough that Mailbridge does not wait for it
    }
  }

  @Override
  public MailboxKind kind() {
    return MailboxKind.GRAPH;
  }

  /** Graph attachments are described lazily: their bytes are fetched when the store reads them. */
  @Override
  public List<MailAttachment> open(
      MailboxAccess mailbox, ReadMessage read, List<String> attachmentIds) {
    return attachmentIds.stream().map(read.attachments()::get).toList();
  }

  @Override
  public LoggedMark markLogged(MailboxAccess mailbox, String messageId, String activityId) {
    writeLoggedMark(mailbox, messageId, activityId);
    return new LoggedMark(LOGGED_PROPERTY_SET, LOGGED_PROPERTY_NAME, true);
  }

  /**
   * The message (MIME) and its attachments' descriptions, no attachment bytes yet; in the token's
   * own mailbox ({@code /me}), or in the app-only mailbox's user's ({@link MailboxAccess#appUser}).
   */
  @Override
  public ReadMessage read(MailboxAccess mailbox, String messageId) {
    byte[] mime = mime(mailbox, messageId);
    MailMessage message;
    try {
      message = MimeMail.read("graph", messageId, mime, false);
    } catch (MimeMail.UnreadableMessage e) {
      throw new ProviderRefused("graph_error", "Graph sent a message that is not readable MIME");
    }
    return new ReadMessage(
        message,
        described(
            attachmentList(mailbox, messageId),
            id -> () -> new ByteArrayInputStream(attachmentBytes(mailbox, messageId, id))),
        null);
  }

  /** {@code GET /me/messages/{id}/$value} (or {@code /users/{user}/…}): the message as MIME. */
  byte[] mime(MailboxAccess mailbox, String messageId) {
    String user = mailbox.appUser();
    GraphServiceClient graph = client(mailbox);
    return call(
        () -> {
          try (InputStream in =
              mailboxOf(graph, user)
                  .messages()
                  .byMessageId(messageId)
                  .content()
                  .get(c -> c.options.addAll(options(GraphOperation.READ_MESSAGE)))) {
            return in == null ? new byte[0] : in.readAllBytes();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /** {@code GET /me/messages/{id}/attachments}: the descriptions only, no bytes. */
  List<Attachment> attachmentList(MailboxAccess mailbox, String messageId) {
    AttachmentCollectionResponse listed =
        call(
            () ->
                mailboxOf(client(mailbox), mailbox.appUser())
                    .messages()
                    .byMessageId(messageId)
                    .attachments()
                    .get(
                        c -> {
                          c.queryParameters.select =
                              new String[] {"id", "name", "contentType", "size", "isInline"};
                          c.options.addAll(options(GraphOperation.LIST_ATTACHMENTS));
                        }));
    return listed == null || listed.getValue() == null ? List.of() : listed.getValue();
  }

  /**
   * Graph's attachment list as descriptors by Graph attachment id, in Graph's order; the bytes come
   * from {@code content} when someone opens one.
   */
  static Map<String, MailAttachment> described(
      List<Attachment> listed, Function<String, MailAttachment.Content> content) {
    Map<String, MailAttachment> attachments = new LinkedHashMap<>();
    for (Attachment attachment : listed) {
      String id = attachment.getId();
      attachments.put(
          id,
          new MailAttachment(
              attachment.getName() == null ? "attachment" : attachment.getName(),
              attachment.getContentType() == null
                  ? "application/octet-stream"
                  : attachment.getContentType(),
              attachment.getSize() == null ? 0 : attachment.getSize(),
              content.apply(id)));
    }
    return attachments;
  }

  /** One attachment's bytes: its {@code contentBytes}, or the raw {@code $value} of the others. */
  byte[] attachmentBytes(MailboxAccess mailbox, String messageId, String attachmentId) {
    String user = mailbox.appUser();
    GraphServiceClient graph = client(mailbox);
    Attachment attachment =
        call(
            () ->
                mailboxOf(graph, user)
                    .messages()
                    .byMessageId(messageId)
                    .attachments()
                    .byAttachmentId(attachmentId)
                    .get(c -> c.options.addAll(options(GraphOperation.READ_ATTACHMENT))));
    if (attachment instanceof FileAttachment file && file.getContentBytes() != null) {
      return file.getContentBytes();
    }
    // Item and reference attachments have no contentBytes: their raw form is the $value.
    Map<String, Object> parameters =
        new HashMap<>(Map.of("messageId", messageId, "attachmentId", attachmentId));
    if (user != null) {
      parameters.put("userId", user);
    }
    RequestInformation raw =
        new RequestInformation(
            HttpMethod.GET,
            (user == null ? "{+baseurl}/me" : "{+baseurl}/users/{userId}")
                + "/messages/{messageId}/attachments/{attachmentId}/$value",
            parameters);
    raw.addRequestOptions(options(GraphOperation.READ_ATTACHMENT));
    return call(
        () -> {
          try (InputStream in =
              graph.getRequestAdapter().sendPrimitive(raw, null, InputStream.class)) {
            return in == null ? new byte[0] : in.readAllBytes();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /** The mailbox a request goes to: the token's own user, or {@code user} for app-only access. */
  static UserItemRequestBuilder mailboxOf(GraphServiceClient graph, String user) {
    return user == null ? graph.me() : graph.users().byUserId(user);
  }

  /** Writes the activity id into the message, so Outlook shows it as logged. */
  void writeLoggedMark(MailboxAccess mailbox, String messageId, String activityId) {
    SingleValueLegacyExtendedProperty property = new SingleValueLegacyExtendedProperty();
    property.setId(LOGGED_PROPERTY_ID);
    property.setValue(activityId);
    Message patch = new Message();
    patch.setSingleValueExtendedProperties(List.of(property));
    call(
        () ->
            client(mailbox)
                .me()
                .messages()
                .byMessageId(messageId)
                .patch(patch, c -> c.options.addAll(options(GraphOperation.MARK_LOGGED))));
  }

  /** The activity id written into the message, if it was logged. */
  @Override
  public String loggedActivity(MailboxAccess mailbox, String messageId) {
    Message message =
        call(
            () ->
                client(mailbox)
                    .me()
                    .messages()
                    .byMessageId(messageId)
                    .get(
                        c -> {
                          c.queryParameters.select = new String[] {"id"};
                          c.queryParameters.expand =
                              new String[] {
                                "singleValueExtendedProperties($filter=id eq '"
                                    + LOGGED_PROPERTY_ID
                                    + "')"
                              };
                          c.options.addAll(options(GraphOperation.READ_LOGGED_MARK));
                        }));
    if (message == null || message.getSingleValueExtendedProperties() == null) {
      return null;
    }
    return message.getSingleValueExtendedProperties().stream()
        .filter(p -> LOGGED_PROPERTY_ID.equalsIgnoreCase(p.getId()))
        .map(SingleValueLegacyExtendedProperty::getValue)
        .findFirst()
        .orElse(null);
  }

  <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (ApiException e) {
      throw problemOf(e);
    } catch (DomainProblem mapped) {
      // A caller that mapped the answer itself (sending has its own meaning of a 4xx).
      throw mapped;
    } catch (RuntimeException e) {
      OutboundGraphClient.PacedIOException paced =
          find(e, OutboundGraphClient.PacedIOException.class);
      if (paced != null) {
        throw paced.spent(); // not sent: the mailbox's budget is spent for now
      }
      OutboundIOException refused = find(e);
      if (refused != null) {
        throw switch (refused.failure().reason()) {
          case TIMEOUT ->
              new ProviderTimeout("graph_timeout", "Microsoft Graph did not answer in time");
          case TOO_LARGE ->
              new ProviderAnswerTooLarge(
                  "The answer of Microsoft Graph is larger than Mailbridge reads");
          case REFUSED -> new ProviderRefused("graph_error", refused.getMessage());
          case FAILED ->
              new ProviderUnreachable(
                  "graph_unavailable",
                  "Microsoft Graph could not be reached; try again",
                  Duration.ofSeconds(30));
        };
      }
      if (find(e, java.io.InterruptedIOException.class) != null) {
        throw new ProviderBusy(
            "graph_busy",
            "Microsoft Graph kept asking to wait; try again shortly",
            Duration.ofSeconds(30));
      }
      LOG.log(
          Level.WARNING,
          "Graph call failed: {0}",
          String.valueOf(e.getCause() == null ? e : e.getCause()));
      throw new ProviderUnreachable(
          "graph_unavailable",
          "Microsoft Graph could not be reached; try again",
          Duration.ofSeconds(30));
    }
  }

  static DomainProblem problemOf(ApiException e) {
    return switch (e.getResponseStatusCode()) {
      case 404 -> new NotFound("Message in Microsoft 365");
      // Only delta links expire this way (sync state gone): the folder is read again.
      case 410 ->
          new io.mailbridge.mailbox.control.ChangePositionExpired(
              "Microsoft Graph no longer knows this mailbox's sync state; it is read again");
      case 401 ->
          new ProviderRefused(
              "graph_unauthorized",
              "Microsoft Graph did not accept Mailbridge's access; sign in to the add-in again");
      case 403 ->
          new ProviderRefused(
              "graph_forbidden",
              "Microsoft Graph refused: an admin may need to grant Mailbridge's permissions (/api/admin/microsoft/consent)");
      case 429, 503, 504 ->
          new ProviderBusy(
              "graph_busy", "Microsoft Graph is busy; try again shortly", retryAfter(e));
      default ->
          new ProviderRefused(
              "graph_error", "Microsoft Graph answered " + e.getResponseStatusCode());
    };
  }

  private static Duration retryAfter(ApiException e) {
    try {
      if (e.getResponseHeaders() != null) {
        for (Map.Entry<String, java.util.Set<String>> header : e.getResponseHeaders().entrySet()) {
          if (header.getKey().equalsIgnoreCase("retry-after") && !header.getValue().isEmpty()) {
            return Duration.ofSeconds(Long.parseLong(header.getValue().iterator().next().strip()));
          }
        }
      }
    } catch (NumberFormatException notSeconds) {
      // fall through
    }
    return Duration.ofSeconds(30);
  }

  private static OutboundIOException find(Throwable e) {
    return find(e, OutboundIOException.class);
  }

  private static <X extends Throwable> X find(Throwable e, Class<X> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
