package io.mailbridge.mailbox.ews.boundary;

import io.mailbridge.mailbox.ews.control.ExchangeConnectionSettings;
import io.mailbridge.mailbox.ews.control.ExchangeConnections;
import io.mailbridge.mailbox.ews.entity.ExchangeConnection;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The org's Exchange connection: {@code GET/PUT /api/admin/exchange/connection}. The password goes
 * in and never comes out ({@code passwordSet}); {@code users} is a list of addresses or {@code
 * "linked"}.
 */
@Path("admin/exchange/connection")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class ExchangeConnectionResource {

  @Inject ExchangeConnections connections;
  @Inject Caller caller;

  /** The connection as shown back. */
  public record ConnectionView(
      boolean configured,
      String ewsUrl,
      String autodiscoverEmail,
      String auth,
      String username,
      boolean passwordSet,
      String domain,
      String caBundlePem,
      Object users,
      Instant updatedAt) {}

  @GET
  public ConnectionView get() {
    return view(connections.find(caller.orgId()).orElse(null));
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  public ConnectionView put(JsonValue body) {
    if (!(body instanceof JsonObject json)) {
      throw new InvalidRequest("invalid_json", "Send a JSON object");
    }
    ExchangeConnectionSettings settings =
        new ExchangeConnectionSettings(
            text(json, "ewsUrl"),
            text(json, "autodiscoverEmail"),
            text(json, "auth"),
            text(json, "username"),
            text(json, "password"),
            text(json, "domain"),
            text(json, "caBundlePem"),
            users(json));
    return view(connections.update(caller.orgId(), caller.userId(), settings));
  }

  private static ConnectionView view(ExchangeConnection connection) {
    if (connection == null) {
      return new ConnectionView(false, null, null, null, null, false, null, null, null, null);
    }
    return new ConnectionView(
        true,
        connection.ewsUrl(),
        connection.autodiscoverEmail(),
        connection.auth(),
        connection.username(),
        connection.hasPassword(),
        connection.domain(),
        connection.caBundlePem(),
        connection.users() == null ? "linked" : connection.users(),
        connection.updatedAt());
  }

  private static String text(JsonObject json, String field) {
    JsonValue value = json.get(field);
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (!(value instanceof JsonString s)) {
      throw new InvalidField(field, "must be a string");
    }
    return s.getString();
  }

  /** Null for "linked". */
  private static List<String> users(JsonObject json) {
    JsonValue value = json.get("users");
    if (value == null || value == JsonValue.NULL) {
      throw new InvalidField("users", "is required: a list of addresses, or \"linked\"");
    }
    if (value instanceof JsonString s) {
      if ("linked".equals(s.getString())) {
        return null;
      }
      throw new InvalidField("users", "must be a list of addresses, or \"linked\"");
    }
    if (!(value instanceof JsonArray array)) {
      throw new InvalidField("users", "must be a list of addresses, or \"linked\"");
    }
    List<String> users = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof JsonString s)) {
        throw new InvalidField("users[" + i + "]", "must be a string");
      }
      users.add(s.getString());
    }
    return users;
  }
}
