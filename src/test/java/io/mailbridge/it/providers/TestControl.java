package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.error;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.requestBody;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.nimbusds.jose.JOSEException;
import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.GraphAttachment;
import io.mailbridge.it.providers.FakeProviders.GraphMessage;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code /__test/} endpoint, through which tests in the client JVM drive the fake. */
final class TestControl {

  private final FakeProviders fake;

  TestControl(FakeProviders fake) {
    this.fake = fake;
  }

  /**
   * What a test in the client JVM (the browser tests) may ask of the fake, which lives in the
   * server: register an app, who signs in at its consent screen, a tenant, mint an Entra token, put
   * a Gmail or Graph message, read a Graph message back, read an account's calendar, end every
   * grant of an account (the user removed the app at the provider), switch the server's job pump on
   * or off.
   */
  void control(HttpExchange exchange, String what) throws IOException, JOSEException {
    JsonObject body =
        "POST".equals(exchange.getRequestMethod())
            ? JSON.createReader(requestBody(exchange)).readObject()
            : JSON.createObjectBuilder().build();
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    switch (what) {
      case "clients" -> {
        fake.clientSecrets.put(body.getString("clientId"), body.getString("secret"));
        send(exchange, 200, "{}");
      }
      case "revoke" -> {
        fake.revokeAllOf(body.getString("account"));
        send(exchange, 200, "{}");
      }
      case "signed-in-accounts" -> {
        fake.signedInAccounts.put(body.getString("clientId"), body.getString("account"));
        send(exchange, 200, "{}");
      }
      case "gmail-messages" -> {
        fake.addGmailMessage(
            body.getString("account"),
            body.getString("id"),
            Base64.getDecoder().decode(body.getString("raw")),
            body.getJsonArray("labels").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString)
                .toArray(String[]::new));
        send(exchange, 200, "{}");
      }
      case "tenants" -> {
        fake.tenants.put(body.getString("admin"), body.getString("tenant"));
        send(exchange, 200, "{}");
      }
      case "entra-token" -> {
        String token =
            fake.entraAccessToken(
                fake.microsoftKey,
                body.getString("tenant"),
                body.getString("audience"),
                body.getString("scopes"),
                "oid-" + body.getString("tenant"),
                Instant.now().plusSeconds(3600));
        send(exchange, 200, JSON.createObjectBuilder().add("token", token).build().toString());
      }
      case "graph-messages" -> {
        if ("POST".equals(exchange.getRequestMethod())) {
          Map<String, GraphAttachment> attachments = new LinkedHashMap<>();
          for (JsonObject a : body.getJsonArray("attachments").getValuesAs(JsonObject.class)) {
            attachments.put(
                a.getString("id"),
                new GraphAttachment(
                    a.getString("name"),
                    a.getString("contentType"),
                    Base64.getDecoder().decode(a.getString("bytes"))));
          }
          fake.addGraphMessage(
              body.getString("account"),
              body.getString("id"),
              Base64.getDecoder().decode(body.getString("mime")),
              attachments);
          send(exchange, 200, "{}");
        } else {
          GraphMessage message =
              fake.graphMessages.getOrDefault(q.get("account"), Map.of()).get(q.get("id"));
          JsonObjectBuilder properties = JSON.createObjectBuilder();
          if (message != null) {
            message.properties().forEach(properties::add);
          }
          send(
              exchange,
              message == null ? 404 : 200,
              JSON.createObjectBuilder().add("properties", properties).build().toString());
        }
      }
      case "graph-requests" -> {
        JsonArrayBuilder list = JSON.createArrayBuilder();
        fake.graphRequests.forEach(list::add);
        send(exchange, 200, JSON.createObjectBuilder().add("requests", list).build().toString());
      }
      case "calendar" -> {
        JsonArrayBuilder events = JSON.createArrayBuilder();
        for (FakeProviders.CalendarItem item : fake.calendarOf(q.get("account"))) {
          JsonArrayBuilder attendees = JSON.createArrayBuilder();
          item.attendees().forEach(attendees::add);
          events.add(
              JSON.createObjectBuilder()
                  .add("start", item.start().toString())
                  .add("end", item.end().toString())
                  .add("attendees", attendees));
        }
        send(exchange, 200, JSON.createObjectBuilder().add("events", events).build().toString());
      }
      case "job-pump" -> {
        // The suite runs with the timer pump paused; the pump reads this switch at every tick
        // (as JobQueueIT flips it in-container), so a browser test can let due jobs run.
        System.setProperty(
            "mailbridge.jobs.enabled", String.valueOf(body.getBoolean("enabled", false)));
        send(exchange, 200, "{}");
      }
      default -> send(exchange, 404, error("not_found", what));
    }
  }
}
