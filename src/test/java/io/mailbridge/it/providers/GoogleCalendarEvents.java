package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.GoogleEvent;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Google Calendar's {@code events.list} of a user's primary calendar in Google's wire format
 * (developers.google.com/calendar/api/v3/reference/events/list, /calendar/api/guides/sync): a full
 * list of the events in {@code [timeMin, timeMax)} (an event is in when it ends after {@code
 * timeMin} and starts before {@code timeMax}; cancelled events are left out, as without {@code
 * showDeleted}), paged by {@code maxResults} with an opaque {@code nextPageToken} (the next page's
 * request must repeat the first one's parameters) and a {@code nextSyncToken} on the last page.
 * With {@code syncToken} it lists every event changed since, in the window or not; a deleted one as
 * only {@code {kind, etag, id, status: "cancelled"}}. A sync token beside {@code timeMin}, {@code
 * timeMax}, {@code orderBy}, {@code q}, {@code iCalUID}, {@code updatedMin} or an extended-property
 * filter, or with {@code showDeleted=false}, is Google's 400; an expired one is 410 {@code
 * fullSyncRequired}; a token whose grant has no calendar scope that lets it read events is 403
 * {@code insufficientPermissions}.
 */
final class GoogleCalendarEvents {

  /** The scopes Google documents for reading events of a calendar the user owns. */
  private static final Set<String> LIST_SCOPES =
      Set.of(
          "https://www.googleapis.com/auth/calendar",
          "https://www.googleapis.com/auth/calendar.readonly",
          "https://www.googleapis.com/auth/calendar.events",
          "https://www.googleapis.com/auth/calendar.events.readonly",
          "https://www.googleapis.com/auth/calendar.events.owned",
          "https://www.googleapis.com/auth/calendar.events.owned.readonly");

  private static final List<String> NOT_WITH_SYNC_TOKEN =
      List.of(
          "timeMin",
          "timeMax",
          "orderBy",
          "q",
          "iCalUID",
          "updatedMin",
          "privateExtendedProperty",
          "sharedExtendedProperty");

  /** What a token stands for: the calendar, the window (full list) and the log position. */
  private record State(
      String account,
      boolean full,
      Instant timeMin,
      Instant timeMax,
      long afterSeq,
      long snapshotSeq,
      int offset,
      String query) {}

  private final FakeProviders fake;
  private final Map<String, State> pageTokens = new ConcurrentHashMap<>();
  private final Map<String, State> syncTokens = new ConcurrentHashMap<>();
  private final Set<String> expired = ConcurrentHashMap.newKeySet();

  GoogleCalendarEvents(FakeProviders fake) {
    this.fake = fake;
  }

  /** Google forgets every sync token it gave for this account's calendar (they answer 410). */
  void expireSyncTokens(String account) {
    syncTokens.forEach(
        (token, state) -> {
          if (state.account().equals(account.toLowerCase(Locale.ROOT))) {
            expired.add(token);
          }
        });
  }

  /**
   * {@code events.watch} (developers.google.com/calendar/api/guides/push): a {@code web_hook}
   * channel with an id unique in the project (at most 64 characters of {@code [A-Za-z0-9-_+/=]})
   * and an HTTPS address; the answer is the channel with Google's {@code resourceId} and its {@code
   * expiration} in milliseconds, as a string (an int64), kept as asked.
   */
  void watch(HttpExchange exchange) throws IOException {
    Token token = fake.authorization.bearer(exchange);
    if (!mayReadEvents(exchange, token)) {
      return;
    }
    JsonObject body = JSON.createReader(FakeHttp.requestBody(exchange)).readObject();
    String id = body.getString("id", "");
    String type = body.getString("type", "");
    String address = body.getString("address", "");
    if (!id.matches("[A-Za-z0-9\\-_+/=]{1,64}")) {
      send(exchange, 400, error(400, "global", "invalid", "Invalid channel id"));
      return;
    }
    if (!type.equals("web_hook") && !type.equals("webhook")) {
      send(exchange, 400, error(400, "global", "invalid", "Invalid channel type: " + type));
      return;
    }
    if (!address.startsWith("https://")) {
      send(
          exchange,
          400,
          error(400, "push", "webhookUrlNotHttps", "WebHook callback must be HTTPS: " + address));
      return;
    }
    if (fake.googleCalendarChannels.containsKey(id)) {
      send(exchange, 400, error(400, "push", "channelIdNotUnique", "Channel id not unique"));
      return;
    }
    String resourceId = UUID.randomUUID().toString().replace("-", "").substring(0, 27);
    fake.googleCalendarChannels.put(
        id,
        new FakeProviders.GoogleChannel(
            token.account().toLowerCase(Locale.ROOT), body, resourceId));
    JsonObjectBuilder channel =
        JSON.createObjectBuilder()
            .add("kind", "api#channel")
            .add("id", id)
            .add("resourceId", resourceId)
            .add(
                "resourceUri",
                "https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json");
    if (body.containsKey("token")) {
      channel.add("token", body.getString("token"));
    }
    if (body.containsKey("expiration")) {
      channel.add("expiration", body.get("expiration").toString().replace("\"", ""));
    }
    send(exchange, 200, channel.build().toString());
  }

  /**
   * {@code channels.stop}: the channel's id and resource id; Google answers 204 without a body, and
   * 404 for a channel it does not know.
   */
  void stopChannel(HttpExchange exchange) throws IOException {
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(exchange, 401, error(401, "global", "authError", "Invalid Credentials"));
      return;
    }
    JsonObject body = JSON.createReader(FakeHttp.requestBody(exchange)).readObject();
    fake.googleCalendarStops.add(body);
    FakeProviders.GoogleChannel channel = fake.googleCalendarChannels.get(body.getString("id", ""));
    if (channel == null || !channel.resourceId().equals(body.getString("resourceId", ""))) {
      send(exchange, 404, error(404, "global", "notFound", "Channel '" + body + "' not found"));
      return;
    }
    fake.googleCalendarChannels.remove(body.getString("id"));
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }

  /**
   * Whether the token may read the calendar's events; if not, Google's 401 (no valid token) or 403
   * (a grant without a scope that reads events) is sent.
   */
  private boolean mayReadEvents(HttpExchange exchange, Token token) throws IOException {
    if (token == null) {
      send(exchange, 401, error(401, "global", "authError", "Invalid Credentials"));
      return false;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String scopes = fake.accessTokenScopes.getOrDefault(header.substring(7), "");
    if (Arrays.stream(scopes.split(" ")).noneMatch(LIST_SCOPES::contains)) {
      send(
          exchange,
          403,
          error(
              403,
              "global",
              "insufficientPermissions",
              "Request had insufficient authentication scopes."));
      return false;
    }
    return true;
  }

  void list(HttpExchange exchange) throws IOException {
    Token token = fake.authorization.bearer(exchange);
    String account = token == null ? "-" : token.account().toLowerCase(Locale.ROOT);
    fake.googleCalendarRequests.add(account + " " + exchange.getRequestURI());
    if (!mayReadEvents(exchange, token)) {
      return;
    }
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    String syncToken = q.get("syncToken");
    if (syncToken != null
        && (NOT_WITH_SYNC_TOKEN.stream().anyMatch(q::containsKey)
            || "false".equals(q.get("showDeleted")))) {
      send(
          exchange,
          400,
          error(
              400,
              "calendar",
              "syncTokenWithRequestRestrictions",
              "Sync token cannot be used with other request restrictions."));
      return;
    }
    // What every page of one list must repeat (Google: the same parameters on each page).
    String fingerprint =
        String.join(
            "&",
            "timeMin=" + q.get("timeMin"),
            "timeMax=" + q.get("timeMax"),
            "syncToken=" + syncToken,
            "singleEvents=" + q.get("singleEvents"));
    State state;
    String pageToken = q.get("pageToken");
    if (pageToken != null) {
      state = pageTokens.get(pageToken);
      if (state == null || !state.account().equals(account) || !state.query().equals(fingerprint)) {
        send(exchange, 400, error(400, "global", "invalid", "Invalid page token value."));
        return;
      }
    } else if (syncToken != null) {
      State synced = syncTokens.get(syncToken);
      if (synced == null || !synced.account().equals(account) || expired.contains(syncToken)) {
        send(
            exchange,
            410,
            error(
                410,
                "calendar",
                "fullSyncRequired",
                "Sync token is no longer valid, a full sync is required."));
        return;
      }
      state =
          new State(
              account, false, null, null, synced.snapshotSeq(), fake.googleSeq(), 0, fingerprint);
    } else {
      Instant min;
      Instant max;
      try {
        min =
            q.containsKey("timeMin")
                ? OffsetDateTime.parse(q.get("timeMin")).toInstant()
                : Instant.MIN;
        max =
            q.containsKey("timeMax")
                ? OffsetDateTime.parse(q.get("timeMax")).toInstant()
                : Instant.MAX;
      } catch (DateTimeParseException e) {
        send(exchange, 400, error(400, "global", "invalid", "Bad Request"));
        return;
      }
      state = new State(account, true, min, max, -1, fake.googleSeq(), 0, fingerprint);
      fake.googleCalendarWindows.add(account + " " + q.get("timeMin") + " " + q.get("timeMax"));
    }
    int pageSize =
        Math.min(
            q.containsKey("maxResults") ? Integer.parseInt(q.get("maxResults")) : 250,
            fake.googleCalendarMaxPage);
    List<JsonObject> entries = entries(state);
    int end = Math.min(entries.size(), state.offset() + pageSize);
    JsonArrayBuilder items = JSON.createArrayBuilder();
    entries.subList(state.offset(), end).forEach(items::add);
    JsonObjectBuilder page =
        JSON.createObjectBuilder()
            .add("kind", "calendar#events")
            .add("etag", "\"p33c9rsrun1ogc0o\"")
            .add("summary", account)
            .add("description", "")
            .add("updated", "2026-11-30T09:00:00.000Z")
            .add("timeZone", "UTC")
            .add("accessRole", "owner")
            .add("defaultReminders", JSON.createArrayBuilder())
            .add("items", items);
    String next = UUID.randomUUID().toString().replace("-", "");
    if (end < entries.size()) {
      pageTokens.put(
          next,
          new State(
              account,
              state.full(),
              state.timeMin(),
              state.timeMax(),
              state.afterSeq(),
              state.snapshotSeq(),
              end,
              fingerprint));
      page.add("nextPageToken", next);
    } else {
      syncTokens.put(
          next, new State(account, false, null, null, -1, state.snapshotSeq(), 0, fingerprint));
      page.add("nextSyncToken", next);
    }
    send(exchange, 200, page.build().toString());
  }

  /**
   * A full list: every event in the window as it stands, not cancelled. A sync: the latest state of
   * each event changed in (after, snapshot], wherever it lies.
   */
  private List<JsonObject> entries(State state) {
    Map<String, GoogleEvent> latest = new LinkedHashMap<>();
    for (GoogleEvent e : fake.googleEvents.getOrDefault(state.account(), List.of())) {
      if (e.seq() > state.afterSeq() && e.seq() <= state.snapshotSeq()) {
        latest.remove(e.id());
        latest.put(e.id(), e);
      }
    }
    List<JsonObject> out = new ArrayList<>();
    for (GoogleEvent e : latest.values()) {
      if (state.full()) {
        // Without singleEvents Google lists a series' cancelled occurrences even without
        // showDeleted (its reference of showDeleted).
        boolean cancelledOccurrence =
            e.cancelled()
                && e.recurringEventId() != null
                && !state.query().contains("singleEvents=true");
        if (!e.deleted()
            && (!e.cancelled() || cancelledOccurrence)
            && e.start().isBefore(state.timeMax())
            && e.end().isAfter(state.timeMin())) {
          out.add(json(fake, e));
        }
      } else if (e.deleted()) {
        out.add(
            JSON.createObjectBuilder()
                .add("kind", "calendar#event")
                .add("etag", etag(e))
                .add("id", e.id())
                .add("status", "cancelled")
                .build());
      } else {
        out.add(json(fake, e));
      }
    }
    return out;
  }

  private static JsonObject json(FakeProviders fake, GoogleEvent e) {
    FakeProviders.GoogleEventExtra extra = fake.googleEventExtras.get(e.id());
    if (extra == null && e.recurringEventId() != null) {
      extra = fake.googleEventExtras.get(e.recurringEventId());
    }
    String zone = extra == null || extra.timeZone() == null ? "UTC" : extra.timeZone();
    FakeProviders.GoogleEventExtra kept = extra;
    Instant updated = fake.googleEventTimes.get(e.seq());
    JsonArrayBuilder attendees = JSON.createArrayBuilder();
    attendees.add(
        JSON.createObjectBuilder()
            .add("email", e.organizer())
            .add("organizer", true)
            .add("self", e.organizer().equalsIgnoreCase(e.account()))
            .add("responseStatus", "accepted"));
    for (String address : e.attendees()) {
      JsonObjectBuilder attendee =
          JSON.createObjectBuilder().add("email", address).add("responseStatus", "needsAction");
      if (address.equalsIgnoreCase(e.account())) {
        attendee.add("self", true);
      }
      attendees.add(attendee);
    }
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("kind", "calendar#event")
            .add("etag", etag(e))
            .add("id", e.id())
            .add("status", e.cancelled() ? "cancelled" : "confirmed")
            .add("htmlLink", "https://www.google.com/calendar/event?eid=" + e.id())
            .add("created", "2026-11-01T08:00:00.000Z")
            .add("updated", updated == null ? "2026-11-30T08:00:00.000Z" : updated.toString())
            .add("summary", e.summary())
            .add("description", e.description() == null ? "" : e.description())
            .add("location", e.location() == null ? "" : e.location())
            .add(
                "creator",
                JSON.createObjectBuilder()
                    .add("email", e.organizer())
                    .add("self", e.organizer().equalsIgnoreCase(e.account())))
            .add(
                "organizer",
                JSON.createObjectBuilder()
                    .add("email", e.organizer())
                    .add("self", e.organizer().equalsIgnoreCase(e.account())))
            .add("start", time(e.start(), kept))
            .add("end", time(e.end(), kept))
            .add("iCalUID", e.iCalUid())
            .add("sequence", 0)
            .add("attendees", attendees)
            .add("reminders", JSON.createObjectBuilder().add("useDefault", true))
            .add("eventType", "default");
    if (e.recurringEventId() != null) {
      json.add("recurringEventId", e.recurringEventId())
          .add("originalStartTime", time(e.originalStart(), kept));
    } else if (extra != null && !extra.recurrence().isEmpty()) {
      JsonArrayBuilder lines = JSON.createArrayBuilder();
      extra.recurrence().forEach(lines::add);
      json.add("recurrence", lines);
    }
    FakeProviders.GoogleEventExtra own = fake.googleEventExtras.get(e.id());
    if (own != null && !own.privateProperties().isEmpty()) {
      JsonObjectBuilder properties = JSON.createObjectBuilder();
      own.privateProperties().forEach(properties::add);
      json.add("extendedProperties", JSON.createObjectBuilder().add("private", properties));
    }
    if (!"default".equals(e.visibility())) {
      json.add("visibility", e.visibility());
    }
    if (e.meet()) {
      String code = "abc-" + Objects.hash(e.iCalUid()) % 10000 + "-xyz";
      json.add("hangoutLink", "https://meet.google.com/" + code)
          .add(
              "conferenceData",
              JSON.createObjectBuilder()
                  .add(
                      "entryPoints",
                      JSON.createArrayBuilder()
                          .add(
                              JSON.createObjectBuilder()
                                  .add("entryPointType", "video")
                                  .add("uri", "https://meet.google.com/" + code)
                                  .add("label", "meet.google.com/" + code)))
                  .add(
                      "conferenceSolution",
                      JSON.createObjectBuilder()
                          .add("key", JSON.createObjectBuilder().add("type", "hangoutsMeet"))
                          .add("name", "Google Meet"))
                  .add("conferenceId", code));
    }
    return json.build();
  }

  // ------------------------------------------------------------------ writes (event sync)

  /** {@code /calendars/primary/events/{eventId}} and its {@code /instances}. */
  static final java.util.regex.Pattern EVENT =
      java.util.regex.Pattern.compile(
          "^/google/calendar/v3/calendars/primary/events/([^/]+)(/instances)?$");

  private static final java.time.format.DateTimeFormatter INSTANCE_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
          .withZone(java.time.ZoneOffset.UTC);

  /** Those that let a token write events of the user's own primary calendar. */
  private static final Set<String> WRITE_SCOPES =
      Set.of(
          "https://www.googleapis.com/auth/calendar",
          "https://www.googleapis.com/auth/calendar.events",
          "https://www.googleapis.com/auth/calendar.events.owned");

  /** An occurrence's id, as Google makes it: the series' id and its original start in UTC. */
  static String instanceId(String seriesId, Instant originalStart) {
    return seriesId + "_" + INSTANCE_TIME.format(originalStart);
  }

  /** The request's JSON object; null once Google's 400 is sent for anything else. */
  JsonObject readBody(HttpExchange exchange) throws IOException {
    try {
      return JSON.createReader(FakeHttp.requestBody(exchange)).readObject();
    } catch (jakarta.json.JsonException | IllegalStateException e) {
      send(exchange, 400, error(400, "global", "parseError", "Parse Error"));
      return null;
    }
  }

  /** The account that may write events, or null once Google's 401 or 403 is sent. */
  private String writer(HttpExchange exchange) throws IOException {
    Token token = fake.authorization.bearer(exchange);
    String account = token == null ? "-" : token.account().toLowerCase(Locale.ROOT);
    String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
    String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
    fake.googleEventRequests.add(
        (override != null ? override.toUpperCase(Locale.ROOT) : exchange.getRequestMethod())
            + " "
            + exchange.getRequestURI()
            + " #"
            + account
            + (ifMatch == null ? "" : " If-Match: " + ifMatch));
    if (token == null) {
      send(exchange, 401, error(401, "global", "authError", "Invalid Credentials"));
      return null;
    }
    String scopes =
        fake.accessTokenScopes.getOrDefault(
            exchange.getRequestHeaders().getFirst("Authorization").substring(7), "");
    if (Arrays.stream(scopes.split(" ")).noneMatch(WRITE_SCOPES::contains)) {
      send(
          exchange,
          403,
          error(
              403,
              "global",
              "insufficientPermissions",
              "Request had insufficient authentication scopes."));
      return null;
    }
    return account;
  }

  /**
   * {@code events.insert} of an event with extended properties (a booking without them goes to
   * {@link CalendarApis}): a client-chosen id that the calendar has (or had) is 409 {@code
   * duplicate}; a series needs its start's {@code timeZone} (Google's 400 otherwise) and {@code
   * recurrence} lines of RRULE, EXRULE, RDATE or EXDATE.
   */
  void insert(HttpExchange exchange, JsonObject body) throws IOException {
    String account = writer(exchange);
    if (account == null) {
      return;
    }
    String id = body.getString("id", UUID.randomUUID().toString().replace("-", ""));
    List<String> recurrence = lines(body);
    Instant start;
    Instant end;
    boolean allDay;
    try {
      start = at(body.getJsonObject("start"));
      end = at(body.getJsonObject("end"));
      allDay = dated(body.getJsonObject("start"));
    } catch (RuntimeException e) {
      send(exchange, 400, error(400, "global", "required", "Missing start or end time."));
      return;
    }
    if (refusedTimes(
        exchange, body.getJsonObject("start"), body.getJsonObject("end"), start, end)) {
      return;
    }
    if (recurrence == null) {
      send(exchange, 400, error(400, "global", "invalid", "Invalid recurrence rule."));
      return;
    }
    String zone = body.getJsonObject("start").getString("timeZone", null);
    if (!recurrence.isEmpty() && zone == null && !allDay) {
      send(
          exchange,
          400,
          error(400, "global", "required", "Missing time zone definition for start time."));
      return;
    }
    synchronized (fake) {
      if (fake.googleEvents.getOrDefault(account, List.of()).stream()
          .anyMatch(e -> e.id().equals(id))) {
        send(
            exchange,
            409,
            error(409, "global", "duplicate", "The requested identifier already exists."));
        return;
      }
      Map<String, String> properties = new LinkedHashMap<>();
      JsonObject extended = body.getJsonObject("extendedProperties");
      if (extended.containsKey("private")) {
        extended
            .getJsonObject("private")
            .forEach((k, v) -> properties.put(k, ((jakarta.json.JsonString) v).getString()));
      }
      fake.googleEventExtras.put(
          id,
          new FakeProviders.GoogleEventExtra(properties, zone, List.copyOf(recurrence), allDay));
      boolean meet =
          body.containsKey("conferenceData")
              && "1"
                  .equals(
                      query(exchange.getRequestURI().getRawQuery()).get("conferenceDataVersion"));
      GoogleEvent logged =
          fake.putGoogleEvent(
              new GoogleEvent(
                  0,
                  account,
                  id,
                  false,
                  false,
                  id + "@google.com",
                  body.getString("summary", ""),
                  start,
                  end,
                  body.getString("location", ""),
                  account,
                  emails(body),
                  "default",
                  meet,
                  body.getString("description", "")));
      if (fake.googleEventAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        send(exchange, 503, error(503, "global", "backendError", "Backend Error"));
        return;
      }
      send(exchange, 200, json(fake, logged).toString());
    }
  }

  /**
   * {@code events.get}, {@code events.patch} (only the fields sent; {@code If-Match} that is not
   * the event's etag is 412 {@code conditionNotMet}; a JSON null clears), {@code events.delete}
   * (204; an event deleted already is 410 {@code deleted}) and {@code events.instances} (a series'
   * occurrences from its RRULE, daily and weekly rules only, with {@code originalStart}, {@code
   * timeMin}/{@code timeMax} and {@code showDeleted}; one page). An occurrence's id is {@link
   * #instanceId}: writing it makes the occurrence an exception of its series. A deleted event reads
   * as only its id and {@code status: "cancelled"}.
   */
  void event(HttpExchange exchange) throws IOException {
    String account = writer(exchange);
    if (account == null) {
      return;
    }
    java.util.regex.Matcher m = EVENT.matcher(exchange.getRequestURI().getPath());
    m.matches();
    String id = m.group(1);
    // Google's client sends PATCH as a POST with X-HTTP-Method-Override, which Google honours.
    String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
    String method =
        "POST".equals(exchange.getRequestMethod()) && override != null
            ? override.toUpperCase(Locale.ROOT)
            : exchange.getRequestMethod();
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    synchronized (fake) {
      Runnable edit = "PATCH".equals(method) ? fake.googleEventEdits.remove(account) : null;
      if (edit != null) {
        edit.run(); // a person's edit lands just before this write
      }
      GoogleEvent current = current(account, id);
      if (current == null) {
        send(exchange, 404, error(404, "global", "notFound", "Not Found"));
        return;
      }
      if (m.group(2) != null) {
        instances(exchange, account, current, q);
        return;
      }
      switch (method) {
        case "GET" -> {
          if (current.deleted()) {
            send(
                exchange,
                200,
                JSON.createObjectBuilder()
                    .add("kind", "calendar#event")
                    .add("etag", etag(current))
                    .add("id", id)
                    .add("status", "cancelled")
                    .build()
                    .toString());
          } else {
            send(exchange, 200, json(fake, current).toString());
          }
        }
        case "DELETE" -> {
          if (current.deleted() || (current.cancelled() && current.recurringEventId() != null)) {
            send(exchange, 410, error(410, "global", "deleted", "Resource has been deleted"));
            return;
          }
          fake.putGoogleEvent(
              current.recurringEventId() == null
                  ? current.deletedNow()
                  : current.with(
                      current.start(),
                      current.end(),
                      current.attendees(),
                      current.visibility(),
                      true));
          exchange.sendResponseHeaders(204, -1);
        }
        case "PATCH" -> patch(exchange, account, current);
        default -> send(exchange, 405, error(405, "global", "methodNotAllowed", "Not allowed"));
      }
    }
  }

  private void patch(HttpExchange exchange, String account, GoogleEvent current)
      throws IOException {
    if (current.deleted()) {
      send(exchange, 410, error(410, "global", "deleted", "Resource has been deleted"));
      return;
    }
    String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
    if (ifMatch != null && !ifMatch.equals(etag(current))) {
      send(exchange, 412, error(412, "global", "conditionNotMet", "Precondition Failed"));
      return;
    }
    JsonObject body = readBody(exchange);
    if (body == null) {
      return;
    }
    Instant start = current.start();
    Instant end = current.end();
    FakeProviders.GoogleEventExtra extra = fake.googleEventExtras.get(current.id());
    boolean allDay = extra != null && extra.allDay();
    try {
      if (body.containsKey("start")) {
        start = at(body.getJsonObject("start"));
        allDay = dated(body.getJsonObject("start"));
      }
      if (body.containsKey("end")) {
        end = at(body.getJsonObject("end"));
      }
    } catch (RuntimeException e) {
      send(exchange, 400, error(400, "global", "invalid", "Invalid start or end time."));
      return;
    }
    if (body.containsKey("start")
        && body.containsKey("end")
        && refusedTimes(
            exchange, body.getJsonObject("start"), body.getJsonObject("end"), start, end)) {
      return;
    }
    if (current.recurringEventId() == null) {
      List<String> recurrence = extra == null ? List.of() : extra.recurrence();
      if (body.containsKey("recurrence")) {
        recurrence = body.isNull("recurrence") ? List.of() : lines(body);
        if (recurrence == null) {
          send(exchange, 400, error(400, "global", "invalid", "Invalid recurrence rule."));
          return;
        }
      }
      String zone = extra == null ? null : extra.timeZone();
      if (body.containsKey("start") && !body.isNull("start")) {
        zone = body.getJsonObject("start").getString("timeZone", zone);
      }
      fake.googleEventExtras.put(
          current.id(),
          new FakeProviders.GoogleEventExtra(
              extra == null ? Map.of() : extra.privateProperties(),
              zone,
              List.copyOf(recurrence),
              allDay));
    }
    GoogleEvent changed =
        new GoogleEvent(
            0,
            account,
            current.id(),
            false,
            current.cancelled(),
            current.iCalUid(),
            text(body, "summary", current.summary()),
            start,
            end,
            text(body, "location", current.location()),
            current.organizer(),
            body.containsKey("attendees") ? emails(body) : current.attendees(),
            current.visibility(),
            current.meet(),
            text(body, "description", current.description()),
            current.recurringEventId(),
            current.originalStart());
    send(exchange, 200, json(fake, fake.putGoogleEvent(changed)).toString());
  }

  /** The event as it stands, an occurrence of a series made from its series when never written. */
  private GoogleEvent current(String account, String id) {
    GoogleEvent latest = null;
    for (GoogleEvent e : fake.googleEvents.getOrDefault(account, List.of())) {
      if (e.id().equals(id)) {
        latest = e;
      }
    }
    if (latest != null) {
      return latest;
    }
    int cut = id.lastIndexOf('_');
    if (cut < 0) {
      return null;
    }
    GoogleEvent series = fake.googleEvent(account, id.substring(0, cut));
    if (series == null) {
      return null;
    }
    Instant original;
    try {
      original = Instant.from(INSTANCE_TIME.parse(id.substring(cut + 1)));
    } catch (DateTimeParseException e) {
      return null;
    }
    return occurrences(series).contains(original) ? occurrence(series, original) : null;
  }

  private static GoogleEvent occurrence(GoogleEvent series, Instant original) {
    java.time.Duration length = java.time.Duration.between(series.start(), series.end());
    return new GoogleEvent(
        series.seq(),
        series.account(),
        instanceId(series.id(), original),
        false,
        false,
        series.iCalUid(),
        series.summary(),
        original,
        original.plus(length),
        series.location(),
        series.organizer(),
        series.attendees(),
        series.visibility(),
        series.meet(),
        series.description(),
        series.id(),
        original);
  }

  private void instances(
      HttpExchange exchange, String account, GoogleEvent series, Map<String, String> q)
      throws IOException {
    Instant originalStart;
    Instant min;
    Instant max;
    try {
      originalStart =
          q.containsKey("originalStart")
              ? OffsetDateTime.parse(q.get("originalStart")).toInstant()
              : null;
      min =
          q.containsKey("timeMin")
              ? OffsetDateTime.parse(q.get("timeMin")).toInstant()
              : Instant.MIN;
      max =
          q.containsKey("timeMax")
              ? OffsetDateTime.parse(q.get("timeMax")).toInstant()
              : Instant.MAX;
    } catch (DateTimeParseException e) {
      send(exchange, 400, error(400, "global", "invalid", "Bad Request"));
      return;
    }
    boolean showDeleted = "true".equals(q.get("showDeleted"));
    JsonArrayBuilder items = JSON.createArrayBuilder();
    for (Instant original : occurrences(series)) {
      if (originalStart != null && !originalStart.equals(original)) {
        continue;
      }
      GoogleEvent instance = current(account, instanceId(series.id(), original));
      if (instance.cancelled() && !showDeleted) {
        continue;
      }
      if (instance.end().isAfter(min) && instance.start().isBefore(max)) {
        items.add(json(fake, instance));
      }
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("kind", "calendar#events")
            .add("etag", etag(series))
            .add("summary", account)
            .add("updated", "2026-11-30T09:00:00.000Z")
            .add("timeZone", "UTC")
            .add("accessRole", "owner")
            .add("defaultReminders", JSON.createArrayBuilder())
            .add("items", items)
            .build()
            .toString());
  }

  /**
   * The original starts of a series' occurrences from its RRULE line in its zone: DAILY and WEEKLY
   * with INTERVAL, BYDAY, COUNT and UNTIL (all the tests write); none for anything else.
   */
  private List<Instant> occurrences(GoogleEvent series) {
    FakeProviders.GoogleEventExtra extra = fake.googleEventExtras.get(series.id());
    List<Instant> out = new ArrayList<>();
    if (extra == null) {
      return out;
    }
    String rule =
        extra.recurrence().stream().filter(l -> l.startsWith("RRULE:")).findFirst().orElse(null);
    if (rule == null) {
      return out;
    }
    Map<String, String> parts = new LinkedHashMap<>();
    for (String part : rule.substring(6).split(";")) {
      int eq = part.indexOf('=');
      parts.put(part.substring(0, eq), part.substring(eq + 1));
    }
    java.time.ZoneId zone =
        java.time.ZoneId.of(extra.timeZone() == null ? "UTC" : extra.timeZone());
    java.time.ZonedDateTime first = series.start().atZone(zone);
    int interval = Integer.parseInt(parts.getOrDefault("INTERVAL", "1"));
    int count = Integer.parseInt(parts.getOrDefault("COUNT", "730"));
    java.time.LocalDate until =
        parts.containsKey("UNTIL")
            ? java.time.LocalDate.parse(
                parts.get("UNTIL").substring(0, 8),
                java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
            : null;
    List<java.time.DayOfWeek> days = new ArrayList<>();
    if (parts.containsKey("BYDAY")) {
      for (String d : parts.get("BYDAY").split(",")) {
        days.add(
            switch (d) {
              case "MO" -> java.time.DayOfWeek.MONDAY;
              case "TU" -> java.time.DayOfWeek.TUESDAY;
              case "WE" -> java.time.DayOfWeek.WEDNESDAY;
              case "TH" -> java.time.DayOfWeek.THURSDAY;
              case "FR" -> java.time.DayOfWeek.FRIDAY;
              case "SA" -> java.time.DayOfWeek.SATURDAY;
              default -> java.time.DayOfWeek.SUNDAY;
            });
      }
    } else {
      days.add(first.getDayOfWeek());
    }
    String freq = parts.get("FREQ");
    if (!"DAILY".equals(freq) && !"WEEKLY".equals(freq)) {
      return out;
    }
    java.time.LocalDate day = first.toLocalDate();
    java.time.LocalDate weekStart = day.with(java.time.DayOfWeek.MONDAY);
    for (int i = 0; i < 5000 && out.size() < count; i++, day = day.plusDays(1)) {
      if (until != null && day.isAfter(until)) {
        break;
      }
      boolean due;
      if (freq.equals("DAILY")) {
        due = java.time.temporal.ChronoUnit.DAYS.between(first.toLocalDate(), day) % interval == 0;
      } else {
        long weeks =
            java.time.temporal.ChronoUnit.WEEKS.between(
                weekStart, day.with(java.time.DayOfWeek.MONDAY));
        due = weeks % interval == 0 && days.contains(day.getDayOfWeek());
      }
      if (due) {
        out.add(day.atTime(first.toLocalTime()).atZone(zone).toInstant());
      }
    }
    return out;
  }

  /** The {@code recurrence} lines sent; null when one is not an RFC 5545 line Google takes. */
  private static List<String> lines(JsonObject body) {
    if (!body.containsKey("recurrence") || body.isNull("recurrence")) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (jakarta.json.JsonValue v : body.getJsonArray("recurrence")) {
      String line = ((jakarta.json.JsonString) v).getString();
      if (!(line.startsWith("RRULE:")
          || line.startsWith("EXRULE:")
          || line.startsWith("RDATE")
          || line.startsWith("EXDATE"))) {
        return null;
      }
      out.add(line);
    }
    return out;
  }

  private static List<String> emails(JsonObject body) {
    List<String> out = new ArrayList<>();
    if (body.containsKey("attendees") && !body.isNull("attendees")) {
      for (JsonObject a : body.getJsonArray("attendees").getValuesAs(JsonObject.class)) {
        out.add(a.getString("email"));
      }
    }
    return out;
  }

  private static String text(JsonObject body, String name, String was) {
    if (!body.containsKey(name)) {
      return was;
    }
    return body.isNull(name) ? "" : body.getString(name);
  }

  /**
   * A timed event's {@code dateTime} (RFC 3339 with an offset), or an all-day event's {@code date}
   * as its midnight in the zone sent beside it (UTC when none).
   */
  private static Instant at(JsonObject time) {
    if (dated(time)) {
      return java.time.LocalDate.parse(time.getString("date"))
          .atStartOfDay(java.time.ZoneId.of(time.getString("timeZone", "UTC")))
          .toInstant();
    }
    return OffsetDateTime.parse(time.getString("dateTime")).toInstant();
  }

  /** Whether an {@code EventDateTime} is date-only (an all-day event's). */
  private static boolean dated(JsonObject time) {
    return time.containsKey("date") && !time.isNull("date");
  }

  /**
   * Google's refusals of a start and end: one date-only and the other not, or an end that is not
   * after the start (an all-day event's end date is exclusive, so it is at least the next day).
   */
  private static boolean refusedTimes(
      HttpExchange exchange, JsonObject start, JsonObject end, Instant from, Instant to)
      throws IOException {
    if (dated(start) != dated(end)) {
      send(
          exchange,
          400,
          error(
              400,
              "global",
              "invalid",
              "Start and end times must either both be date or both be dateTime."));
      return true;
    }
    if (dated(start) && !to.isAfter(from)) {
      send(
          exchange,
          400,
          error(400, "global", "timeRangeEmpty", "The specified time range is empty."));
      return true;
    }
    return false;
  }

  /** An all-day event's {@code date} (with its zone when it has one), else a timed one's time. */
  private static JsonObjectBuilder time(Instant at, FakeProviders.GoogleEventExtra extra) {
    if (extra == null || !extra.allDay()) {
      return time(at, extra == null || extra.timeZone() == null ? "UTC" : extra.timeZone());
    }
    java.time.ZoneId zone =
        java.time.ZoneId.of(extra.timeZone() == null ? "UTC" : extra.timeZone());
    JsonObjectBuilder day =
        JSON.createObjectBuilder().add("date", at.atZone(zone).toLocalDate().toString());
    if (extra.timeZone() != null) {
      day.add("timeZone", extra.timeZone());
    }
    return day;
  }

  /** Google's {@code EventDateTime}: the time with its zone's offset, and the zone. */
  private static JsonObjectBuilder time(Instant at, String zone) {
    return JSON.createObjectBuilder()
        .add(
            "dateTime",
            at.atZone(java.time.ZoneId.of(zone))
                .toOffsetDateTime()
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .add("timeZone", zone);
  }

  private static String etag(GoogleEvent e) {
    return "\"31811617847" + String.format(Locale.ROOT, "%05d", e.seq() % 100000) + "\"";
  }

  /** Google's error body: {@code error.errors[].domain/reason/message}, code and message. */
  private static String error(int code, String domain, String reason, String message) {
    return JSON.createObjectBuilder()
        .add(
            "error",
            JSON.createObjectBuilder()
                .add(
                    "errors",
                    JSON.createArrayBuilder()
                        .add(
                            JSON.createObjectBuilder()
                                .add("domain", domain)
                                .add("reason", reason)
                                .add("message", message)))
                .add("code", code)
                .add("message", message))
        .build()
        .toString();
  }
}
