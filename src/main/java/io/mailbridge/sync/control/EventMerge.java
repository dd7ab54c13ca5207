package io.mailbridge.sync.control;

import io.mailbridge.mailbox.control.EventFields;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.RecurrenceRule;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The fields event sync merges (with {@link ContactMerge#merge}, field by field against the last
 * agreed values) in one shape for both sides: times as UTC instants, attendees as the sorted set of
 * lower-cased addresses, the recurrence as a normalized {@code RRULE:} line, {@code allDay} as true
 * or null (so agreed values stored before it existed agree with a timed event).
 */
final class EventMerge {

  static final List<String> FIELDS =
      List.of(
          "subject",
          "start",
          "end",
          "timeZone",
          "location",
          "bodyText",
          "attendees",
          "recurrence",
          "exceptions",
          "allDay");

  private EventMerge() {}

  /** A CRM event's view as merge fields. */
  static JsonObject ofCrm(JsonObject view) {
    JsonObjectBuilder doc = Json.createObjectBuilder();
    for (String field : List.of("subject", "timeZone", "location", "bodyText")) {
      add(doc, field, view.get(field) instanceof JsonString s ? s.getString() : null);
    }
    add(doc, "start", instant(view, "start"));
    add(doc, "end", instant(view, "end"));
    add(
        doc,
        "recurrence",
        rule(view.get("recurrence") instanceof JsonString s ? s.getString() : null));
    TreeSet<String> attendees = new TreeSet<>();
    if (view.get("attendees") instanceof jakarta.json.JsonArray list) {
      for (JsonValue a : list) {
        if (a instanceof JsonObject o && o.get("email") instanceof JsonString e) {
          attendees.add(e.getString().strip().toLowerCase(Locale.ROOT));
        }
      }
    }
    doc.add("attendees", array(attendees));
    List<EventFields.Occurrence> exceptions = new ArrayList<>();
    if (view.get("exceptions") instanceof jakarta.json.JsonArray list) {
      for (JsonValue v : list) {
        JsonObject o = (JsonObject) v;
        boolean cancelled = o.get("cancelled") == JsonValue.TRUE;
        exceptions.add(
            new EventFields.Occurrence(
                Instant.parse(o.getString("originalStart")),
                cancelled ? null : Instant.parse(o.getString("start")),
                cancelled ? null : Instant.parse(o.getString("end")),
                cancelled));
      }
    }
    doc.add("exceptions", exceptions(exceptions));
    allDay(doc, view.get("allDay") == JsonValue.TRUE);
    return ContactMerge.only(FIELDS, doc.build());
  }

  /** Exceptions in one shape for both sides, in order of their original start. */
  static JsonArrayBuilder exceptions(List<EventFields.Occurrence> list) {
    JsonArrayBuilder out = Json.createArrayBuilder();
    list.stream()
        .sorted(java.util.Comparator.comparing(EventFields.Occurrence::originalStart))
        .forEach(
            o -> {
              JsonObjectBuilder e =
                  Json.createObjectBuilder().add("originalStart", o.originalStart().toString());
              if (o.cancelled()) {
                e.add("cancelled", true);
              } else {
                e.add("start", o.start().toString()).add("end", o.end().toString());
              }
              out.add(e);
            });
    return out;
  }

  private static List<EventFields.Occurrence> occurrences(JsonObject merged) {
    List<EventFields.Occurrence> out = new ArrayList<>();
    if (ContactMerge.value(merged, "exceptions") instanceof jakarta.json.JsonArray list) {
      for (JsonValue v : list) {
        JsonObject o = (JsonObject) v;
        boolean cancelled = o.get("cancelled") == JsonValue.TRUE;
        out.add(
            new EventFields.Occurrence(
                Instant.parse(o.getString("originalStart")),
                cancelled ? null : Instant.parse(o.getString("start")),
                cancelled ? null : Instant.parse(o.getString("end")),
                cancelled));
      }
    }
    return out;
  }

  /** A calendar event's fields as merge fields. */
  static JsonObject ofMail(EventFields fields) {
    JsonObjectBuilder doc = Json.createObjectBuilder();
    add(doc, "subject", fields.subject());
    add(doc, "start", fields.start() == null ? null : fields.start().toString());
    add(doc, "end", fields.end() == null ? null : fields.end().toString());
    add(doc, "timeZone", fields.timeZone());
    add(doc, "location", fields.location());
    add(doc, "bodyText", fields.bodyText());
    add(doc, "recurrence", rule(fields.recurrence()));
    TreeSet<String> attendees = new TreeSet<>();
    fields.attendees().forEach(a -> attendees.add(a.normalized()));
    doc.add("attendees", array(attendees));
    doc.add("exceptions", exceptions(fields.exceptions()));
    allDay(doc, fields.allDay());
    return ContactMerge.only(FIELDS, doc.build());
  }

  /** Merge fields as the calendar's event; attendee names come from whichever side knows them. */
  static EventFields toMail(JsonObject merged, boolean online, List<MailAddress> known) {
    return new EventFields(
        text(merged, "subject"),
        Instant.parse(text(merged, "start")),
        text(merged, "end") == null ? null : Instant.parse(text(merged, "end")),
        text(merged, "timeZone"),
        text(merged, "location"),
        text(merged, "bodyText"),
        addresses(merged, known),
        text(merged, "recurrence"),
        occurrences(merged),
        online,
        ContactMerge.value(merged, "allDay") == JsonValue.TRUE);
  }

  /** Merge fields as a change of the CRM event (the API's field names). */
  static JsonObject toCrm(JsonObject merged, List<MailAddress> known) {
    JsonObjectBuilder patch = Json.createObjectBuilder();
    for (String field :
        List.of("subject", "start", "end", "timeZone", "location", "bodyText", "recurrence")) {
      JsonValue v = ContactMerge.value(merged, field);
      patch.add(field, v);
    }
    JsonArrayBuilder attendees = Json.createArrayBuilder();
    for (MailAddress a : addresses(merged, known)) {
      JsonObjectBuilder o = Json.createObjectBuilder().add("email", a.email());
      if (a.name() != null) {
        o.add("name", a.name());
      }
      attendees.add(o);
    }
    patch.add("attendees", attendees);
    patch.add("exceptions", ContactMerge.value(merged, "exceptions"));
    patch.add("allDay", ContactMerge.value(merged, "allDay") == JsonValue.TRUE);
    return patch.build();
  }

  /** The names a side knows for its attendees, to carry them along. */
  static List<MailAddress> attendeesOf(JsonObject view) {
    List<MailAddress> out = new ArrayList<>();
    if (view.get("attendees") instanceof jakarta.json.JsonArray list) {
      for (JsonValue a : list) {
        if (a instanceof JsonObject o
            && o.get("email") instanceof JsonString e
            && !e.getString().isBlank()) {
          out.add(
              new MailAddress(
                  e.getString(), o.get("name") instanceof JsonString n ? n.getString() : null));
        }
      }
    }
    return out;
  }

  private static List<MailAddress> addresses(JsonObject merged, List<MailAddress> known) {
    Map<String, MailAddress> byAddress = new HashMap<>();
    known.forEach(a -> byAddress.putIfAbsent(a.normalized(), a));
    List<MailAddress> out = new ArrayList<>();
    if (ContactMerge.value(merged, "attendees") instanceof jakarta.json.JsonArray list) {
      for (JsonValue v : list) {
        String address = ((JsonString) v).getString();
        out.add(byAddress.getOrDefault(address, MailAddress.of(address)));
      }
    }
    return out;
  }

  private static String rule(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return RecurrenceRule.parse(text).format();
    } catch (IllegalArgumentException e) {
      return text.strip();
    }
  }

  private static String instant(JsonObject view, String field) {
    if (!(view.get(field) instanceof JsonString s)) {
      return null;
    }
    return Instant.parse(s.getString()).toString();
  }

  private static void allDay(JsonObjectBuilder doc, boolean allDay) {
    if (allDay) {
      doc.add("allDay", true);
    } else {
      doc.addNull("allDay");
    }
  }

  private static JsonArrayBuilder array(TreeSet<String> values) {
    JsonArrayBuilder out = Json.createArrayBuilder();
    values.forEach(out::add);
    return out;
  }

  private static void add(JsonObjectBuilder doc, String field, String value) {
    if (value == null || value.isBlank()) {
      doc.addNull(field);
    } else {
      doc.add(field, value);
    }
  }

  private static String text(JsonObject doc, String field) {
    return ContactMerge.value(doc, field) instanceof JsonString s ? s.getString() : null;
  }
}
