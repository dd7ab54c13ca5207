package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.error;
import static io.mailbridge.it.providers.FakeHttp.graphError;
import static io.mailbridge.it.providers.FakeHttp.requestBody;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.GraphAttachment;
import io.mailbridge.it.providers.FakeProviders.GraphMessage;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Microsoft Graph as Mailbridge calls it: a mailbox's messages ({@code $value}, attachments,
 * single-value extended properties), with throttling, {@code sendMail} with MIME and Sent Items by
 * Message-ID, and {@code revokeSignInSessions}.
 */
final class GraphApi {

  private final FakeProviders fake;

  GraphApi(FakeProviders fake) {
    this.fake = fake;
  }

  void graphMessage(HttpExchange exchange, String rest) throws IOException {
    graphMessage(exchange, rest, null);
  }

  /** {@code user}: the {@code /users/{id | userPrincipalName}} segment, or null for {@code /me}. */
  void graphMessage(HttpExchange exchange, String rest, String user) throws IOException {
    fake.graphRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token bearer = fake.authorization.bearer(exchange);
    String mailbox = fake.mailboxOf(bearer, user);
    if (bearer != null && mailbox == null) {
      send(exchange, 403, graphError("ErrorAccessDenied", "Access is denied. Check credentials."));
      return;
    }
    Token token =
        bearer == null
            ? null
            : new Token(
                bearer.provider(),
                bearer.clientId(),
                mailbox,
                bearer.grantId(),
                bearer.expiresAt());
    if (token == null) {
      send(
          exchange,
          401,
          graphError("InvalidAuthenticationToken", "Access token validation failure."));
      return;
    }
    if (fake.graphThrottle.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getResponseHeaders().set("Retry-After", String.valueOf(fake.graphRetryAfterSeconds));
      send(
          exchange,
          429,
          graphError("TooManyRequests", "Application is over its MailboxConcurrency limit."));
      return;
    }
    String[] parts = rest.split("/");
    GraphMessage message = fake.graphMessages.getOrDefault(token.account(), Map.of()).get(parts[0]);
    if (message == null) {
      send(
          exchange,
          404,
          graphError("ErrorItemNotFound", "The specified object was not found in the store."));
      return;
    }
    String method = exchange.getRequestMethod();
    if (parts.length == 1 && method.equals("PATCH")) {
      JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
      body.getJsonArray("singleValueExtendedProperties")
          .getValuesAs(JsonObject.class)
          .forEach(p -> message.properties().put(p.getString("id"), p.getString("value")));
      send(exchange, 200, JSON.createObjectBuilder().add("id", parts[0]).build().toString());
    } else if (parts.length == 1) {
      JsonArrayBuilder properties = JSON.createArrayBuilder();
      message
          .properties()
          .forEach(
              (id, value) ->
                  properties.add(JSON.createObjectBuilder().add("id", id).add("value", value)));
      send(
          exchange,
          200,
          JSON.createObjectBuilder()
              .add("id", parts[0])
              .add("singleValueExtendedProperties", properties)
              .build()
              .toString());
    } else if (parts.length == 2 && parts[1].equals("$value")) {
      exchange.getResponseHeaders().set("Content-Type", "message/rfc822");
      byte[] mime = fake.whole(parts[0], message.mime());
      exchange.sendResponseHeaders(200, mime.length);
      exchange.getResponseBody().write(mime);
    } else if (parts.length == 2 && parts[1].equals("attachments")) {
      JsonArrayBuilder list = JSON.createArrayBuilder();
      message.attachments().forEach((id, a) -> list.add(attachmentJson(id, a, false)));
      send(exchange, 200, JSON.createObjectBuilder().add("value", list).build().toString());
    } else if (parts.length == 3
        && parts[1].equals("attachments")
        && message.attachments().containsKey(parts[2])) {
      send(
          exchange,
          200,
          attachmentJson(parts[2], message.attachments().get(parts[2]), true).build().toString());
    } else {
      send(exchange, 404, graphError("ErrorItemNotFound", "Not found: " + rest));
    }
  }

  /**
   * {@code POST /me/sendMail} with a MIME body: base64 text ({@code Content-Type: text/plain}),
   * answered 202 without a body; the message goes to the account's Sent Items.
   */
  void sendMail(HttpExchange exchange) throws IOException {
    fake.graphRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(
          exchange,
          401,
          graphError("InvalidAuthenticationToken", "Access token validation failure."));
      return;
    }
    String scp =
        fake.accessTokenScopes.getOrDefault(
            exchange.getRequestHeaders().getFirst("Authorization").substring(7), "");
    if (java.util.Arrays.stream(scp.split(" "))
        .map(AuthorizationServer::bareGraphScope)
        .noneMatch("mail.send"::equals)) {
      fake.graphSendsDenied.incrementAndGet();
      send(
          exchange,
          403,
          graphError("ErrorAccessDenied", "Access is denied. Check credentials and try again."));
      return;
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (!"POST".equals(exchange.getRequestMethod())
        || type == null
        || !type.toLowerCase(java.util.Locale.ROOT).startsWith("text/plain")) {
      send(exchange, 400, graphError("RequestBodyRead", "Expected a MIME message as base64 text."));
      return;
    }
    byte[] mime;
    try {
      mime =
          Base64.getMimeDecoder()
              .decode(new String(requestBody(exchange).readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      send(exchange, 400, graphError("ErrorMimeContentInvalidBase64String", "Invalid base64."));
      return;
    }
    if (fake.graphSendOutages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      send(exchange, 503, graphError("ServiceUnavailable", "Service temporarily unavailable."));
      return;
    }
    fake.graphSentItems
        .computeIfAbsent(token.account(), a -> new java.util.concurrent.CopyOnWriteArrayList<>())
        .add(mime);
    if (fake.graphSendAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(exchange, 504, graphError("UnknownError", "Gateway timeout."));
      return;
    }
    exchange.sendResponseHeaders(202, -1);
  }

  /**
   * {@code GET /me/mailFolders/sentitems/messages?$filter=internetMessageId eq '…'}: the account's
   * sent messages with that Message-ID ({@code $select=id}).
   */
  void sentItems(HttpExchange exchange) throws IOException {
    fake.graphRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(
          exchange,
          401,
          graphError("InvalidAuthenticationToken", "Access token validation failure."));
      return;
    }
    String filter = FakeHttp.query(exchange.getRequestURI().getRawQuery()).get("$filter");
    java.util.regex.Matcher m =
        filter == null
            ? null
            : java.util.regex.Pattern.compile("^internetMessageId eq '((?:[^']|'')*)'$")
                .matcher(filter);
    if (m == null || !m.matches()) {
      send(exchange, 400, graphError("BadRequest", "Invalid filter clause"));
      return;
    }
    String wanted = m.group(1).replace("''", "'");
    JsonArrayBuilder value = JSON.createArrayBuilder();
    List<byte[]> sent = fake.graphSentItems.getOrDefault(token.account(), List.of());
    for (int i = 0; i < sent.size(); i++) {
      if (wanted.equals(FakeProviders.messageIdOf(sent.get(i)))) {
        value.add(JSON.createObjectBuilder().add("id", "AAMkSent" + i));
      }
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add(
                "@odata.context",
                "https://graph.microsoft.com/v1.0/$metadata#users('me')/mailFolders('sentitems')/messages(id)")
            .add("value", value)
            .build()
            .toString());
  }

  static JsonObjectBuilder attachmentJson(String id, GraphAttachment a, boolean withBytes) {
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("@odata.type", "#microsoft.graph.fileAttachment")
            .add("id", id)
            .add("name", a.name())
            .add("contentType", a.contentType())
            .add("size", a.bytes().length)
            .add("isInline", false);
    if (withBytes) {
      json.add("contentBytes", Base64.getEncoder().encodeToString(a.bytes()));
    }
    return json;
  }

  void graphRevoke(HttpExchange exchange) throws IOException {
    if (fake.revocationDown) {
      send(exchange, 503, error("serviceNotAvailable", null));
      return;
    }
    Token token = fake.authorization.bearer(exchange);
    if (token == null || !"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    fake.revokedGrants.add(token.grantId());
    fake.graphRevocations.add(token.account());
    send(
        exchange,
        200,
        "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean\",\"value\":true}");
  }
}
