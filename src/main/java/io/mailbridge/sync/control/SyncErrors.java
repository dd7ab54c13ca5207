package io.mailbridge.sync.control;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;

/**
 * A user's recent sync errors as stored: a JSON array of {@code {"at","reason"}}, newest first, at
 * most ten. Reasons are words for a person and name fields, never field values.
 */
final class SyncErrors {

  static final int KEPT = 10;

  private SyncErrors() {}

  static String add(String stored, Instant at, String reason) {
    String shortReason = reason.length() > 300 ? reason.substring(0, 300) : reason;
    JsonArrayBuilder out = Json.createArrayBuilder();
    out.add(Json.createObjectBuilder().add("at", at.toString()).add("reason", shortReason));
    List<JsonObject> before = list(stored);
    before.stream().limit(KEPT - 1).forEach(out::add);
    return out.build().toString();
  }

  static List<JsonObject> list(String stored) {
    if (stored == null || stored.isBlank()) {
      return List.of();
    }
    try (var reader = Json.createReader(new StringReader(stored))) {
      JsonArray array = reader.readArray();
      return array.getValuesAs(JsonObject.class);
    }
  }
}
