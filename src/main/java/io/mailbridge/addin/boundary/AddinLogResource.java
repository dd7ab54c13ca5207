package io.mailbridge.addin.boundary;

import io.mailbridge.addin.control.LogExchangeEmail;
import io.mailbridge.platform.config.control.ApiProblem;
import io.mailbridge.platform.security.control.Caller;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Logs the email open in Outlook to CRM records: {@code POST /api/addin/log}. */
@Path("addin/log")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AddinLogResource {

  static final int MAX_RECORDS = 50;
  static final int MAX_ATTACHMENTS = 50;
  private static final int MAX_ID_LENGTH = 1024;
  private static final int MAX_TOKEN_LENGTH = 16 * 1024;

  @Inject LogExchangeEmail logging;
  @Inject Caller caller;

  /** The property the task pane writes into the item so it shows "Logged" later. */
  public record ExtendedProperty(String propertySetId, String name, String value) {}

  /** The answer. */
  public record LogResult(
      String activityId, boolean alreadyLogged, ExtendedProperty extendedProperty) {}

  @POST
  public LogResult log(JsonObject body) {
    if (body == null) {
      throw ApiProblem.badRequest("invalid_json", "Send a JSON object");
    }
    String provider = text(body, "provider", 20, false);
    if (provider != null && !provider.equals("ews")) {
      throw ApiProblem.invalidField("provider", "only \"ews\" is supported");
    }
    LogExchangeEmail.Request request =
        new LogExchangeEmail.Request(
            text(body, "ewsUrl", 2048, true),
            text(body, "callbackToken", MAX_TOKEN_LENGTH, true),
            text(body, "itemId", MAX_ID_LENGTH, true),
            ids(body, "recordIds", 1, MAX_RECORDS),
            ids(body, "attachmentIds", 0, MAX_ATTACHMENTS));
    LogExchangeEmail.Logged logged = logging.log(caller.orgId(), caller.userId(), request);
    return new LogResult(
        logged.activityId(),
        logged.alreadyLogged(),
        new ExtendedProperty(logged.propertySetId(), logged.propertyName(), logged.activityId()));
  }

  private static String text(JsonObject body, String field, int maxLength, boolean required) {
    JsonValue value = body.get(field);
    if (value == null || value == JsonValue.NULL) {
      if (required) {
        throw ApiProblem.invalidField(field, "is required");
      }
      return null;
    }
    if (!(value instanceof JsonString string) || string.getString().isBlank()) {
      throw ApiProblem.invalidField(field, "must be a non-empty string");
    }
    if (string.getString().length() > maxLength) {
      throw ApiProblem.invalidField(field, "is longer than " + maxLength + " characters");
    }
    return string.getString();
  }

  private static List<String> ids(JsonObject body, String field, int min, int max) {
    JsonValue value = body.get(field);
    if (value == null || value == JsonValue.NULL) {
      if (min > 0) {
        throw ApiProblem.invalidField(field, "is required");
      }
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw ApiProblem.invalidField(field, "must be an array of ids");
    }
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (JsonValue item : array) {
      if (!(item instanceof JsonString id)
          || id.getString().isBlank()
          || id.getString().length() > MAX_ID_LENGTH) {
        throw ApiProblem.invalidField(field, "must hold non-empty string ids");
      }
      ids.add(id.getString());
    }
    if (ids.size() < min) {
      throw ApiProblem.invalidField(field, "needs at least " + min + " id");
    }
    if (ids.size() > max) {
      throw ApiProblem.invalidField(field, "may hold at most " + max + " ids");
    }
    return new ArrayList<>(ids);
  }
}
