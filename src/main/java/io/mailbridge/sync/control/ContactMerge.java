package io.mailbridge.sync.control;

import io.mailbridge.mailbox.control.ContactFields;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The field-level merge of a CRM record and a mailbox contact against the fields both last agreed
 * on: a field changed on one side only takes that side's value; a field both changed differently
 * takes the value of the side written last (the CRM record's {@code updatedAt} against the
 * contact's {@code lastModifiedDateTime}), and the other value is reported as lost.
 */
final class ContactMerge {

  /** The fields a contact carries; a lead also carries its company. */
  static final List<String> CONTACT_FIELDS =
      List.of("firstName", "lastName", "emails", "phone", "title");

  static final List<String> LEAD_FIELDS =
      List.of("firstName", "lastName", "emails", "phone", "title", "company");

  private ContactMerge() {}

  /** A field both sides changed: which side's value was kept and which was lost. */
  record Conflict(String field, boolean crmWon, JsonValue kept, JsonValue lost) {}

  /** The merged fields, the conflicts, and whether each side must be written. */
  record Outcome(
      JsonObject merged, List<Conflict> conflicts, boolean crmChanges, boolean mailChanges) {}

  static List<String> fieldsOf(String recordType) {
    return "leads".equals(recordType) ? LEAD_FIELDS : CONTACT_FIELDS;
  }

  static Outcome merge(
      List<String> fields,
      JsonObject base,
      JsonObject crm,
      JsonObject mail,
      Instant crmChangedAt,
      Instant mailChangedAt) {
    JsonObjectBuilder merged = Json.createObjectBuilder();
    List<Conflict> conflicts = new ArrayList<>();
    boolean crmChanges = false;
    boolean mailChanges = false;
    for (String field : fields) {
      JsonValue b = value(base, field);
      JsonValue c = value(crm, field);
      JsonValue m = value(mail, field);
      JsonValue kept;
      if (c.equals(m) || m.equals(b)) {
        kept = c;
      } else if (c.equals(b)) {
        kept = m;
      } else {
        boolean crmWins =
            crmChangedAt != null && (mailChangedAt == null || crmChangedAt.isAfter(mailChangedAt));
        kept = crmWins ? c : m;
        conflicts.add(new Conflict(field, crmWins, kept, crmWins ? m : c));
      }
      merged.add(field, kept);
      crmChanges |= !kept.equals(c);
      mailChanges |= !kept.equals(m);
    }
    return new Outcome(merged.build(), conflicts, crmChanges, mailChanges);
  }

  /** A field's value, absent and empty ones as null, so that "" and a missing field agree. */
  static JsonValue value(JsonObject fields, String field) {
    JsonValue v = fields == null ? null : fields.get(field);
    if (v == null
        || v.getValueType() == JsonValue.ValueType.NULL
        || (v instanceof JsonString s && s.getString().isBlank())
        || (v instanceof jakarta.json.JsonArray a && a.isEmpty())) {
      return JsonValue.NULL;
    }
    return v;
  }

  /** Whether two field documents agree on these fields. */
  static boolean same(List<String> fields, JsonObject a, JsonObject b) {
    return fields.stream().allMatch(f -> value(a, f).equals(value(b, f)));
  }

  /** Only these fields of a document (a record's API view or a contact's), empty ones as null. */
  static JsonObject only(List<String> fields, JsonObject from) {
    JsonObjectBuilder out = Json.createObjectBuilder();
    fields.forEach(f -> out.add(f, value(from, f)));
    return out.build();
  }

  static JsonObject document(ContactFields fields) {
    JsonObjectBuilder out = Json.createObjectBuilder();
    add(out, "firstName", fields.firstName());
    add(out, "lastName", fields.lastName());
    JsonArrayBuilder emails = Json.createArrayBuilder();
    fields.emails().forEach(emails::add);
    out.add("emails", fields.emails().isEmpty() ? JsonValue.NULL : emails.build());
    add(out, "phone", fields.phone());
    add(out, "title", fields.title());
    add(out, "company", fields.company());
    return out.build();
  }

  /** A field document as a contact's fields; fields the list leaves out are not carried (null). */
  static ContactFields contactFields(List<String> fields, JsonObject doc) {
    List<String> emails = new ArrayList<>();
    if (value(doc, "emails") instanceof jakarta.json.JsonArray list) {
      list.getValuesAs(JsonString.class).forEach(e -> emails.add(e.getString()));
    }
    return new ContactFields(
        text(doc, "firstName"),
        text(doc, "lastName"),
        emails,
        text(doc, "phone"),
        text(doc, "title"),
        fields.contains("company") ? text(doc, "company") : null);
  }

  static JsonObject parse(String json) {
    try (var reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }

  private static String text(JsonObject doc, String field) {
    return value(doc, field) instanceof JsonString s ? s.getString() : null;
  }

  private static void add(JsonObjectBuilder out, String field, String value) {
    if (value == null || value.isBlank()) {
      out.add(field, JsonValue.NULL);
    } else {
      out.add(field, value);
    }
  }
}
