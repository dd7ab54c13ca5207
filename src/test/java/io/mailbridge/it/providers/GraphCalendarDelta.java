package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.graphError;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.GraphEvent;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Graph's calendarView delta of a user's primary calendar in Graph's wire format
 * (learn.microsoft.com/graph/delta-query-events, /graph/api/event-delta): the first call names the
 * window with {@code startDateTime} and {@code endDateTime} (required; {@code $select}, {@code
 * $filter} and {@code $orderby} are refused, as calendarView delta supports none of them) and pages
 * through the events in it with {@code @odata.nextLink}s carrying an opaque {@code $skiptoken}; the
 * last page carries an {@code @odata.deltaLink} ({@code $deltatoken}) whose tokens encode the
 * window, from which a later call returns only what changed since: changed events in full, deleted
 * ones and ones moved out of the window as {@code {"id", "@removed": {"reason"}}}. Start and end
 * are {@code dateTimeTimeZone} objects in UTC (as {@code Prefer: outlook.timezone="UTC"} asks),
 * except an {@code isAllDay} event's, which float: the midnights of its days, whatever zone was
 * asked for (as Graph shows them), attendees carry {@code type}, {@code status} and {@code
 * emailAddress}. Page size follows {@code Prefer: odata.maxpagesize}, capped by the test.
 */
final class GraphCalendarDelta {

  static final Pattern DELTA =
      Pattern.compile("^/graph/v1\\.0/(me|users/([^/]+))/calendarView/delta(\\(\\))?$");

  private static final DateTimeFormatter WIRE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS", Locale.ROOT);

  /** What a token stands for: the calendar, the window, and the log position. */
  private record State(
      String account, Instant start, Instant end, long afterSeq, long snapshotSeq, int offset) {}

  private final FakeProviders fake;
  private final Map<String, State> tokens = new ConcurrentHashMap<>();

  GraphCalendarDelta(FakeProviders fake) {
    this.fake = fake;
  }

  /** Set by a test: delta requests wait at this gate, counting {@code arrived} down first. */
  volatile java.util.concurrent.CountDownLatch arrived;

  volatile java.util.concurrent.CountDownLatch gate;

  /** Every token handed out so far answers 410 from now on. */
  void expireAll() {
    fake.expiredGraphTokens.addAll(tokens.keySet());
  }

  void delta(HttpExchange exchange, String user) throws IOException {
    java.util.concurrent.CountDownLatch held = gate;
    if (held != null) {
      java.util.concurrent.CountDownLatch came = arrived;
      if (came != null) {
        came.countDown();
      }
      try {
        held.await(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<String> prefer = exchange.getRequestHeaders().get("Prefer");
    fake.graphCalendarPreferHeaders.add(prefer == null ? "" : String.join(", ", prefer));
    Token bearer = fake.authorization.bearer(exchange);
    String mailbox = fake.mailboxOf(bearer, user);
    fake.graphRequests.add(
        exchange.getRequestMethod()
            + " "
            + exchange.getRequestURI()
            + " #"
            + (mailbox == null ? "-" : mailbox));
    if (bearer == null) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    if (mailbox == null || fake.graphCalendarForbidden.contains(mailbox)) {
      send(exchange, 403, graphError("ErrorAccessDenied", "Access is denied. Check credentials."));
      return;
    }
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    for (String unsupported : List.of("$select", "$filter", "$orderby")) {
      if (q.containsKey(unsupported)) {
        send(
            exchange,
            400,
            graphError("ErrorInvalidUrlQuery", unsupported + " is not supported on delta."));
        return;
      }
    }
    String skip = q.get("$skiptoken");
    String delta = q.get("$deltatoken");
    String presented = skip != null ? skip : delta;
    State state;
    if (presented != null && fake.expiredGraphTokens.contains(presented)) {
      send(
          exchange,
          410,
          graphError("SyncStateNotFound", "The sync state generation is not found."));
      return;
    }
    if (presented != null) {
      state = tokens.get(presented);
      if (state == null || !state.account().equals(mailbox)) {
        send(exchange, 400, graphError("ErrorInvalidUrlQuery", "The skip token is not valid."));
        return;
      }
      if (delta != null) {
        state =
            new State(
                state.account(),
                state.start(),
                state.end(),
                state.snapshotSeq(),
                fake.graphSeq(),
                0);
      }
    } else {
      Instant start;
      Instant end;
      try {
        start = Instant.parse(q.get("startDateTime"));
        end = Instant.parse(q.get("endDateTime"));
      } catch (NullPointerException | DateTimeParseException e) {
        send(
            exchange,
            400,
            graphError(
                "ErrorInvalidParameter",
                "This request requires a time window specified by the query string parameters"
                    + " StartDateTime and EndDateTime."));
        return;
      }
      state = new State(mailbox, start, end, -1, fake.graphSeq(), 0);
    }
    fake.graphCalendarWindows.add(mailbox + " " + state.start() + " " + state.end());
    int pageSize = Math.min(pageSize(prefer), fake.graphDeltaMaxPage);
    List<JsonObject> entries = entries(state);
    int end = Math.min(entries.size(), state.offset() + pageSize);
    JsonArrayBuilder value = JSON.createArrayBuilder();
    entries.subList(state.offset(), end).forEach(value::add);
    String base =
        fake.base
            + "/graph/v1.0/"
            + (user == null ? "me" : "users/" + enc(user))
            + "/calendarView/delta";
    JsonObjectBuilder page =
        JSON.createObjectBuilder()
            .add("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(event)")
            .add("value", value);
    String next = UUID.randomUUID().toString().replace("-", "");
    if (end < entries.size()) {
      tokens.put(
          next,
          new State(
              state.account(),
              state.start(),
              state.end(),
              state.afterSeq(),
              state.snapshotSeq(),
              end));
      page.add("@odata.nextLink", base + "?$skiptoken=" + enc(next));
    } else {
      tokens.put(
          next,
          new State(
              state.account(),
              state.start(),
              state.end(),
              state.afterSeq(),
              state.snapshotSeq(),
              0));
      page.add("@odata.deltaLink", base + "?$deltatoken=" + enc(next));
    }
    send(exchange, 200, page.build().toString());
  }

  /**
   * A full round: every event in the window as it stands. A later round: the latest state of each
   * event changed in (after, snapshot]; one deleted or now outside the window is {@code @removed}.
   */
  private List<JsonObject> entries(State state) {
    Map<String, GraphEvent> latest = new LinkedHashMap<>();
    for (GraphEvent e : fake.graphEvents.getOrDefault(state.account(), List.of())) {
      if (e.seq() > state.afterSeq() && e.seq() <= state.snapshotSeq()) {
        latest.remove(e.id());
        latest.put(e.id(), e);
      }
    }
    List<JsonObject> out = new ArrayList<>();
    for (GraphEvent e : latest.values()) {
      boolean inWindow =
          !e.removed() && e.start().isBefore(state.end()) && e.end().isAfter(state.start());
      FakeProviders.GraphEventExtra extra = fake.graphEventExtras.get(e.id());
      boolean series = extra != null && extra.recurrence() != null;
      // calendarView lists a series as its instances, never its master: here its first one.
      String listed =
          series
              ? e.id()
                  + GraphEventWrites.OCCURRENCE
                  + GraphEventWrites.days(e, extra).stream()
                      .filter(d -> !extra.cancelled().contains(d.toString()))
                      .findFirst()
                      .map(Object::toString)
                      .orElse("none")
              : e.id();
      if (inWindow) {
        JsonObjectBuilder entry = json(fake, e);
        if (series) {
          entry
              .add("id", listed)
              .add("type", "occurrence")
              .add("seriesMasterId", e.id())
              .addNull("recurrence");
        }
        out.add(entry.build());
      } else if (state.afterSeq() >= 0) {
        out.add(
            JSON.createObjectBuilder()
                .add("@odata.type", "#microsoft.graph.event")
                .add("id", listed)
                .add("@removed", JSON.createObjectBuilder().add("reason", "deleted"))
                .build());
      }
    }
    return out;
  }

  /**
   * An event as Graph shows it; what a write through {@code /events} set beside capture's fields
   * (zone, recurrence) comes from the fake's extras.
   */
  static JsonObjectBuilder json(FakeProviders fake, GraphEvent e) {
    FakeProviders.GraphEventExtra extra = fake.graphEventExtras.get(e.id());
    String zone = extra == null || extra.timeZone() == null ? "UTC" : extra.timeZone();
    Instant modified = fake.graphEventTimes.get(e.seq());
    JsonArrayBuilder attendees = JSON.createArrayBuilder();
    for (String address : e.attendees()) {
      attendees.add(
          JSON.createObjectBuilder()
              .add("type", "required")
              .add(
                  "status",
                  JSON.createObjectBuilder()
                      .add("response", "none")
                      .add("time", "0001-01-01T00:00:00Z"))
              .add("emailAddress", address(address)));
    }
    JsonArrayBuilder categories = JSON.createArrayBuilder();
    e.categories().forEach(categories::add);
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("@odata.type", "#microsoft.graph.event")
            .add("@odata.etag", "W/\"" + FakeProviders.graphChangeKey(e.seq()) + "\"")
            .add("id", e.id())
            .add("changeKey", FakeProviders.graphChangeKey(e.seq()))
            .add("createdDateTime", "2026-11-01T08:00:00.0000000Z")
            .add(
                "lastModifiedDateTime",
                modified == null ? "2026-11-01T08:00:00.0000000Z" : modified.toString())
            .add("categories", categories)
            .add("originalStartTimeZone", zone)
            .add("originalEndTimeZone", zone)
            .add("iCalUId", e.iCalUid())
            .add("reminderMinutesBeforeStart", 15)
            .add("isReminderOn", true)
            .add("hasAttachments", false)
            .add("subject", e.subject())
            .add("bodyPreview", e.body())
            .add("importance", "normal")
            .add("sensitivity", e.sensitivity())
            .add("isAllDay", extra != null && extra.allDay())
            .add("isCancelled", e.cancelled())
            .add("isOrganizer", e.organizer().equalsIgnoreCase(e.account()))
            .add("responseRequested", true)
            .add("showAs", "busy")
            .add(
                "type",
                extra != null && extra.recurrence() != null ? "seriesMaster" : "singleInstance")
            .add("webLink", "https://outlook.office365.com/owa/?itemid=" + e.id())
            .add("isOnlineMeeting", e.online())
            .add("onlineMeetingProvider", e.online() ? "teamsForBusiness" : "unknown")
            .add(
                "body",
                JSON.createObjectBuilder().add("contentType", "text").add("content", e.body()))
            .add("start", extra != null && extra.allDay() ? day(e.start(), zone) : time(e.start()))
            .add("end", extra != null && extra.allDay() ? day(e.end(), zone) : time(e.end()))
            .add(
                "location",
                JSON.createObjectBuilder()
                    .add("displayName", e.location())
                    .add("locationType", "default"))
            .add("attendees", attendees)
            .add(
                "organizer",
                JSON.createObjectBuilder().add("emailAddress", address(e.organizer())));
    if (e.online()) {
      json.add(
          "onlineMeeting",
          JSON.createObjectBuilder()
              .add("joinUrl", "https://teams.microsoft.com/l/meetup-join/" + e.iCalUid()));
    } else {
      json.addNull("onlineMeeting");
    }
    if (extra != null && extra.recurrence() != null) {
      json.add("recurrence", extra.recurrence());
    } else {
      json.addNull("recurrence");
    }
    return json;
  }

  static JsonObjectBuilder time(Instant at) {
    return JSON.createObjectBuilder()
        .add("dateTime", WIRE.format(LocalDateTime.ofInstant(at, ZoneOffset.UTC)))
        .add("timeZone", "UTC");
  }

  /** An all-day event's day: its midnight as a local time labelled UTC, as Graph shows it. */
  static JsonObjectBuilder day(Instant at, String zone) {
    java.time.ZoneId days = "UTC".equals(zone) ? ZoneOffset.UTC : java.time.ZoneId.of(zone);
    return JSON.createObjectBuilder()
        .add("dateTime", WIRE.format(at.atZone(days).toLocalDate().atStartOfDay()))
        .add("timeZone", "UTC");
  }

  private static JsonObjectBuilder address(String address) {
    return JSON.createObjectBuilder().add("name", address).add("address", address);
  }

  /** The page size a {@code Prefer: odata.maxpagesize} header asks for; 10 without one. */
  static int pageSize(List<String> prefer) {
    if (prefer != null) {
      for (String header : prefer) {
        for (String part : header.split(",")) {
          String p = part.strip();
          if (p.startsWith("odata.maxpagesize=")) {
            return Integer.parseInt(p.substring("odata.maxpagesize=".length()));
          }
        }
      }
    }
    return 10;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
