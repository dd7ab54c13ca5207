package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.graphError;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.requestBody;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.GraphItem;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Graph's message delta per mail folder and change-notification subscriptions, in Graph's wire
 * format (learn.microsoft.com/graph/delta-query-messages, /graph/api/message-delta,
 * /graph/api/subscription-post-subscriptions): the first call (with {@code $select} and {@code
 * $filter=receivedDateTime ge …} and, if asked, the one supported order {@code
 * $orderby=receivedDateTime desc}) pages through the folder with {@code @odata.nextLink}s carrying
 * an opaque {@code $skiptoken}; the last page carries an {@code @odata.deltaLink} ({@code
 * $deltatoken}) from which a later call returns only what changed since, removed items as {@code
 * {"id", "@removed": {"reason"}}}. Page size follows {@code Prefer: odata.maxpagesize}, capped by
 * the test. A token the test expired answers 410 {@code SyncStateNotFound}.
 */
final class GraphDelta {

  static final Pattern DELTA =
      Pattern.compile("^/graph/v1\\.0/me/mailFolders/([^/]+)/messages/delta(\\(\\))?$");

  /** The same delta of one user's mailbox, as the app reads it app-only. */
  static final Pattern USER_DELTA =
      Pattern.compile("^/graph/v1\\.0/users/([^/]+)/mailFolders/([^/]+)/messages/delta(\\(\\))?$");

  /** One subscription: {@code PATCH} renews it, {@code DELETE} ends it. */
  static final Pattern SUBSCRIPTION = Pattern.compile("^/graph/v1\\.0/subscriptions/([^/]+)$");

  /** A mail folder of {@code /me} or {@code /users/{id}}, for its counts. */
  static final Pattern FOLDER =
      Pattern.compile("^/graph/v1\\.0/(me|users/([^/]+))/mailFolders/([^/]+)$");

  /** What a skip or delta token stands for: the folder, the window, and the log position. */
  private record State(
      String account,
      String folder,
      Instant since,
      long afterSeq,
      long snapshotSeq,
      int offset,
      boolean newestFirst) {}

  private final FakeProviders fake;
  private final Map<String, State> tokens = new ConcurrentHashMap<>();

  GraphDelta(FakeProviders fake) {
    this.fake = fake;
  }

  /** Every token handed out so far answers 410 from now on. */
  void expireAll() {
    fake.expiredGraphTokens.addAll(tokens.keySet());
  }

  void delta(HttpExchange exchange, String folder) throws IOException {
    delta(exchange, folder, null);
  }

  /** {@code user}: the {@code /users/{id | userPrincipalName}} segment, or null for {@code /me}. */
  void delta(HttpExchange exchange, String folder, String user) throws IOException {
    List<String> prefer = exchange.getRequestHeaders().get("Prefer");
    fake.graphPreferHeaders.add(prefer == null ? "" : String.join(", ", prefer));
    Token bearer = fake.authorization.bearer(exchange);
    String mailbox = fake.mailboxOf(bearer, user);
    // The account ends the entry, so tests count their own mailbox's requests.
    fake.graphRequests.add(
        exchange.getRequestMethod()
            + " "
            + exchange.getRequestURI()
            + " #"
            + (mailbox == null ? "-" : mailbox));
    if (bearer == null) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    if (mailbox == null) {
      send(exchange, 403, graphError("ErrorAccessDenied", "Access is denied. Check credentials."));
      return;
    }
    Token token =
        new Token(
            bearer.provider(), bearer.clientId(), mailbox, bearer.grantId(), bearer.expiresAt());
    if (fake.graphThrottle.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getResponseHeaders().set("Retry-After", String.valueOf(fake.graphRetryAfterSeconds));
      send(
          exchange,
          429,
          graphError("TooManyRequests", "Application is over its MailboxConcurrency limit."));
      return;
    }
    if (fake.graphFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(exchange, 500, graphError("generalException", "An internal server error occurred."));
      return;
    }
    String wellKnown = folder.toLowerCase(Locale.ROOT);
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    State state;
    String skip = q.get("$skiptoken");
    String delta = q.get("$deltatoken");
    String presented = skip != null ? skip : delta;
    if (presented != null) {
      if (fake.expiredGraphTokens.contains(presented)) {
        send(
            exchange,
            410,
            graphError("SyncStateNotFound", "The sync state generation is not found."));
        return;
      }
      state = tokens.get(presented);
      if (state == null || !state.account().equals(token.account())) {
        send(exchange, 400, graphError("ErrorInvalidUrlQuery", "The skip token is not valid."));
        return;
      }
      if (delta != null) {
        // A new round: everything that changed after the round that handed out this link.
        state =
            new State(
                state.account(),
                wellKnown,
                state.since(),
                state.snapshotSeq(),
                fake.graphSeq(),
                0,
                state.newestFirst());
      }
    } else {
      Instant since = null;
      String filter = q.get("$filter");
      if (filter != null) {
        Matcher m = Pattern.compile("receivedDateTime ge (\\S+)").matcher(filter);
        if (!m.find()) {
          send(exchange, 400, graphError("ErrorInvalidUrlQuery", "Unsupported filter."));
          return;
        }
        since = Instant.parse(m.group(1));
      }
      // The only order message delta supports; without it the order is not guaranteed.
      String orderBy = q.get("$orderby");
      if (orderBy != null && !orderBy.equals("receivedDateTime desc")) {
        send(exchange, 400, graphError("ErrorInvalidUrlQuery", "Unsupported orderby."));
        return;
      }
      state = new State(token.account(), wellKnown, since, -1, fake.graphSeq(), 0, orderBy != null);
    }
    int pageSize = Math.min(pageSize(prefer), fake.graphDeltaMaxPage);
    List<GraphItem> changed =
        fake.graphChangesIn(
            state.account(), state.folder(), state.afterSeq(), state.snapshotSeq(), state.since());
    if (state.newestFirst()) {
      changed =
          changed.stream()
              .sorted(
                  java.util.Comparator.comparing(
                          GraphItem::receivedAt,
                          java.util.Comparator.nullsLast(
                              java.util.Comparator.<Instant>naturalOrder()))
                      .reversed())
              .toList();
    }
    int end = Math.min(changed.size(), state.offset() + pageSize);
    JsonArrayBuilder value = JSON.createArrayBuilder();
    for (GraphItem item : changed.subList(state.offset(), end)) {
      value.add(json(item));
    }
    String base =
        fake.base
            + "/graph/v1.0/"
            + (user == null ? "me" : "users/" + enc(user))
            + "/mailFolders/"
            + folder
            + "/messages/delta";
    JsonObjectBuilder page =
        JSON.createObjectBuilder()
            .add("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(message)")
            .add("value", value);
    String next = UUID.randomUUID().toString().replace("-", "");
    if (skip != null && fake.graphDeltaStuck.contains(state.account())) {
      // A broken service: the same page again, and the same link to it.
      page.add("@odata.nextLink", base + "?$skiptoken=" + enc(skip));
    } else if (end < changed.size()) {
      tokens.put(
          next,
          new State(
              state.account(),
              state.folder(),
              state.since(),
              state.afterSeq(),
              state.snapshotSeq(),
              end,
              state.newestFirst()));
      page.add("@odata.nextLink", base + "?$skiptoken=" + enc(next));
    } else {
      tokens.put(
          next,
          new State(
              state.account(),
              state.folder(),
              state.since(),
              state.afterSeq(),
              state.snapshotSeq(),
              0,
              state.newestFirst()));
      page.add("@odata.deltaLink", base + "?$deltatoken=" + enc(next));
    }
    send(exchange, 200, page.build().toString());
  }

  private static int pageSize(List<String> prefer) {
    if (prefer != null) {
      for (String header : prefer) {
        for (String part : header.split(",")) {
          String p = part.strip();
          if (p.startsWith("odata.maxpagesize=")) {
            return Integer.parseInt(p.substring("odata.maxpagesize=".length()));
          }
        }
      }
    }
    return 10;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static JsonObject json(GraphItem item) {
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("@odata.type", "#microsoft.graph.message")
            .add("@odata.etag", "W/\"CQAAABYAAAD" + item.seq() + "\"")
            .add("id", item.id());
    if (item.removed()) {
      return json.add("@removed", JSON.createObjectBuilder().add("reason", "deleted")).build();
    }
    JsonArrayBuilder categories = JSON.createArrayBuilder();
    item.categories().forEach(categories::add);
    return json.add("internetMessageId", "<" + item.internetMessageId() + ">")
        .add("conversationId", "AAQkAD" + item.internetMessageId().hashCode())
        .add("subject", item.subject())
        .add("from", recipient(item.from()))
        .add("toRecipients", recipients(item.to()))
        .add("ccRecipients", JSON.createArrayBuilder())
        .add("sentDateTime", item.receivedAt().minusSeconds(5).toString())
        .add("receivedDateTime", item.receivedAt().toString())
        .add("categories", categories)
        .add("isDraft", false)
        .build();
  }

  private static JsonObjectBuilder recipient(String address) {
    return JSON.createObjectBuilder()
        .add(
            "emailAddress",
            JSON.createObjectBuilder().add("name", address).add("address", address));
  }

  private static JsonArrayBuilder recipients(List<String> addresses) {
    JsonArrayBuilder list = JSON.createArrayBuilder();
    addresses.forEach(a -> list.add(recipient(a)));
    return list;
  }

  /** {@code POST /subscriptions}: records it and answers it as Graph does (201). */
  void subscribe(HttpExchange exchange) throws IOException {
    fake.graphRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
    String id = UUID.randomUUID().toString();
    Matcher appResource =
        Pattern.compile("^users/([^/]+)/messages$").matcher(body.getString("resource"));
    String account =
        appResource.matches() ? fake.mailboxOf(token, appResource.group(1)) : token.account();
    if (account == null) {
      send(exchange, 403, graphError("ErrorAccessDenied", "Access is denied. Check credentials."));
      return;
    }
    if (fake.graphNotificationUrlUnreachable.contains(account)) {
      send(
          exchange,
          400,
          graphError(
              "ValidationError",
              "Subscription validation request failed. Notification endpoint must respond with"
                  + " 200 OK to validation request."));
      return;
    }
    String expiration = body.getString("expirationDateTime");
    java.time.Duration lifetime = fake.graphSubscriptionLifetime;
    if (lifetime != null
        && java.time.OffsetDateTime.parse(expiration)
            .toInstant()
            .isAfter(Instant.now().plus(lifetime))) {
      expiration = Instant.now().plus(lifetime).toString();
    }
    fake.graphSubscriptions.put(
        id,
        new FakeProviders.GraphSubscription(
            id,
            account,
            body.getString("resource"),
            body.getString("changeType"),
            body.getString("notificationUrl"),
            body.getString("clientState", null),
            expiration));
    send(
        exchange,
        201,
        JSON.createObjectBuilder()
            .add(
                "@odata.context",
                "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity")
            .add("id", id)
            .add("resource", body.getString("resource"))
            .add("changeType", body.getString("changeType"))
            .add("clientState", body.getString("clientState", ""))
            .add("notificationUrl", body.getString("notificationUrl"))
            .add("expirationDateTime", expiration)
            .build()
            .toString());
  }

  /**
   * {@code PATCH /subscriptions/{id}} with {@code expirationDateTime}: the subscription lasts until
   * then (200 with the subscription); 404 {@code ResourceNotFound} for one Graph does not know.
   */
  void renew(HttpExchange exchange, String id) throws IOException {
    fake.graphRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    FakeProviders.GraphSubscription known = fake.graphSubscriptions.get(id);
    if (known == null) {
      send(exchange, 404, graphError("ResourceNotFound", "The object was not found."));
      return;
    }
    if ("DELETE".equals(exchange.getRequestMethod())) {
      // learn.microsoft.com/graph/api/subscription-delete: 204 No Content
      if (fake.graphUnsubscribeFailing.contains(known.account())) {
        send(exchange, 500, graphError("InternalServerError", "Something went wrong."));
        return;
      }
      fake.graphSubscriptions.remove(id);
      fake.graphSubscriptionDeletions.add(id + " #" + known.account());
      exchange.sendResponseHeaders(204, -1);
      return;
    }
    if (!"PATCH".equals(exchange.getRequestMethod())) {
      send(exchange, 405, graphError("BadRequest", "Method not allowed."));
      return;
    }
    JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
    String until = body.getString("expirationDateTime");
    FakeProviders.GraphSubscription renewed =
        new FakeProviders.GraphSubscription(
            known.id(),
            known.account(),
            known.resource(),
            known.changeType(),
            known.notificationUrl(),
            known.clientState(),
            until);
    fake.graphSubscriptions.put(id, renewed);
    fake.graphSubscriptionRenewals.add(id + " " + until);
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add(
                "@odata.context",
                "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity")
            .add("id", id)
            .add("resource", known.resource())
            .add("changeType", known.changeType())
            .add("notificationUrl", known.notificationUrl())
            .add("expirationDateTime", until)
            .build()
            .toString());
  }

  /**
   * {@code GET /me/mailFolders/{id}} (or {@code /users/{id}/…}): the folder with {@code
   * totalItemCount} and {@code unreadItemCount}, as Graph answers a mailFolder.
   */
  void folder(HttpExchange exchange, String user, String folder) throws IOException {
    Token bearer = fake.authorization.bearer(exchange);
    String mailbox = fake.mailboxOf(bearer, user);
    fake.graphRequests.add(
        exchange.getRequestMethod()
            + " "
            + exchange.getRequestURI()
            + " #"
            + (mailbox == null ? "-" : mailbox));
    if (bearer == null) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    if (mailbox == null) {
      send(exchange, 403, graphError("ErrorAccessDenied", "Access is denied. Check credentials."));
      return;
    }
    String name = folder.toLowerCase(Locale.ROOT);
    int total = fake.graphChangesIn(mailbox, name, -1, Long.MAX_VALUE, null).size();
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add(
                "@odata.context",
                "https://graph.microsoft.com/v1.0/$metadata#users('"
                    + mailbox
                    + "')/mailFolders/$entity")
            .add("id", "AAMkAGI2T" + name)
            .add("displayName", name.equals("inbox") ? "Inbox" : "Sent Items")
            .add("parentFolderId", "AAMkAGI2TAAA=")
            .add("childFolderCount", 0)
            .add("unreadItemCount", 0)
            .add("totalItemCount", total)
            .add("isHidden", false)
            .build()
            .toString());
  }
}
