package io.mailbridge.addin.boundary;

import io.mailbridge.platform.problem.InvalidField;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Reading the fields of the add-in's and the Gmail extension's JSON bodies, with 400s. */
final class RequestFields {

  static final int MAX_ID_LENGTH = 1024;

  private RequestFields() {}

  static String text(JsonObject body, String field, int maxLength, boolean required) {
    JsonValue value = body.get(field);
    if (value == null || value == JsonValue.NULL) {
      if (required) {
        throw new InvalidField(field, "is required");
      }
      return null;
    }
    if (!(value instanceof JsonString string) || string.getString().isBlank()) {
      throw new InvalidField(field, "must be a non-empty string");
    }
    if (string.getString().length() > maxLength) {
      throw new InvalidField(field, "is longer than " + maxLength + " characters");
    }
    return string.getString();
  }

  static List<String> ids(JsonObject body, String field, int min, int max) {
    JsonValue value = body.get(field);
    if (value == null || value == JsonValue.NULL) {
      if (min > 0) {
        throw new InvalidField(field, "is required");
      }
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new InvalidField(field, "must be an array of ids");
    }
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (JsonValue item : array) {
      if (!(item instanceof JsonString id)
          || id.getString().isBlank()
          || id.getString().length() > MAX_ID_LENGTH) {
        throw new InvalidField(field, "must hold non-empty string ids");
      }
      ids.add(id.getString());
    }
    if (ids.size() < min) {
      throw new InvalidField(field, "needs at least " + min + " id");
    }
    if (ids.size() > max) {
      throw new InvalidField(field, "may hold at most " + max + " ids");
    }
    return new ArrayList<>(ids);
  }
}
