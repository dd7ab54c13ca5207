package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.Activity;
import io.mailbridge.crm.entity.ActivityType;
import io.mailbridge.message.CalendarEvent;
import io.mailbridge.message.EventZone;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.RecurrenceRule;
import io.mailbridge.platform.base.OpaqueId;
import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Events made and changed in the CRM ({@code /api/events}) and the CRM's feed of event changes for
 * event sync. An event is an EVENT activity stored on the one activity path: a meeting capture
 * finds in a calendar and an event made here are the same activity once the calendar's iCalendar
 * UID is adopted ({@link #adoptUid}). An all-day event ({@code allDay}) keeps its start and end
 * (exclusive) as midnights in its time zone, UTC when it has none; a request may send them as
 * dates.
 */
@ApplicationScoped
public class CrmEvents {

  /** The fields a request may send; anything else is refused, so a typo is not silently lost. */
  static final Set<String> FIELDS =
      Set.of(
          "subject",
          "start",
          "end",
          "timeZone",
          "location",
          "bodyText",
          "attendees",
          "recurrence",
          "exceptions",
          "onlineMeeting",
          "allDay",
          "recordIds");

  private static final int MAX_TEXT = 32_768;
  private static final int MAX_ATTENDEES = 500;

  @PersistenceContext EntityManager em;
  @Inject ActivityWriter writer;
  @Inject Activities activities;
  @Inject RecordChanges feed;

  /**
   * One change of an event as a reader of the feed sees it: its API view, when it was last written
   * and by whom it was made, or only its id (and maker) when it was deleted.
   */
  public record EventChange(
      String id,
      long seq,
      JsonObject event,
      Instant changedAt,
      String createdBy,
      boolean removed) {}

  /** Creates an event from an API body; answers its view. */
  public JsonObject create(String orgId, String userId, JsonObject body) {
    JsonObject fields = timed(checked(body, true));
    CalendarEvent event = event(fields, "crm", OpaqueId.next(), null, null, null);
    StoredActivity stored =
        writer.storeCrmEvent(orgId, event, recordIds(fields), userId, series(fields));
    return activities.get(orgId, stored.id());
  }

  /** An event's view; another org's event or another kind of activity is not found. */
  public JsonObject get(String orgId, String id) {
    return activities.view(find(orgId, id));
  }

  /**
   * Changes the fields the body names (a field set to null is cleared; {@code recordIds} adds
   * links); answers the event's view.
   */
  public JsonObject update(String orgId, String id, JsonObject patch) {
    JsonObject stored = get(orgId, id);
    JsonObject fields = checked(patch, false);
    var merged = CrmJson.object(stored);
    fields.forEach(merged::add);
    JsonObject built = merged.build();
    if (!(built.get("end") instanceof JsonString)) {
      throw new InvalidField("end", "is required");
    }
    JsonObject next = timed(built);
    CalendarEvent event =
        event(
            next,
            stored.getString("provider", "crm"),
            text(stored, "providerEventId"),
            text(stored, "iCalUid"),
            stored.get("organizer") instanceof JsonObject o ? address(o) : null,
            text(stored, "onlineMeetingUrl"));
    writer.reviseEvent(orgId, id, event, seriesIfNamed(fields, next), recordIds(fields));
    return get(orgId, id);
  }

  /** Writes what a calendar changed (event sync): the same as a PATCH of these fields. */
  public JsonObject updateFromCalendar(
      String orgId, String id, JsonObject fields, String onlineMeetingUrl) {
    JsonObject stored = get(orgId, id);
    var merged = CrmJson.object(stored);
    fields.forEach(merged::add);
    JsonObject next = timed(merged.build());
    CalendarEvent event =
        event(
            next,
            stored.getString("provider", "crm"),
            text(stored, "providerEventId"),
            text(stored, "iCalUid"),
            stored.get("organizer") instanceof JsonObject o ? address(o) : null,
            onlineMeetingUrl == null ? text(stored, "onlineMeetingUrl") : onlineMeetingUrl);
    writer.reviseEvent(orgId, id, event, seriesIfNamed(fields, next), List.of());
    return get(orgId, id);
  }

  public void delete(String orgId, String id) {
    find(orgId, id);
    writer.deleteEvent(orgId, id);
  }

  /**
   * A meeting event sync found in a calendar: stored as capture stores it (one activity per
   * meeting, found by iCalendar UID) with its series, in the caller's transaction.
   */
  public String storeFromCalendar(
      String orgId,
      CalendarEvent event,
      List<String> recordIds,
      String ownerUserId,
      String mailboxId,
      String itemId,
      String rule,
      JsonArray exceptions) {
    return writer
        .storeSyncedEvent(
            orgId,
            event,
            recordIds,
            ownerUserId,
            mailboxId,
            itemId,
            rule == null
                ? null
                : series(
                    CrmJson.object()
                        .add("recurrence", rule)
                        .add(
                            "exceptions",
                            exceptions == null ? JsonValue.EMPTY_JSON_ARRAY : exceptions)
                        .build()))
        .id();
  }

  /** See {@link ActivityWriter#adoptUid}. */
  public boolean adoptUid(String orgId, String id, String iCalUid) {
    return writer.adoptUid(orgId, id, iCalUid);
  }

  /** The event as it is now, if it exists in this org. */
  public Optional<EventChange> current(String orgId, String id) {
    Activity activity = id == null ? null : em.find(Activity.class, id);
    if (activity == null
        || !activity.orgId().equals(orgId)
        || activity.type() != ActivityType.EVENT) {
      return Optional.empty();
    }
    return Optional.of(change(activity));
  }

  /** Whether any event was written or deleted after {@code afterSeq}. */
  public boolean anySince(String orgId, long afterSeq) {
    return !em.createQuery(
                "SELECT a.id FROM Activity a WHERE a.orgId = :org AND a.type = :type"
                    + " AND a.changeSeq > :after",
                String.class)
            .setParameter("org", orgId)
            .setParameter("type", ActivityType.EVENT)
            .setParameter("after", afterSeq)
            .setMaxResults(1)
            .getResultList()
            .isEmpty()
        || !em.createNativeQuery(
                "SELECT activity_id FROM crm_event_removal WHERE org_id = ? AND change_seq > ?")
            .setParameter(1, orgId)
            .setParameter(2, afterSeq)
            .setMaxResults(1)
            .getResultList()
            .isEmpty();
  }

  /**
   * Up to {@code limit} event changes after {@code afterSeq}, in feed order; an event written twice
   * shows once, with its latest state.
   */
  public List<EventChange> since(String orgId, long afterSeq, int limit) {
    List<EventChange> found = new ArrayList<>();
    for (Activity activity :
        em.createQuery(
                "SELECT a FROM Activity a WHERE a.orgId = :org AND a.type = :type"
                    + " AND a.changeSeq > :after ORDER BY a.changeSeq",
                Activity.class)
            .setParameter("org", orgId)
            .setParameter("type", ActivityType.EVENT)
            .setParameter("after", afterSeq)
            .setMaxResults(limit)
            .getResultList()) {
      found.add(change(activity));
    }
    @SuppressWarnings("unchecked")
    List<Object[]> removals =
        em.createNativeQuery(
                "SELECT activity_id, created_by, change_seq, removed_at FROM crm_event_removal"
                    + " WHERE org_id = ? AND change_seq > ? ORDER BY change_seq")
            .setParameter(1, orgId)
            .setParameter(2, afterSeq)
            .setMaxResults(limit)
            .getResultList();
    for (Object[] row : removals) {
      found.add(
          new EventChange(
              (String) row[0],
              ((Number) row[2]).longValue(),
              null,
              instant(row[3]),
              (String) row[1],
              true));
    }
    found.sort(Comparator.comparingLong(EventChange::seq));
    return found.size() > limit ? List.copyOf(found.subList(0, limit)) : found;
  }

  private EventChange change(Activity activity) {
    JsonObject view = activities.view(activity);
    Instant changedAt = activity.occurredAt();
    if (view.get("modifiedAt") instanceof JsonString at) {
      changedAt = Instant.parse(at.getString());
    }
    return new EventChange(
        activity.id(), activity.changeSeq(), view, changedAt, activity.createdBy(), false);
  }

  private Activity find(String orgId, String id) {
    Activity activity = activities.find(orgId, id);
    if (activity.type() != ActivityType.EVENT) {
      throw new NotFound("Event");
    }
    return activity;
  }

  /** The body's fields, each of its type; on create, subject, start and end are required. */
  static JsonObject checked(JsonObject body, boolean creating) {
    if (body == null) {
      throw new InvalidRequest("invalid_json", "Send the event as a JSON object");
    }
    for (String name : body.keySet()) {
      if (!FIELDS.contains(name)) {
        throw new InvalidField(name, "is not a field of an event");
      }
    }
    for (String name :
        List.of("subject", "start", "end", "timeZone", "location", "bodyText", "recurrence")) {
      JsonValue value = body.get(name);
      if (value != null && value != JsonValue.NULL && !(value instanceof JsonString)) {
        throw new InvalidField(name, "must be a string");
      }
      if (value instanceof JsonString s && s.getString().length() > MAX_TEXT) {
        throw new InvalidField(name, "is too long");
      }
    }
    if (creating) {
      for (String name : List.of("subject", "start", "end")) {
        if (!(body.get(name) instanceof JsonString)) {
          throw new InvalidField(name, "is required");
        }
      }
    } else {
      for (String name : List.of("subject", "start", "end")) {
        if (body.containsKey(name) && !(body.get(name) instanceof JsonString)) {
          throw new InvalidField(name, "cannot be cleared");
        }
      }
    }
    JsonValue allDay = body.get("allDay");
    if (allDay != null
        && allDay != JsonValue.NULL
        && allDay != JsonValue.TRUE
        && allDay != JsonValue.FALSE) {
      throw new InvalidField("allDay", "must be true or false");
    }
    if (body.get("timeZone") instanceof JsonString zone) {
      try {
        ZoneId.of(zone.getString());
      } catch (DateTimeException e) {
        throw new InvalidField("timeZone", "must be an IANA time zone such as Europe/Paris");
      }
    }
    if (body.get("recurrence") instanceof JsonString rule) {
      try {
        RecurrenceRule.parse(rule.getString());
      } catch (IllegalArgumentException e) {
        throw new InvalidField("recurrence", "is not a supported RRULE (" + e.getMessage() + ")");
      }
    }
    checkExceptions(body.get("exceptions"));
    if (creating
        && body.get("exceptions") instanceof JsonArray list
        && !list.isEmpty()
        && !(body.get("recurrence") instanceof JsonString)) {
      throw new InvalidField("exceptions", "needs a recurrence");
    }
    JsonValue online = body.get("onlineMeeting");
    if (online != null
        && online != JsonValue.NULL
        && online != JsonValue.TRUE
        && online != JsonValue.FALSE) {
      throw new InvalidField("onlineMeeting", "must be true or false");
    }
    JsonValue attendees = body.get("attendees");
    if (attendees != null && attendees != JsonValue.NULL) {
      if (!(attendees instanceof JsonArray list) || list.size() > MAX_ATTENDEES) {
        throw new InvalidField("attendees", "must be an array of {email, name}");
      }
      for (JsonValue a : list) {
        if (!(a instanceof JsonObject o)
            || !(o.get("email") instanceof JsonString email)
            || email.getString().isBlank()
            || !email.getString().contains("@")
            || (o.containsKey("name")
                && o.get("name") != JsonValue.NULL
                && !(o.get("name") instanceof JsonString))) {
          throw new InvalidField("attendees", "must be an array of {email, name}");
        }
      }
    }
    JsonValue ids = body.get("recordIds");
    if (ids != null && ids != JsonValue.NULL) {
      if (!(ids instanceof JsonArray list)
          || list.size() > 100
          || list.stream().anyMatch(v -> !(v instanceof JsonString))) {
        throw new InvalidField("recordIds", "must be an array of record ids");
      }
    }
    return body;
  }

  private static void checkExceptions(JsonValue exceptions) {
    if (exceptions == null || exceptions == JsonValue.NULL) {
      return;
    }
    String shape =
        "must be an array of {originalStart, cancelled: true} or {originalStart, start, end}";
    if (!(exceptions instanceof JsonArray list) || list.size() > 200) {
      throw new InvalidField("exceptions", shape);
    }
    for (JsonValue v : list) {
      if (!(v instanceof JsonObject o) || !(o.get("originalStart") instanceof JsonString)) {
        throw new InvalidField("exceptions", shape);
      }
      try {
        Instant.parse(o.getString("originalStart"));
        if (o.get("cancelled") == JsonValue.TRUE) {
          continue;
        }
        if (!(o.get("start") instanceof JsonString start)
            || !(o.get("end") instanceof JsonString end)
            || Instant.parse(end.getString()).isBefore(Instant.parse(start.getString()))) {
          throw new InvalidField("exceptions", shape);
        }
      } catch (DateTimeParseException e) {
        throw new InvalidField("exceptions", "times must be such as 2026-12-01T09:00:00Z");
      }
    }
  }

  /**
   * The event's fields with their times checked: a timed event's start and end are instants, end
   * not before start; an all-day event's are dates ({@code 2026-12-24}) or midnights in its zone,
   * answered as those midnights, and it lasts at least one day (end is exclusive).
   */
  static JsonObject timed(JsonObject fields) {
    if (fields.get("allDay") != JsonValue.TRUE) {
      Instant start = instantOf(fields, "start");
      Instant end = instantOf(fields, "end");
      if (start != null && end != null && end.isBefore(start)) {
        throw new InvalidField("end", "must not be before start");
      }
      return fields;
    }
    ZoneId zone = EventZone.of(text(fields, "timeZone"));
    Instant start = midnight(fields, "start", zone);
    Instant end = midnight(fields, "end", zone);
    if (start != null && end != null && !end.isAfter(start)) {
      throw new InvalidField(
          "end", "must be a later day than start (an all-day event's end is exclusive)");
    }
    var out = CrmJson.object(fields);
    if (start != null) {
      out.add("start", start.toString());
    }
    if (end != null) {
      out.add("end", end.toString());
    }
    return out.build();
  }

  /** An all-day event's time: a date's midnight in the zone, or an instant that is one. */
  private static Instant midnight(JsonObject fields, String name, ZoneId zone) {
    if (!(fields.get(name) instanceof JsonString s)) {
      return null;
    }
    String shown =
        "must be a date such as 2026-12-24, or midnight in the event's time zone, for an all-day"
            + " event";
    if (s.getString().length() == 10) {
      try {
        return LocalDate.parse(s.getString()).atStartOfDay(zone).toInstant();
      } catch (DateTimeParseException e) {
        throw new InvalidField(name, shown);
      }
    }
    Instant at = instantOf(fields, name);
    if (!at.atZone(zone).toLocalTime().equals(LocalTime.MIDNIGHT)) {
      throw new InvalidField(name, shown);
    }
    return at;
  }

  private static Instant instantOf(JsonObject fields, String name) {
    if (!(fields.get(name) instanceof JsonString s)) {
      return null;
    }
    try {
      return Instant.parse(s.getString());
    } catch (DateTimeParseException e) {
      throw new InvalidField(name, "must be a time such as 2026-12-01T09:00:00Z");
    }
  }

  private static CalendarEvent event(
      JsonObject fields,
      String provider,
      String providerEventId,
      String iCalUid,
      MailAddress organizer,
      String onlineMeetingUrl) {
    List<CalendarEvent.Attendee> attendees = new ArrayList<>();
    if (fields.get("attendees") instanceof JsonArray list) {
      for (JsonValue a : list) {
        JsonObject o = (JsonObject) a;
        CalendarEvent.Response response = CalendarEvent.Response.NONE;
        if (o.get("response") instanceof JsonString r) {
          try {
            response = CalendarEvent.Response.valueOf(r.getString());
          } catch (IllegalArgumentException e) {
            response = CalendarEvent.Response.NONE;
          }
        }
        attendees.add(
            new CalendarEvent.Attendee(
                new MailAddress(o.getString("email"), text(o, "name")), response));
      }
    }
    boolean online =
        fields.get("onlineMeeting") == JsonValue.TRUE
            || (onlineMeetingUrl != null && fields.get("onlineMeeting") != JsonValue.FALSE);
    return new CalendarEvent(
        provider,
        providerEventId,
        iCalUid,
        text(fields, "subject"),
        instantOf(fields, "start"),
        instantOf(fields, "end"),
        text(fields, "timeZone"),
        text(fields, "location"),
        organizer,
        attendees,
        onlineMeetingUrl,
        online,
        text(fields, "bodyText"),
        null,
        false,
        fields.get("allDay") == JsonValue.TRUE);
  }

  private static List<String> recordIds(JsonObject fields) {
    if (!(fields.get("recordIds") instanceof JsonArray ids)) {
      return List.of();
    }
    return ids.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
  }

  private static MailAddress address(JsonObject o) {
    return o.get("email") instanceof JsonString e && !e.getString().isBlank()
        ? new MailAddress(e.getString(), text(o, "name"))
        : null;
  }

  /** The series a change names (its rule or its exceptions), or null to keep the stored one. */
  private static EventSeries seriesIfNamed(JsonObject change, JsonObject next) {
    return change.containsKey("recurrence") || change.containsKey("exceptions")
        ? series(next)
        : null;
  }

  /**
   * The series of these fields: the normalized rule, and the exceptions in order of their original
   * start with their times normalized (none without a rule).
   */
  static EventSeries series(JsonObject fields) {
    String rule = optionalText(fields, "recurrence");
    if (rule == null || !(fields.get("exceptions") instanceof JsonArray list)) {
      return new EventSeries(rule, null);
    }
    java.util.TreeMap<Instant, JsonObject> byOriginal = new java.util.TreeMap<>();
    for (JsonValue v : list) {
      JsonObject o = (JsonObject) v;
      Instant original = Instant.parse(o.getString("originalStart"));
      var normalized = CrmJson.object().add("originalStart", original.toString());
      if (o.get("cancelled") == JsonValue.TRUE) {
        normalized.add("cancelled", true);
      } else {
        normalized
            .add("start", Instant.parse(o.getString("start")).toString())
            .add("end", Instant.parse(o.getString("end")).toString());
      }
      byOriginal.put(original, normalized.build());
    }
    var exceptions = CrmJson.array();
    byOriginal.values().forEach(exceptions::add);
    return new EventSeries(rule, exceptions.build());
  }

  /** The rule as stored: normalized, so both sides of sync compare it alike. */
  private static String optionalText(JsonObject fields, String name) {
    String rule = text(fields, name);
    return rule == null ? null : RecurrenceRule.parse(rule).format();
  }

  private static String text(JsonObject fields, String name) {
    JsonValue v = fields.get(name);
    if (v instanceof JsonString s && !s.getString().isBlank()) {
      return s.getString();
    }
    if (v instanceof JsonNumber n) {
      return n.toString();
    }
    return null;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static Instant instant(Object column) {
    return column instanceof java.sql.Timestamp t
        ? SqlTime.instant(t.toLocalDateTime())
        : column instanceof java.time.LocalDateTime l ? SqlTime.instant(l) : (Instant) column;
  }
}
