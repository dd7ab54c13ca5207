package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.GoogleEvent;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.Json;
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
    JsonObject body = Json.createReader(FakeHttp.requestBody(exchange)).readObject();
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
        Json.createObjectBuilder()
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
    JsonObject body = Json.createReader(FakeHttp.requestBody(exchange)).readObject();
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
    JsonArrayBuilder items = Json.createArrayBuilder();
    entries.subList(state.offset(), end).forEach(items::add);
    JsonObjectBuilder page =
        Json.createObjectBuilder()
            .add("kind", "calendar#events")
            .add("etag", "\"p33c9rsrun1ogc0o\"")
            .add("summary", account)
            .add("description", "")
            .add("updated", "2026-11-30T09:00:00.000Z")
            .add("timeZone", "UTC")
            .add("accessRole", "owner")
            .add("defaultReminders", Json.createArrayBuilder())
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
        if (!e.deleted()
            && !e.cancelled()
            && e.start().isBefore(state.timeMax())
            && e.end().isAfter(state.timeMin())) {
          out.add(json(e));
        }
      } else if (e.deleted()) {
        out.add(
            Json.createObjectBuilder()
                .add("kind", "calendar#event")
                .add("etag", etag(e))
                .add("id", e.id())
                .add("status", "cancelled")
                .build());
      } else {
        out.add(json(e));
      }
    }
    return out;
  }

  private static JsonObject json(GoogleEvent e) {
    JsonArrayBuilder attendees = Json.createArrayBuilder();
    attendees.add(
        Json.createObjectBuilder()
            .add("email", e.organizer())
            .add("organizer", true)
            .add("self", e.organizer().equalsIgnoreCase(e.account()))
            .add("responseStatus", "accepted"));
    for (String address : e.attendees()) {
      JsonObjectBuilder attendee =
          Json.createObjectBuilder().add("email", address).add("responseStatus", "needsAction");
      if (address.equalsIgnoreCase(e.account())) {
        attendee.add("self", true);
      }
      attendees.add(attendee);
    }
    JsonObjectBuilder json =
        Json.createObjectBuilder()
            .add("kind", "calendar#event")
            .add("etag", etag(e))
            .add("id", e.id())
            .add("status", e.cancelled() ? "cancelled" : "confirmed")
            .add("htmlLink", "https://www.google.com/calendar/event?eid=" + e.id())
            .add("created", "2026-11-01T08:00:00.000Z")
            .add("updated", "2026-11-30T08:00:00.000Z")
            .add("summary", e.summary())
            .add("description", e.description())
            .add("location", e.location())
            .add(
                "creator",
                Json.createObjectBuilder()
                    .add("email", e.organizer())
                    .add("self", e.organizer().equalsIgnoreCase(e.account())))
            .add(
                "organizer",
                Json.createObjectBuilder()
                    .add("email", e.organizer())
                    .add("self", e.organizer().equalsIgnoreCase(e.account())))
            .add(
                "start",
                Json.createObjectBuilder()
                    .add("dateTime", e.start().toString())
                    .add("timeZone", "UTC"))
            .add(
                "end",
                Json.createObjectBuilder()
                    .add("dateTime", e.end().toString())
                    .add("timeZone", "UTC"))
            .add("iCalUID", e.iCalUid())
            .add("sequence", 0)
            .add("attendees", attendees)
            .add("reminders", Json.createObjectBuilder().add("useDefault", true))
            .add("eventType", "default");
    if (e.recurringEventId() != null) {
      json.add("recurringEventId", e.recurringEventId())
          .add(
              "originalStartTime",
              Json.createObjectBuilder()
                  .add("dateTime", e.originalStart().toString())
                  .add("timeZone", "UTC"));
    }
    if (!"default".equals(e.visibility())) {
      json.add("visibility", e.visibility());
    }
    if (e.meet()) {
      String code = "abc-" + Objects.hash(e.iCalUid()) % 10000 + "-xyz";
      json.add("hangoutLink", "https://meet.google.com/" + code)
          .add(
              "conferenceData",
              Json.createObjectBuilder()
                  .add(
                      "entryPoints",
                      Json.createArrayBuilder()
                          .add(
                              Json.createObjectBuilder()
                                  .add("entryPointType", "video")
                                  .add("uri", "https://meet.google.com/" + code)
                                  .add("label", "meet.google.com/" + code)))
                  .add(
                      "conferenceSolution",
                      Json.createObjectBuilder()
                          .add("key", Json.createObjectBuilder().add("type", "hangoutsMeet"))
                          .add("name", "Google Meet"))
                  .add("conferenceId", code));
    }
    return json.build();
  }

  private static String etag(GoogleEvent e) {
    return "\"31811617847" + String.format(Locale.ROOT, "%05d", e.seq() % 100000) + "\"";
  }

  /** Google's error body: {@code error.errors[].domain/reason/message}, code and message. */
  private static String error(int code, String domain, String reason, String message) {
    return Json.createObjectBuilder()
        .add(
            "error",
            Json.createObjectBuilder()
                .add(
                    "errors",
                    Json.createArrayBuilder()
                        .add(
                            Json.createObjectBuilder()
                                .add("domain", domain)
                                .add("reason", reason)
                                .add("message", message)))
                .add("code", code)
                .add("message", message))
        .build()
        .toString();
  }
}
