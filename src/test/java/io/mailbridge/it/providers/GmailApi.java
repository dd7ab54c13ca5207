package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.googleError;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.requestBody;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.GmailMessage;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.Json;
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
 * The Gmail API as Mailbridge calls it: messages in {@code raw} and {@code metadata} format, label
 * changes, and the mailbox's labels.
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
    if (message == null) {
      send(exchange, 404, googleError(404, "Requested entity was not found.", "NOT_FOUND"));
      return;
    }
    if (modify) {
      JsonObject body = Json.createReader(requestBody(exchange)).readObject();
      body.getJsonArray("addLabelIds")
          .getValuesAs(jakarta.json.JsonString.class)
          .forEach(l -> message.labelIds().add(l.getString()));
      send(
          exchange,
          200,
          Json.createObjectBuilder()
              .add("id", id)
              .add("labelIds", labels(message))
              .build()
              .toString());
      return;
    }
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    JsonObjectBuilder answer =
        Json.createObjectBuilder()
            .add("id", id)
            .add("threadId", id)
            .add("labelIds", labels(message))
            .add("sizeEstimate", message.raw().length)
            .add("historyId", "4242")
            .add("internalDate", String.valueOf(Instant.now().toEpochMilli()));
    if ("raw".equals(q.get("format"))) {
      answer.add("raw", Base64.getUrlEncoder().encodeToString(message.raw()));
    } else if ("metadata".equals(q.get("format"))) {
      JsonArrayBuilder headers = Json.createArrayBuilder();
      String text = new String(message.raw(), StandardCharsets.ISO_8859_1);
      String head = text.substring(0, Math.max(0, text.indexOf("\r\n\r\n")));
      for (String line : head.replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0
            && List.of("from", "to", "cc")
                .contains(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT))) {
          headers.add(
              Json.createObjectBuilder()
                  .add("name", line.substring(0, colon))
                  .add("value", line.substring(colon + 1).strip()));
        }
      }
      answer.add(
          "payload",
          Json.createObjectBuilder().add("mimeType", "multipart/mixed").add("headers", headers));
    } else {
      send(exchange, 400, googleError(400, "Invalid format", "INVALID_ARGUMENT"));
      return;
    }
    send(exchange, 200, answer.build().toString());
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
      JsonObject body = Json.createReader(requestBody(exchange)).readObject();
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
          Json.createObjectBuilder()
              .add("id", id)
              .add("name", name)
              .add("type", "user")
              .build()
              .toString());
      return;
    }
    JsonArrayBuilder list = Json.createArrayBuilder();
    labels.forEach(
        (name, id) ->
            list.add(
                Json.createObjectBuilder()
                    .add("id", id)
                    .add("name", name)
                    .add("type", id.equals(name) ? "system" : "user")));
    send(exchange, 200, Json.createObjectBuilder().add("labels", list).build().toString());
  }

  static JsonArrayBuilder labels(GmailMessage message) {
    JsonArrayBuilder labels = Json.createArrayBuilder();
    message.labelIds().forEach(labels::add);
    return labels;
  }
}
