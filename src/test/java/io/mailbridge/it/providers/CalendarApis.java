package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.googleError;
import static io.mailbridge.it.providers.FakeHttp.graphError;
import static io.mailbridge.it.providers.FakeHttp.requestBody;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.CalendarItem;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The calendars as Mailbridge calls them: Graph's {@code POST /me/calendar/getSchedule} (schedule
 * items with status, subject and location, as Graph answers them) and {@code POST /me/events}
 * (attendees invited; a repeated {@code transactionId} answers the first event), and Google
 * Calendar's {@code freeBusy.query} (busy periods only) and {@code events.insert} (invitations only
 * with {@code sendUpdates=all}; a client-chosen id that exists is 409 duplicate). Each refuses a
 * token whose grant lacks the scopes the provider documents for the call, with the provider's 403.
 */
final class CalendarApis {

  private static final DateTimeFormatter GRAPH_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS", Locale.ROOT);

  private final FakeProviders fake;

  CalendarApis(FakeProviders fake) {
    this.fake = fake;
  }

  private static final Set<String> GRAPH_SCHEDULE_SCOPES =
      Set.of("calendars.readbasic", "calendars.read", "calendars.readwrite");

  /** The scopes Google's reference lists for {@code freeBusy.query}. */
  private static final Set<String> GOOGLE_FREE_BUSY_SCOPES =
      Set.of(
          "https://www.googleapis.com/auth/calendar",
          "https://www.googleapis.com/auth/calendar.readonly",
          "https://www.googleapis.com/auth/calendar.freebusy",
          "https://www.googleapis.com/auth/calendar.events.freebusy");

  /** Those that let {@code events.insert} write to the user's own primary calendar. */
  private static final Set<String> GOOGLE_INSERT_SCOPES =
      Set.of(
          "https://www.googleapis.com/auth/calendar",
          "https://www.googleapis.com/auth/calendar.events",
          "https://www.googleapis.com/auth/calendar.events.owned");

  /** Whether the bearer token's grant holds one of these scopes (Graph's without the prefix). */
  private boolean granted(HttpExchange exchange, Set<String> anyOf) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String scopes = fake.accessTokenScopes.getOrDefault(header.substring(7), "");
    return java.util.Arrays.stream(scopes.split(" "))
        .map(AuthorizationServer::bareGraphScope)
        .anyMatch(anyOf::contains);
  }

  /** Google's answer to a token without the method's scope. */
  private static String insufficientScopes() {
    return googleError(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED");
  }

  // ------------------------------------------------------------------ Graph

  void graphSchedule(HttpExchange exchange) throws IOException {
    fake.graphRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    fake.calendarCalls.add(token.account().toLowerCase(Locale.ROOT) + " getSchedule");
    // getSchedule: Calendars.ReadBasic, Calendars.Read or Calendars.ReadWrite (delegated).
    if (!granted(exchange, GRAPH_SCHEDULE_SCOPES)) {
      send(
          exchange,
          403,
          graphError("ErrorAccessDenied", "Access is denied. Check credentials and try again."));
      return;
    }
    JsonObject body;
    Instant from;
    Instant to;
    try {
      // Graph matches action parameters without regard to case: the documentation writes
      // startTime, the Java SDK sends StartTime.
      body = camelCased(JSON.createReader(requestBody(exchange)).readObject());
      from = graphTime(body.getJsonObject("startTime"));
      to = graphTime(body.getJsonObject("endTime"));
    } catch (JsonException | ClassCastException | NullPointerException | DateTimeParseException e) {
      send(exchange, 400, graphError("RequestBodyRead", "Invalid request body."));
      return;
    }
    fake.scheduleQueries.incrementAndGet();
    JsonArrayBuilder value = JSON.createArrayBuilder();
    for (String schedule :
        body.getJsonArray("schedules").getValuesAs(jakarta.json.JsonString.class).stream()
            .map(jakarta.json.JsonString::getString)
            .toList()) {
      JsonArrayBuilder items = JSON.createArrayBuilder();
      StringBuilder view = new StringBuilder();
      for (CalendarItem item : fake.calendarOf(schedule.toLowerCase(Locale.ROOT))) {
        if (item.end().isAfter(from) && item.start().isBefore(to)) {
          items.add(
              JSON.createObjectBuilder()
                  .add("isPrivate", false)
                  .add("status", item.status())
                  .add("subject", item.subject())
                  .add("location", item.location())
                  .add("isMeeting", true)
                  .add("isRecurring", false)
                  .add("isException", false)
                  .add("isReminderSet", true)
                  .add("start", graphTimeJson(item.start()))
                  .add("end", graphTimeJson(item.end())));
        }
      }
      int interval = body.getInt("availabilityViewInterval", 30);
      for (Instant t = from; t.isBefore(to); t = t.plusSeconds(interval * 60L)) {
        Instant slotEnd = t.plusSeconds(interval * 60L);
        char c = '0';
        for (CalendarItem item : fake.calendarOf(schedule.toLowerCase(Locale.ROOT))) {
          if (item.end().isAfter(t) && item.start().isBefore(slotEnd)) {
            c = item.status().equals("free") ? c : '2';
          }
        }
        view.append(c);
      }
      value.add(
          JSON.createObjectBuilder()
              .add("scheduleId", schedule)
              .add("availabilityView", view.toString())
              .add("scheduleItems", items)
              .add(
                  "workingHours",
                  JSON.createObjectBuilder()
                      .add(
                          "daysOfWeek",
                          JSON.createArrayBuilder()
                              .add("monday")
                              .add("tuesday")
                              .add("wednesday")
                              .add("thursday")
                              .add("friday"))
                      .add("startTime", "08:00:00.0000000")
                      .add("endTime", "17:00:00.0000000")
                      .add("timeZone", JSON.createObjectBuilder().add("name", "UTC"))));
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add(
                "@odata.context",
                "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)")
            .add("value", value)
            .build()
            .toString());
  }

  void graphEvents(HttpExchange exchange) throws IOException {
    graphEvents(exchange, null);
  }

  /** Books a meeting; {@code preRead} is the body when the caller already read it. */
  void graphEvents(HttpExchange exchange, JsonObject preRead) throws IOException {
    fake.graphRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    fake.calendarCalls.add(token.account().toLowerCase(Locale.ROOT) + " events");
    // Creating an event: Calendars.ReadWrite (delegated).
    if (!granted(exchange, Set.of("calendars.readwrite"))) {
      send(
          exchange,
          403,
          graphError("ErrorAccessDenied", "Access is denied. Check credentials and try again."));
      return;
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 405, graphError("BadRequest", "Unsupported method."));
      return;
    }
    JsonObject body;
    CalendarItem item;
    try {
      body = preRead != null ? preRead : JSON.createReader(requestBody(exchange)).readObject();
      List<String> attendees = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (JsonObject a : body.getJsonArray("attendees").getValuesAs(JsonObject.class)) {
        attendees.add(a.getJsonObject("emailAddress").getString("address"));
        names.add(a.getJsonObject("emailAddress").getString("name", ""));
      }
      String transactionId = body.getString("transactionId", null);
      synchronized (fake) {
        for (CalendarItem existing : fake.calendarOf(token.account())) {
          if (transactionId != null && transactionId.equals(existing.transactionId())) {
            send(exchange, 201, graphEventJson(existing, token.account()).build().toString());
            return;
          }
        }
        item =
            new CalendarItem(
                "AAMkEvent" + UUID.randomUUID().toString().replace("-", ""),
                UUID.randomUUID() + "@graph.fake",
                body.getString("subject", ""),
                "",
                "busy",
                graphTime(body.getJsonObject("start")),
                graphTime(body.getJsonObject("end")),
                attendees,
                names,
                transactionId);
        fake.addCalendarItem(token.account(), item);
      }
    } catch (JsonException | ClassCastException | NullPointerException | DateTimeParseException e) {
      send(exchange, 400, graphError("RequestBodyRead", "Invalid request body."));
      return;
    }
    // Exchange sends the meeting request to every attendee of a new event.
    item.attendees().forEach(a -> fake.invitations.add(token.account() + " -> " + a));
    send(exchange, 201, graphEventJson(item, token.account()).build().toString());
  }

  private static JsonObjectBuilder graphEventJson(CalendarItem item, String organizer) {
    JsonArrayBuilder attendees = JSON.createArrayBuilder();
    for (int i = 0; i < item.attendees().size(); i++) {
      attendees.add(
          JSON.createObjectBuilder()
              .add("type", "required")
              .add(
                  "status",
                  JSON.createObjectBuilder()
                      .add("response", "none")
                      .add("time", "0001-01-01T00:00:00Z"))
              .add(
                  "emailAddress",
                  JSON.createObjectBuilder()
                      .add("name", item.attendeeNames().get(i))
                      .add("address", item.attendees().get(i))));
    }
    return JSON.createObjectBuilder()
        .add(
            "@odata.context",
            "https://graph.microsoft.com/v1.0/$metadata#users('me')/events/$entity")
        .add("id", item.id())
        .add("iCalUId", item.iCalUid())
        .add("subject", item.subject())
        .add("isOrganizer", true)
        .add("showAs", "busy")
        .add("start", graphTimeJson(item.start()))
        .add("end", graphTimeJson(item.end()))
        .add("attendees", attendees)
        .add(
            "organizer",
            JSON.createObjectBuilder()
                .add("emailAddress", JSON.createObjectBuilder().add("address", organizer)));
  }

  /** {@code dateTimeTimeZone}; the fake speaks UTC only, which is what Mailbridge asks for. */
  private static JsonObject camelCased(JsonObject body) {
    jakarta.json.JsonObjectBuilder same = JSON.createObjectBuilder();
    body.forEach(
        (name, value) ->
            same.add(
                name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1),
                value));
    return same.build();
  }

  private static Instant graphTime(JsonObject time) {
    String zone = time.getString("timeZone");
    if (!zone.equals("UTC")) {
      throw new DateTimeParseException("the fake knows only UTC", zone, 0);
    }
    return LocalDateTime.parse(time.getString("dateTime")).toInstant(ZoneOffset.UTC);
  }

  private static JsonObjectBuilder graphTimeJson(Instant at) {
    return JSON.createObjectBuilder()
        .add("dateTime", GRAPH_TIME.format(LocalDateTime.ofInstant(at, ZoneOffset.UTC)))
        .add("timeZone", "UTC");
  }

  // ------------------------------------------------------------------ Google Calendar

  void googleFreeBusy(HttpExchange exchange) throws IOException {
    fake.gmailRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(exchange, 401, googleError(401, "Invalid Credentials", "UNAUTHENTICATED"));
      return;
    }
    fake.calendarCalls.add(token.account().toLowerCase(Locale.ROOT) + " freeBusy");
    if (!granted(exchange, GOOGLE_FREE_BUSY_SCOPES)) {
      send(exchange, 403, insufficientScopes());
      return;
    }
    JsonObject body;
    Instant from;
    Instant to;
    try {
      body = JSON.createReader(requestBody(exchange)).readObject();
      from = OffsetDateTime.parse(body.getString("timeMin")).toInstant();
      to = OffsetDateTime.parse(body.getString("timeMax")).toInstant();
    } catch (JsonException | ClassCastException | NullPointerException | DateTimeParseException e) {
      send(exchange, 400, googleError(400, "Bad Request", "INVALID_ARGUMENT"));
      return;
    }
    fake.scheduleQueries.incrementAndGet();
    JsonObjectBuilder calendars = JSON.createObjectBuilder();
    for (JsonObject item : body.getJsonArray("items").getValuesAs(JsonObject.class)) {
      String id = item.getString("id");
      String account = id.equals("primary") ? token.account() : id.toLowerCase(Locale.ROOT);
      JsonArrayBuilder busy = JSON.createArrayBuilder();
      for (CalendarItem event : fake.calendarOf(account)) {
        if (!event.status().equals("free")
            && event.end().isAfter(from)
            && event.start().isBefore(to)) {
          busy.add(
              JSON.createObjectBuilder()
                  .add("start", event.start().toString())
                  .add("end", event.end().toString()));
        }
      }
      calendars.add(id, JSON.createObjectBuilder().add("busy", busy));
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("kind", "calendar#freeBusy")
            .add("timeMin", from.toString())
            .add("timeMax", to.toString())
            .add("calendars", calendars)
            .build()
            .toString());
  }

  /** Books a meeting; {@code body} is the request's body, already read. */
  void googleInsertEvent(HttpExchange exchange, JsonObject body) throws IOException {
    fake.gmailRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(exchange, 401, googleError(401, "Invalid Credentials", "UNAUTHENTICATED"));
      return;
    }
    fake.calendarCalls.add(token.account().toLowerCase(Locale.ROOT) + " insertEvent");
    if (!granted(exchange, GOOGLE_INSERT_SCOPES)) {
      send(exchange, 403, insufficientScopes());
      return;
    }
    String sendUpdates =
        FakeHttp.query(exchange.getRequestURI().getRawQuery()).getOrDefault("sendUpdates", "none");
    CalendarItem item;
    try {
      List<String> attendees = new ArrayList<>();
      List<String> names = new ArrayList<>();
      if (body.containsKey("attendees")) {
        for (JsonObject a : body.getJsonArray("attendees").getValuesAs(JsonObject.class)) {
          attendees.add(a.getString("email"));
          names.add(a.getString("displayName", ""));
        }
      }
      String id = body.getString("id", UUID.randomUUID().toString().replace("-", ""));
      synchronized (fake) {
        for (CalendarItem existing : fake.calendarOf(token.account())) {
          if (existing.id().equals(id)) {
            send(
                exchange,
                409,
                googleError(409, "The requested identifier already exists.", "ALREADY_EXISTS"));
            return;
          }
        }
        item =
            new CalendarItem(
                id,
                id + "@google.com",
                body.getString("summary", ""),
                "",
                "busy",
                OffsetDateTime.parse(body.getJsonObject("start").getString("dateTime")).toInstant(),
                OffsetDateTime.parse(body.getJsonObject("end").getString("dateTime")).toInstant(),
                attendees,
                names,
                null);
        fake.addCalendarItem(token.account(), item);
      }
    } catch (JsonException | ClassCastException | NullPointerException | DateTimeParseException e) {
      send(exchange, 400, googleError(400, "Bad Request", "INVALID_ARGUMENT"));
      return;
    }
    if (sendUpdates.equals("all")) {
      item.attendees().forEach(a -> fake.invitations.add(token.account() + " -> " + a));
    }
    JsonArrayBuilder attendees = JSON.createArrayBuilder();
    for (int i = 0; i < item.attendees().size(); i++) {
      attendees.add(
          JSON.createObjectBuilder()
              .add("email", item.attendees().get(i))
              .add("displayName", item.attendeeNames().get(i))
              .add("responseStatus", "needsAction"));
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("kind", "calendar#event")
            .add("id", item.id())
            .add("status", "confirmed")
            .add("htmlLink", "https://www.google.com/calendar/event?eid=" + item.id())
            .add("iCalUID", item.iCalUid())
            .add("summary", item.subject())
            .add(
                "creator",
                JSON.createObjectBuilder().add("email", token.account()).add("self", true))
            .add(
                "organizer",
                JSON.createObjectBuilder().add("email", token.account()).add("self", true))
            .add("start", JSON.createObjectBuilder().add("dateTime", item.start().toString()))
            .add("end", JSON.createObjectBuilder().add("dateTime", item.end().toString()))
            .add("attendees", attendees)
            .build()
            .toString());
  }
}
