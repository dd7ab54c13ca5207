package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.googleError;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.requestBody;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.GmailMessage;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Gmail API as Mailbridge calls it: messages in {@code raw}, {@code full} and {@code metadata}
 * format, label changes, and the mailbox's labels.
 */
final class GmailApi {

  private final FakeProviders fake;

  GmailApi(FakeProviders fake) {
    this.fake = fake;
  }

  void gmailMessage(HttpExchange exchange, String id, boolean modify) throws IOException {
    fake.gmailRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(
          exchange,
          401,
          googleError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
      return;
    }
    GmailMessage message = fake.gmail.getOrDefault(token.account(), Map.of()).get(id);
    Integer busy = fake.gmailBusyOnce.remove(id);
    if (busy != null) {
      sendBusy(exchange, busy);
      return;
    }
    if (message == null || fake.gmailGoneOnRead.contains(id)) {
      send(exchange, 404, googleError(404, "Requested entity was not found.", "NOT_FOUND"));
      return;
    }
    if (modify) {
      JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
      body.getJsonArray("addLabelIds")
          .getValuesAs(jakarta.json.JsonString.class)
          .forEach(l -> message.labelIds().add(l.getString()));
      send(
          exchange,
          200,
          JSON.createObjectBuilder()
              .add("id", id)
              .add("labelIds", labels(message))
              .build()
              .toString());
      return;
    }
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    if ("raw".equals(q.get("format")) || "full".equals(q.get("format"))) {
      if (fake.gmailGoneOnFullRead.contains(id)) {
        send(exchange, 404, googleError(404, "Requested entity was not found.", "NOT_FOUND"));
        return;
      }
      Integer busyInFull = fake.gmailBusyOnceOnFullRead.remove(id);
      if (busyInFull != null) {
        sendBusy(exchange, busyInFull);
        return;
      }
    }
    JsonObjectBuilder answer =
        JSON.createObjectBuilder()
            .add("id", id)
            .add("threadId", id)
            .add("labelIds", labels(message))
            .add("historyId", "4242")
            .add(
                "internalDate",
                String.valueOf(
                    fake.gmailDates
                        .getOrDefault(token.account(), Map.of())
                        .getOrDefault(id, Instant.now())
                        .toEpochMilli()));
    if ("raw".equals(q.get("format"))) {
      byte[] whole = fake.whole(id, message.raw());
      answer.add("sizeEstimate", whole.length);
      answer.add("raw", Base64.getUrlEncoder().encodeToString(whole));
    } else if ("full".equals(q.get("format"))) {
      byte[] whole = fake.whole(id, message.raw());
      answer.add("sizeEstimate", whole.length);
      answer.add("payload", GmailPartTreeAnswer.payload(id, whole));
    } else if ("metadata".equals(q.get("format"))) {
      answer.add("sizeEstimate", message.raw().length);
      JsonArrayBuilder headers = JSON.createArrayBuilder();
      String head = headOf(message.raw());
      List<String> wanted = metadataHeaders(exchange.getRequestURI().getRawQuery());
      for (String line : head.replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0
            && wanted.contains(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT))) {
          headers.add(
              JSON.createObjectBuilder()
                  .add("name", line.substring(0, colon))
                  .add("value", line.substring(colon + 1).strip()));
        }
      }
      answer.add(
          "payload",
          JSON.createObjectBuilder().add("mimeType", "multipart/mixed").add("headers", headers));
    } else {
      send(exchange, 400, googleError(400, "Invalid format", "INVALID_ARGUMENT"));
      return;
    }
    send(exchange, 200, answer.build().toString());
  }

  /** Google's 429 for a user over their quota, with a Retry-After of {@code seconds}. */
  private static void sendBusy(HttpExchange exchange, int seconds) throws IOException {
    exchange.getResponseHeaders().set("Retry-After", Integer.toString(seconds));
    send(
        exchange,
        429,
        googleError(
            429,
            "User-rate limit exceeded.  Retry after " + seconds + "s",
            "RESOURCE_EXHAUSTED",
            "usageLimits",
            "rateLimitExceeded"));
  }

  /** The header block of a message, without the blank line (a benchmark's messages are MBs). */
  private static String headOf(byte[] raw) {
    for (int i = 0; i + 3 < raw.length; i++) {
      if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
        return new String(raw, 0, i, StandardCharsets.ISO_8859_1);
      }
    }
    return "";
  }

  /** The {@code metadataHeaders} asked for (repeated), lower case; From, To, Cc when none. */
  private static List<String> metadataHeaders(String rawQuery) {
    List<String> names = new java.util.ArrayList<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        if (pair.startsWith("metadataHeaders=")) {
          names.add(
              java.net.URLDecoder.decode(pair.substring(16), StandardCharsets.UTF_8)
                  .toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return names.isEmpty() ? List.of("from", "to", "cc") : names;
  }

  private Token authorized(HttpExchange exchange) throws IOException {
    fake.gmailRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(
          exchange,
          401,
          googleError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
    }
    return token;
  }

  /**
   * {@code users.messages.send} with {@code raw} (base64url): the message is stored labelled SENT
   * and answered with its id, thread and labels.
   */
  void sendMessage(HttpExchange exchange) throws IOException {
    Token token = authorized(exchange);
    if (token == null) {
      return;
    }
    JsonObject body = JSON.createReader(FakeHttp.requestBody(exchange)).readObject();
    if (!"POST".equals(exchange.getRequestMethod()) || !body.containsKey("raw")) {
      send(
          exchange,
          400,
          googleError(
              400,
              "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
              "INVALID_ARGUMENT"));
      return;
    }
    byte[] raw = Base64.getUrlDecoder().decode(body.getString("raw"));
    String id = Long.toHexString(System.nanoTime());
    fake.addGmailMessage(token.account(), id, raw, "SENT");
    fake.gmailSent
        .computeIfAbsent(token.account(), a -> new java.util.concurrent.CopyOnWriteArrayList<>())
        .add(FakeProviders.messageIdOf(raw));
    if (fake.gmailSendAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(exchange, 503, googleError(503, "The service is currently unavailable.", "UNAVAILABLE"));
      return;
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("id", id)
            .add("threadId", id)
            .add("labelIds", JSON.createArrayBuilder().add("SENT"))
            .build()
            .toString());
  }

  /** {@code users.getProfile}: the mailbox's current history id. */
  void profile(HttpExchange exchange) throws IOException {
    Token token = authorized(exchange);
    if (token == null) {
      return;
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("emailAddress", token.account())
            .add("messagesTotal", fake.gmail.getOrDefault(token.account(), Map.of()).size())
            .add("threadsTotal", fake.gmail.getOrDefault(token.account(), Map.of()).size())
            .add("historyId", String.valueOf(fake.gmailHistoryId()))
            .build()
            .toString());
  }

  /**
   * {@code users.messages.list} with {@code q} ({@code after:<epoch>}, {@code in:inbox}, {@code
   * in:sent}), newest first, {@code maxResults} capped by the test, {@code nextPageToken}.
   */
  void list(HttpExchange exchange) throws IOException {
    Token token = authorized(exchange);
    if (token == null) {
      return;
    }
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    String search = q.getOrDefault("q", "");
    java.util.regex.Matcher after = java.util.regex.Pattern.compile("after:(\\d+)").matcher(search);
    Instant since = after.find() ? Instant.ofEpochSecond(Long.parseLong(after.group(1))) : null;
    boolean inbox = search.contains("in:inbox");
    boolean sent = search.contains("in:sent");
    java.util.regex.Matcher msgid =
        java.util.regex.Pattern.compile("rfc822msgid:(\\S+)").matcher(search);
    String wantedId = msgid.find() ? "<" + msgid.group(1).replaceAll("^<|>$", "") + ">" : null;
    Map<String, GmailMessage> all = fake.gmail.getOrDefault(token.account(), Map.of());
    Map<String, Instant> dates = fake.gmailDates.getOrDefault(token.account(), Map.of());
    List<String> ids =
        all.entrySet().stream()
            .filter(
                e ->
                    since == null || !dates.getOrDefault(e.getKey(), Instant.now()).isBefore(since))
            .filter(
                e ->
                    wantedId == null
                        || wantedId.equals(FakeProviders.messageIdOf(e.getValue().raw())))
            .filter(
                e ->
                    (!inbox && !sent)
                        || (inbox && e.getValue().labelIds().contains("INBOX"))
                        || (sent && e.getValue().labelIds().contains("SENT")))
            .sorted(
                (x, y) ->
                    dates
                        .getOrDefault(y.getKey(), Instant.EPOCH)
                        .compareTo(dates.getOrDefault(x.getKey(), Instant.EPOCH)))
            .map(Map.Entry::getKey)
            .toList();
    int max =
        Math.min(Integer.parseInt(q.getOrDefault("maxResults", "100")), fake.gmailListMaxPage);
    int offset = q.containsKey("pageToken") ? Integer.parseInt(q.get("pageToken").substring(1)) : 0;
    int end = Math.min(ids.size(), offset + max);
    JsonArrayBuilder messages = JSON.createArrayBuilder();
    for (String id : ids.subList(Math.min(offset, end), end)) {
      messages.add(JSON.createObjectBuilder().add("id", id).add("threadId", id));
    }
    JsonObjectBuilder answer =
        JSON.createObjectBuilder().add("messages", messages).add("resultSizeEstimate", ids.size());
    if (end < ids.size()) {
      answer.add("nextPageToken", "p" + end);
    }
    send(exchange, 200, answer.build().toString());
  }

  /**
   * {@code users.history.list} from {@code startHistoryId} ({@code messageAdded} records); a start
   * older than what the test says Gmail still keeps answers 404.
   */
  void history(HttpExchange exchange) throws IOException {
    Token token = authorized(exchange);
    if (token == null) {
      return;
    }
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    long start = Long.parseLong(q.get("startHistoryId"));
    if (start < fake.gmailHistoryFloor.getOrDefault(token.account(), 0L)) {
      send(exchange, 404, googleError(404, "Requested entity was not found.", "NOT_FOUND"));
      return;
    }
    JsonArrayBuilder history = JSON.createArrayBuilder();
    for (FakeProviders.GmailHistory entry :
        fake.gmailHistory.getOrDefault(token.account(), List.of())) {
      if (entry.historyId() <= start) {
        continue;
      }
      GmailMessage message = fake.gmail.get(token.account()).get(entry.messageId());
      // Built once: a JSON-P builder is empty after its first build.
      JsonObject m =
          JSON.createObjectBuilder()
              .add("id", entry.messageId())
              .add("threadId", entry.messageId())
              .add("labelIds", labels(message))
              .build();
      history.add(
          JSON.createObjectBuilder()
              .add("id", String.valueOf(entry.historyId()))
              .add("messages", JSON.createArrayBuilder().add(m))
              .add(
                  "messagesAdded",
                  JSON.createArrayBuilder().add(JSON.createObjectBuilder().add("message", m))));
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("history", history)
            .add("historyId", String.valueOf(fake.gmailHistoryId()))
            .build()
            .toString());
  }

  void labelList(HttpExchange exchange) throws IOException {
    fake.gmailRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(
          exchange,
          401,
          googleError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
      return;
    }
    Map<String, String> labels =
        fake.gmailLabels.computeIfAbsent(
            token.account(),
            k -> new ConcurrentHashMap<>(Map.of("INBOX", "INBOX", "SENT", "SENT")));
    if ("POST".equals(exchange.getRequestMethod())) {
      JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
      String name = body.getString("name");
      if (labels.containsKey(name)) {
        send(exchange, 409, googleError(409, "Label name exists or conflicts", "ALREADY_EXISTS"));
        return;
      }
      String id = "Label_" + (labels.size() + 1);
      labels.put(name, id);
      send(
          exchange,
          200,
          JSON.createObjectBuilder()
              .add("id", id)
              .add("name", name)
              .add("type", "user")
              .build()
              .toString());
      return;
    }
    JsonArrayBuilder list = JSON.createArrayBuilder();
    labels.forEach(
        (name, id) ->
            list.add(
                JSON.createObjectBuilder()
                    .add("id", id)
                    .add("name", name)
                    .add("type", id.equals(name) ? "system" : "user")));
    send(exchange, 200, JSON.createObjectBuilder().add("labels", list).build().toString());
  }

  /**
   * {@code users.watch}: {@code {topicName, labelIds, labelFilterBehavior}} → {@code {historyId,
   * expiration}} (int64 values as JSON strings, epoch milliseconds, seven days ahead). A topic that
   * is not {@code projects/<p>/topics/<t>} is Gmail's 400.
   */
  /**
   * {@code users.stop}: {@code POST}, empty body; the mailbox's watch ends and the answer is empty
   * (developers.google.com/gmail/api/reference/rest/v1/users/stop).
   */
  void stop(HttpExchange exchange) throws IOException {
    Token token = authorized(exchange);
    if (token == null) {
      return;
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 405, googleError(405, "Method not allowed", "METHOD_NOT_ALLOWED"));
      return;
    }
    fake.gmailWatches.remove(token.account());
    fake.gmailStops.add(token.account());
    exchange.sendResponseHeaders(204, -1);
  }

  void watch(HttpExchange exchange) throws IOException {
    Token token = authorized(exchange);
    if (token == null) {
      return;
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 405, googleError(405, "Method not allowed", "METHOD_NOT_ALLOWED"));
      return;
    }
    JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
    String topic = body.getString("topicName", "");
    if (!topic.matches("projects/[^/]+/topics/[^/]+")) {
      send(exchange, 400, googleError(400, "Invalid topicName", "INVALID_ARGUMENT"));
      return;
    }
    fake.gmailWatches.put(token.account(), body);
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("historyId", String.valueOf(fake.gmailHistoryId()))
            .add(
                "expiration",
                String.valueOf(
                    java.time.Instant.now().plus(java.time.Duration.ofDays(7)).toEpochMilli()))
            .build()
            .toString());
  }

  static JsonArrayBuilder labels(GmailMessage message) {
    JsonArrayBuilder labels = JSON.createArrayBuilder();
    message.labelIds().forEach(labels::add);
    return labels;
  }
}
