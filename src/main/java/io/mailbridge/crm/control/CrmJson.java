package io.mailbridge.crm.control;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import java.util.Map;

/**
 * How the CRM's JSON documents are built: absent values as an explicit null, as DESIGN.md shows,
 * and builders from one provider found once.
 */
final class CrmJson {
  private CrmJson() {}

  /**
   * {@code Json.createObjectBuilder()} looks the provider up with a ServiceLoader at every call:
   * about a tenth of the CPU of an EWS capture backfill went there (ExchangeCaptureBench's
   * profile).
   */
  private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());

  static JsonObjectBuilder object() {
    return BUILDERS.createObjectBuilder();
  }

  /** A builder that starts with this object's fields. */
  static JsonObjectBuilder object(jakarta.json.JsonObject from) {
    return BUILDERS.createObjectBuilder(from);
  }

  static JsonArrayBuilder array() {
    return BUILDERS.createArrayBuilder();
  }

  static JsonObjectBuilder addNullable(JsonObjectBuilder json, String field, String value) {
    return value == null ? json.addNull(field) : json.add(field, value);
  }
}
