package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.graphError;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.requestBody;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.GraphEvent;
import io.mailbridge.it.providers.FakeProviders.GraphEventExtra;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Graph's event resource of a user's primary calendar in its wire format
 * (learn.microsoft.com/graph/api/resources/event, /graph/api/user-post-events, /event-update,
 * /event-delete): {@code POST /me/events} creates an event (an {@code id}, an {@code iCalUId}, a
 * {@code changeKey} and {@code @odata.etag} that change with every write; {@code start}/{@code end}
 * are {@code dateTimeTimeZone} in the zone given, kept as {@code originalStartTimeZone}; {@code
 * recurrence} a {@code patternedRecurrence}; {@code singleValueExtendedProperties} kept; a {@code
 * transactionId} seen before answers the event it made, "to avoid redundant POST operations in case
 * of client retries"); {@code GET /me/events/{id}} reads one (with {@code $expand} of one extended
 * property); {@code PATCH} changes the fields sent, refusing an {@code If-Match} that is not the
 * current etag with 412 {@code ErrorIrresolvableConflict}; {@code isAllDay} events need their start
 * and end at midnight (Graph's rule for all-day events; 400 otherwise); {@code DELETE} answers 204.
 * Every write enters the calendar's change log, so calendarView delta reports it. A {@code POST}
 * without extended properties is a booking and goes to {@link CalendarApis}.
 */
final class GraphEventWrites {

  static final Pattern PATH =
      Pattern.compile("^/graph/v1\\.0/(me|users/([^/]+))/events(/([^/]+))?(/instances)?$");

  /** An instance's id: its series' id and the day the rule put it on. */
  static final String OCCURRENCE = "_occurrence_";

  private final FakeProviders fake;
  private final CalendarApis bookings;

  GraphEventWrites(FakeProviders fake, CalendarApis bookings) {
    this.fake = fake;
    this.bookings = bookings;
  }

  void handle(HttpExchange exchange) throws IOException {
    Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
    m.matches();
    Token bearer = fake.authorization.bearer(exchange);
    String account = fake.mailboxOf(bearer, m.group(2));
    String method = exchange.getRequestMethod();
    fake.graphEventRequests.add(
        method + " " + exchange.getRequestURI() + " #" + (account == null ? "-" : account));
    if (bearer == null) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    if (account == null) {
      send(exchange, 403, graphError("ErrorAccessDenied", "Access is denied. Check credentials."));
      return;
    }
    String id = m.group(4);
    if (id == null) {
      if (!"POST".equals(method)) {
        send(exchange, 405, graphError("BadRequest", "Unsupported method."));
        return;
      }
      JsonObject body;
      try {
        body = JSON.createReader(requestBody(exchange)).readObject();
      } catch (JsonException e) {
        send(exchange, 400, graphError("RequestBodyRead", "Invalid request body."));
        return;
      }
      if (!body.containsKey("singleValueExtendedProperties")) {
        bookings.graphEvents(exchange, body);
        return;
      }
      create(exchange, account, body);
      return;
    }
    if (id.contains(OCCURRENCE)) {
      instance(exchange, account, id, method);
      return;
    }
    GraphEvent event = fake.graphEvent(account, id);
    if (event != null && m.group(5) != null) {
      instances(exchange, event);
      return;
    }
    if (event == null) {
      send(
          exchange,
          404,
          graphError("ErrorItemNotFound", "The specified object was not found in the store."));
      return;
    }
    switch (method) {
      case "GET" -> {
        JsonObjectBuilder json = GraphCalendarDelta.json(fake, event);
        java.util.Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
        String expand = q.get("$expand");
        GraphEventExtra series = fake.graphEventExtras.get(id);
        boolean isSeries = series != null && series.recurrence() != null;
        // Only on a series master, and only when named: $select for the cancelled ones, $expand
        // for the moved ones.
        if (isSeries && q.getOrDefault("$select", "").contains("cancelledOccurrences")) {
          JsonArrayBuilder cancelled = JSON.createArrayBuilder();
          series.cancelled().stream()
              .sorted()
              .forEach(day -> cancelled.add("OID." + id + "." + day));
          json.add("cancelledOccurrences", cancelled);
        }
        if ("exceptionOccurrences".equals(expand)) {
          JsonArrayBuilder moved = JSON.createArrayBuilder();
          if (isSeries) {
            series.moved().keySet().stream()
                .sorted()
                .forEach(
                    day -> moved.add(instanceJson(event, series, java.time.LocalDate.parse(day))));
          }
          json.add("exceptionOccurrences", moved);
        } else if (expand != null) {
          Matcher p =
              Pattern.compile("^singleValueExtendedProperties\\(\\$filter=id eq '(.+)'\\)$")
                  .matcher(expand);
          if (!p.matches()) {
            send(exchange, 400, graphError("BadRequest", "Invalid expand clause"));
            return;
          }
          JsonArrayBuilder props = JSON.createArrayBuilder();
          GraphEventExtra extra = fake.graphEventExtras.get(id);
          if (extra != null && extra.crmId() != null && p.group(1).contains("MailbridgeCrmId")) {
            props.add(JSON.createObjectBuilder().add("id", p.group(1)).add("value", extra.crmId()));
          }
          json.add("singleValueExtendedProperties", props);
        }
        send(exchange, 200, json.build().toString());
      }
      case "PATCH" -> {
        String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
        String etag = "W/\"" + FakeProviders.graphChangeKey(event.seq()) + "\"";
        if (ifMatch != null && !ifMatch.equals(etag)) {
          send(
              exchange,
              412,
              graphError(
                  "ErrorIrresolvableConflict",
                  "The send or update operation could not be performed because the change key"
                      + " passed in the request does not match the current change key for the"
                      + " item."));
          return;
        }
        JsonObject body;
        try {
          body = JSON.createReader(requestBody(exchange)).readObject();
          GraphEvent changed = apply(fake, event, body);
          send(exchange, 200, GraphCalendarDelta.json(fake, changed).build().toString());
        } catch (JsonException | ClassCastException | DateTimeException e) {
          send(exchange, 400, graphError("RequestBodyRead", "Invalid request body."));
        }
      }
      case "DELETE" -> {
        fake.removeGraphEvent(event);
        exchange.sendResponseHeaders(204, -1);
      }
      default -> send(exchange, 405, graphError("BadRequest", "Unsupported method."));
    }
  }

  private void create(HttpExchange exchange, String account, JsonObject body) throws IOException {
    String crmId = null;
    try {
      for (JsonObject p :
          body.getJsonArray("singleValueExtendedProperties").getValuesAs(JsonObject.class)) {
        if (p.getString("id").contains("MailbridgeCrmId")) {
          crmId = p.getString("value");
        }
      }
      String transactionId = body.getString("transactionId", null);
      String key = account + "|" + transactionId;
      if (transactionId != null) {
        GraphEvent first =
            fake.graphEvent(account, fake.graphEventTransactions.getOrDefault(key, ""));
        if (first != null) {
          // A retried create: Graph answers the event the first one made.
          send(exchange, 201, GraphCalendarDelta.json(fake, first).build().toString());
          return;
        }
      }
      String id = "AAMkAGSync" + UUID.randomUUID().toString().replace("-", "");
      GraphEvent blank =
          new GraphEvent(
              0,
              account,
              id,
              false,
              "040000008200E00074C5B7101A82E008" + UUID.randomUUID().toString().replace("-", ""),
              "",
              Instant.EPOCH,
              Instant.EPOCH,
              "",
              account,
              List.of(),
              "normal",
              false,
              body.getBoolean("isOnlineMeeting", false),
              "",
              List.of());
      fake.graphEventExtras.put(id, new GraphEventExtra(crmId, null, null));
      GraphEvent created = apply(fake, blank, body);
      if (transactionId != null) {
        fake.graphEventTransactions.put(key, id);
      }
      if (fake.graphEventAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        send(exchange, 500, graphError("generalException", "An internal error occurred."));
        return;
      }
      send(exchange, 201, GraphCalendarDelta.json(fake, created).build().toString());
    } catch (JsonException | ClassCastException | NullPointerException | DateTimeException e) {
      send(exchange, 400, graphError("RequestBodyRead", "Invalid request body."));
    }
  }

  /**
   * {@code GET /events/{id}/instances?startDateTime&endDateTime}: the occurrences and exceptions of
   * a series in the window, cancelled ones left out (learn.microsoft.com/graph/api/event-list-
   * instances). The fake expands daily and weekly rules.
   */
  private void instances(HttpExchange exchange, GraphEvent master) throws IOException {
    java.util.Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    Instant from;
    Instant to;
    try {
      from = Instant.parse(q.get("startDateTime"));
      to = Instant.parse(q.get("endDateTime"));
    } catch (NullPointerException | java.time.format.DateTimeParseException e) {
      send(
          exchange,
          400,
          graphError(
              "ErrorInvalidParameter",
              "This request requires a time window specified by the query string parameters"
                  + " StartDateTime and EndDateTime."));
      return;
    }
    GraphEventExtra series = fake.graphEventExtras.get(master.id());
    JsonArrayBuilder value = JSON.createArrayBuilder();
    if (series != null && series.recurrence() != null) {
      for (java.time.LocalDate day : days(master, series)) {
        if (series.cancelled().contains(day.toString())) {
          continue;
        }
        Instant start = startOf(master, series, day);
        if (start.isBefore(to) && !start.isBefore(from)) {
          value.add(instanceJson(master, series, day));
        }
      }
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(event)")
            .add("value", value)
            .build()
            .toString());
  }

  /**
   * {@code PATCH} (move) or {@code DELETE} (cancel) of one instance; the series changes with it.
   */
  private void instance(HttpExchange exchange, String account, String id, String method)
      throws IOException {
    int at = id.indexOf(OCCURRENCE);
    GraphEvent master = fake.graphEvent(account, id.substring(0, at));
    GraphEventExtra series = master == null ? null : fake.graphEventExtras.get(master.id());
    String day = id.substring(at + OCCURRENCE.length());
    if (series == null
        || series.recurrence() == null
        || series.cancelled().contains(day)
        || !days(master, series).contains(java.time.LocalDate.parse(day))) {
      send(
          exchange,
          404,
          graphError("ErrorItemNotFound", "The specified object was not found in the store."));
      return;
    }
    switch (method) {
      case "GET" ->
          send(
              exchange,
              200,
              instanceJson(master, series, java.time.LocalDate.parse(day)).build().toString());
      case "DELETE" -> {
        series.cancelled().add(day);
        series.moved().remove(day);
        fake.putGraphEvent(master.retitled(master.subject(), master.body()));
        exchange.sendResponseHeaders(204, -1);
      }
      case "PATCH" -> {
        try {
          JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
          series
              .moved()
              .put(
                  day, List.of(time(body.getJsonObject("start")), time(body.getJsonObject("end"))));
        } catch (JsonException | ClassCastException | NullPointerException | DateTimeException e) {
          send(exchange, 400, graphError("RequestBodyRead", "Invalid request body."));
          return;
        }
        GraphEvent changed = fake.putGraphEvent(master.retitled(master.subject(), master.body()));
        send(
            exchange,
            200,
            instanceJson(changed, series, java.time.LocalDate.parse(day)).build().toString());
      }
      default -> send(exchange, 405, graphError("BadRequest", "Unsupported method."));
    }
  }

  /** An instance as Graph shows it: an occurrence, or an exception when it was moved. */
  static JsonObjectBuilder instanceJson(
      GraphEvent master, GraphEventExtra series, java.time.LocalDate day) {
    Instant original = startOf(master, series, day);
    List<Instant> moved = series.moved().get(day.toString());
    Instant start = moved == null ? original : moved.get(0);
    Instant end =
        moved == null
            ? original.plus(java.time.Duration.between(master.start(), master.end()))
            : moved.get(1);
    return GraphCalendarDelta.json(FakeProviders.get(), master)
        .add("id", master.id() + OCCURRENCE + day)
        .add("type", moved == null ? "occurrence" : "exception")
        .add("seriesMasterId", master.id())
        .add("originalStart", original.toString())
        .add("start", GraphCalendarDelta.time(start))
        .add("end", GraphCalendarDelta.time(end))
        .addNull("recurrence");
  }

  /** When the rule puts the occurrence of this day: the series' time of day in its zone. */
  static Instant startOf(GraphEvent master, GraphEventExtra series, java.time.LocalDate day) {
    ZoneId zone =
        series.timeZone() == null || series.timeZone().equals("UTC")
            ? ZoneOffset.UTC
            : ZoneId.of(series.timeZone());
    return day.atTime(master.start().atZone(zone).toLocalTime()).atZone(zone).toInstant();
  }

  /** The days a daily or weekly rule puts occurrences on (at most 500). */
  static List<java.time.LocalDate> days(GraphEvent master, GraphEventExtra series) {
    JsonObject pattern = series.recurrence().getJsonObject("pattern");
    JsonObject range = series.recurrence().getJsonObject("range");
    java.time.LocalDate first = java.time.LocalDate.parse(range.getString("startDate"));
    int interval = pattern.getInt("interval", 1);
    int count =
        "numbered".equals(range.getString("type")) ? range.getInt("numberOfOccurrences") : 500;
    java.time.LocalDate last =
        "endDate".equals(range.getString("type"))
            ? java.time.LocalDate.parse(range.getString("endDate"))
            : first.plusYears(5);
    List<java.time.LocalDate> days = new ArrayList<>();
    if ("weekly".equals(pattern.getString("type"))) {
      List<java.time.DayOfWeek> on =
          pattern.getJsonArray("daysOfWeek").getValuesAs(jakarta.json.JsonString.class).stream()
              .map(
                  d ->
                      java.time.DayOfWeek.valueOf(d.getString().toUpperCase(java.util.Locale.ROOT)))
              .sorted()
              .toList();
      java.time.LocalDate week = first.with(java.time.DayOfWeek.MONDAY);
      while (days.size() < count && !week.isAfter(last)) {
        for (java.time.DayOfWeek d : on) {
          java.time.LocalDate day = week.with(d);
          if (!day.isBefore(first) && !day.isAfter(last) && days.size() < count) {
            days.add(day);
          }
        }
        week = week.plusWeeks(interval);
      }
    } else {
      for (java.time.LocalDate day = first;
          days.size() < count && !day.isAfter(last);
          day = day.plusDays(interval)) {
        days.add(day);
      }
    }
    return days;
  }

  /** The fields a body names, written over the event as a new state of the log. */
  static GraphEvent apply(FakeProviders fake, GraphEvent e, JsonObject body) {
    GraphEventExtra extra =
        fake.graphEventExtras.getOrDefault(e.id(), new GraphEventExtra(null, null, null));
    String zone = extra.timeZone();
    Instant start = e.start();
    Instant end = e.end();
    if (body.containsKey("start")) {
      zone = body.getJsonObject("start").getString("timeZone");
      start = time(body.getJsonObject("start"));
    }
    if (body.containsKey("end")) {
      end = time(body.getJsonObject("end"));
    }
    boolean allDay = body.getBoolean("isAllDay", extra.allDay());
    if (allDay && !(midnight(body.getJsonObject("start")) && midnight(body.getJsonObject("end")))) {
      throw new DateTimeException("an all-day event's start and end must be midnights");
    }
    List<String> attendees = e.attendees();
    if (body.containsKey("attendees")) {
      attendees = new ArrayList<>();
      for (JsonObject a : body.getJsonArray("attendees").getValuesAs(JsonObject.class)) {
        attendees.add(a.getJsonObject("emailAddress").getString("address"));
      }
    }
    JsonObject recurrence = extra.recurrence();
    if (body.containsKey("recurrence")) {
      recurrence =
          body.get("recurrence") == JsonValue.NULL ? null : body.getJsonObject("recurrence");
    }
    fake.graphEventExtras.put(e.id(), extra.with(zone, recurrence).withAllDay(allDay));
    return fake.putGraphEvent(
        new GraphEvent(
            0,
            e.account(),
            e.id(),
            false,
            e.iCalUid(),
            body.getString("subject", e.subject()),
            start,
            end,
            body.containsKey("location")
                ? body.getJsonObject("location").getString("displayName", "")
                : e.location(),
            e.organizer(),
            attendees,
            e.sensitivity(),
            e.cancelled(),
            e.online(),
            body.containsKey("body")
                ? body.getJsonObject("body").getString("content", "")
                : e.body(),
            e.categories()));
  }

  /** Whether a {@code dateTimeTimeZone} sent is a midnight (one not sent keeps what is stored). */
  private static boolean midnight(JsonObject value) {
    return value == null
        || LocalDateTime.parse(value.getString("dateTime"))
            .toLocalTime()
            .equals(java.time.LocalTime.MIDNIGHT);
  }

  /** A {@code dateTimeTimeZone} as an instant: the local time in its zone (IANA or UTC). */
  private static Instant time(JsonObject value) {
    String zone = value.getString("timeZone");
    LocalDateTime local = LocalDateTime.parse(value.getString("dateTime"));
    return "UTC".equals(zone)
        ? local.toInstant(ZoneOffset.UTC)
        : local.atZone(ZoneId.of(zone)).toInstant();
  }
}
