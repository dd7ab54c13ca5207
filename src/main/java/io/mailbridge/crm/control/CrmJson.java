package io.mailbridge.crm.control;

import jakarta.json.JsonObjectBuilder;

/** How the CRM's JSON documents write absent values: as an explicit null, as DESIGN.md shows. */
final class CrmJson {
  private CrmJson() {}

  static JsonObjectBuilder addNullable(JsonObjectBuilder json, String field, String value) {
    return value == null ? json.addNull(field) : json.add(field, value);
  }
}
