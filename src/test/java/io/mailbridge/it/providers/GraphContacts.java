package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.graphError;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.requestBody;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mailbox's contact folders and contacts over Graph in its wire format
 * (learn.microsoft.com/graph/api/user-list-contactfolders, /contactfolder-post-contacts,
 * /contact-update, /contact-delete, /contact-delta, /singlevaluelegacyextendedproperty-get):
 * folders listed with {@code $filter=displayName eq '…'} and created; contacts created with
 * single-value extended properties, read with {@code $expand} of one property, changed with {@code
 * PATCH} (an {@code If-Match} that is not the current {@code @odata.etag} answers 412), deleted;
 * each write gives a new {@code changeKey}, etag and {@code lastModifiedDateTime}. The delta pages
 * through the folder with {@code @odata.nextLink} ({@code $skiptoken}) and ends a round with an
 * {@code @odata.deltaLink}; a later round returns the contacts changed since, removed ones as
 * {@code {"id","@removed":{"reason":"deleted"}}}; an expired token answers 410.
 */
final class GraphContacts {

  static final Pattern PATH =
      Pattern.compile("^/graph/v1\\.0/(me|users/[^/]+)/contactFolders(/.*)?$");

  /** One contact as the fake stores it: Graph's own property names, plus its log position. */
  static final class Contact {
    final String id;
    final String folder;
    final Map<String, JsonValue> fields = new ConcurrentHashMap<>();
    final Map<String, String> properties = new ConcurrentHashMap<>();
    final Instant created;
    volatile long seq;
    volatile Instant modified;

    Contact(String id, String folder, Instant created) {
      this.id = id;
      this.folder = folder;
      this.created = created;
    }

    String changeKey() {
      return "EQAAABYAAAD" + seq;
    }

    String etag() {
      return "W/\"" + changeKey() + "\"";
    }
  }

  private record Event(long seq, String id, String folder, boolean removed) {}

  private record State(
      String account, String folder, long afterSeq, long snapshotSeq, int offset) {}

  private final FakeProviders fake;
  private final AtomicLong log = new AtomicLong();

  /** account → folder id → display name. */
  final Map<String, Map<String, String>> folders = new ConcurrentHashMap<>();

  /** account → contact id → contact. */
  final Map<String, Map<String, Contact>> contacts = new ConcurrentHashMap<>();

  private final Map<String, List<Event>> events = new ConcurrentHashMap<>();
  private final Map<String, State> tokens = new ConcurrentHashMap<>();
  final Set<String> expired = ConcurrentHashMap.newKeySet();

  /** Contact requests in flight per account now, and the most seen at once. */
  final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  final Map<String, AtomicInteger> mostInFlight = new ConcurrentHashMap<>();

  /** Requests made, as "METHOD path #account". */
  final List<String> requests = new CopyOnWriteArrayList<>();

  /** While set, delta requests wait here (a test holds a sync in the middle of its run). */
  volatile java.util.concurrent.CountDownLatch deltaGate;

  /** Counted down when a delta request reaches the gate. */
  volatile java.util.concurrent.CountDownLatch deltaArrived;

  GraphContacts(FakeProviders fake) {
    this.fake = fake;
  }

  void expireAll() {
    expired.addAll(tokens.keySet());
  }

  void handle(HttpExchange exchange, String user, String rest) throws IOException {
    Token bearer = fake.authorization.bearer(exchange);
    String account =
        fake.mailboxOf(bearer, user.equals("me") ? null : user.substring("users/".length()));
    requests.add(
        exchange.getRequestMethod()
            + " "
            + exchange.getRequestURI().getPath()
            + " #"
            + (account == null ? "-" : account));
    if (bearer == null) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return;
    }
    if (account == null) {
      send(exchange, 403, graphError("ErrorAccessDenied", "Access is denied. Check credentials."));
      return;
    }
    AtomicInteger now = inFlight.computeIfAbsent(account, a -> new AtomicInteger());
    int at = now.incrementAndGet();
    mostInFlight.computeIfAbsent(account, a -> new AtomicInteger()).accumulateAndGet(at, Math::max);
    try {
      route(exchange, account, user, rest == null ? "" : rest);
    } finally {
      now.decrementAndGet();
    }
  }

  private void route(HttpExchange exchange, String account, String user, String rest)
      throws IOException {
    String method = exchange.getRequestMethod();
    String[] parts = rest.isEmpty() ? new String[0] : rest.substring(1).split("/");
    Map<String, String> folderMap =
        folders.computeIfAbsent(account, a -> new ConcurrentHashMap<>());
    if (parts.length == 0) {
      if (method.equals("GET")) {
        listFolders(exchange, folderMap);
      } else if (method.equals("POST")) {
        JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
        String id = "AAMkFolder" + UUID.randomUUID().toString().replace("-", "");
        folderMap.put(id, body.getString("displayName"));
        send(exchange, 201, folderJson(id, body.getString("displayName")).toString());
      } else {
        send(exchange, 405, graphError("BadRequest", "Unsupported method"));
      }
      return;
    }
    String folder = parts[0];
    if (!folderMap.containsKey(folder)) {
      send(
          exchange,
          404,
          graphError("ErrorItemNotFound", "The specified object was not found in the store."));
      return;
    }
    if (parts.length == 2 && parts[1].equals("contacts") && method.equals("POST")) {
      JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
      Contact contact =
          new Contact(
              "AAMkContact" + UUID.randomUUID().toString().replace("-", ""),
              folder,
              Instant.now().truncatedTo(ChronoUnit.SECONDS));
      apply(contact, body);
      contacts.computeIfAbsent(account, a -> new ConcurrentHashMap<>()).put(contact.id, contact);
      changed(account, contact, Instant.now());
      if (fake.graphContactAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        send(exchange, 500, graphError("generalException", "An internal error occurred."));
        return;
      }
      send(exchange, 201, contactJson(contact, false).build().toString());
    } else if (parts.length == 3 && parts[1].equals("contacts") && parts[2].startsWith("delta")) {
      delta(exchange, account, user, folder);
    } else if (parts.length == 3 && parts[1].equals("contacts")) {
      Contact contact = contacts.getOrDefault(account, Map.of()).get(parts[2]);
      if (contact == null || !contact.folder.equals(folder)) {
        send(
            exchange,
            404,
            graphError("ErrorItemNotFound", "The specified object was not found in the store."));
        return;
      }
      switch (method) {
        case "GET" -> {
          JsonObjectBuilder json = contactJson(contact, false);
          String expand = query(exchange.getRequestURI().getRawQuery()).get("$expand");
          if (expand != null) {
            Matcher m =
                Pattern.compile("^singleValueExtendedProperties\\(\\$filter=id eq '(.+)'\\)$")
                    .matcher(expand);
            if (!m.matches()) {
              send(exchange, 400, graphError("BadRequest", "Invalid expand clause"));
              return;
            }
            JsonArrayBuilder props = JSON.createArrayBuilder();
            contact.properties.forEach(
                (id, value) -> {
                  if (id.equalsIgnoreCase(m.group(1))) {
                    props.add(JSON.createObjectBuilder().add("id", id).add("value", value));
                  }
                });
            json.add("singleValueExtendedProperties", props);
          }
          send(exchange, 200, json.build().toString());
        }
        case "PATCH" -> {
          String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
          if (ifMatch != null && !ifMatch.equals(contact.etag())) {
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
          apply(contact, JSON.createReader(requestBody(exchange)).readObject());
          changed(account, contact, Instant.now());
          send(exchange, 200, contactJson(contact, false).build().toString());
        }
        case "DELETE" -> {
          remove(account, contact.id);
          exchange.sendResponseHeaders(204, -1);
        }
        default -> send(exchange, 405, graphError("BadRequest", "Unsupported method"));
      }
    } else {
      send(exchange, 404, graphError("BadRequest", "Unsupported path " + rest));
    }
  }

  private void listFolders(HttpExchange exchange, Map<String, String> folderMap)
      throws IOException {
    String filter = query(exchange.getRequestURI().getRawQuery()).get("$filter");
    String wanted = null;
    if (filter != null) {
      Matcher m = Pattern.compile("^displayName eq '((?:[^']|'')*)'$").matcher(filter);
      if (!m.matches()) {
        send(exchange, 400, graphError("BadRequest", "Invalid filter clause"));
        return;
      }
      wanted = m.group(1).replace("''", "'");
    }
    JsonArrayBuilder value = JSON.createArrayBuilder();
    for (Map.Entry<String, String> f : folderMap.entrySet()) {
      if (wanted == null || wanted.equals(f.getValue())) {
        value.add(folderJson(f.getKey(), f.getValue()));
      }
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add(
                "@odata.context",
                "https://graph.microsoft.com/v1.0/$metadata#users('me')/contactFolders")
            .add("value", value)
            .build()
            .toString());
  }

  private static JsonObject folderJson(String id, String name) {
    return JSON.createObjectBuilder()
        .add("id", id)
        .add("displayName", name)
        .add("parentFolderId", "AAMkContactsRoot")
        .build();
  }

  private void delta(HttpExchange exchange, String account, String user, String folder)
      throws IOException {
    java.util.concurrent.CountDownLatch arrived = deltaArrived;
    if (arrived != null) {
      arrived.countDown();
    }
    java.util.concurrent.CountDownLatch gate = deltaGate;
    if (gate != null) {
      try {
        gate.await(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    String skip = q.get("$skiptoken");
    String deltaToken = q.get("$deltatoken");
    String presented = skip != null ? skip : deltaToken;
    State state;
    if (presented != null) {
      if (expired.contains(presented)) {
        send(
            exchange,
            410,
            graphError("SyncStateNotFound", "The sync state generation is not found."));
        return;
      }
      state = tokens.get(presented);
      if (state == null || !state.account().equals(account) || !state.folder().equals(folder)) {
        send(exchange, 400, graphError("ErrorInvalidUrlQuery", "The skip token is not valid."));
        return;
      }
      if (deltaToken != null) {
        state = new State(account, folder, state.snapshotSeq(), log.get(), 0);
      }
    } else {
      state = new State(account, folder, -1, log.get(), 0);
    }
    List<Event> changed = changesIn(state);
    int pageSize =
        Math.min(
            GraphCalendarDelta.pageSize(exchange.getRequestHeaders().get("Prefer")),
            fake.graphContactMaxPage);
    int end = Math.min(changed.size(), state.offset() + pageSize);
    JsonArrayBuilder value = JSON.createArrayBuilder();
    for (Event event : changed.subList(state.offset(), end)) {
      Contact contact = contacts.getOrDefault(account, Map.of()).get(event.id());
      if (event.removed() || contact == null) {
        value.add(
            JSON.createObjectBuilder()
                .add("@odata.type", "#microsoft.graph.contact")
                .add("id", event.id())
                .add("@removed", JSON.createObjectBuilder().add("reason", "deleted")));
      } else {
        value.add(contactJson(contact, true));
      }
    }
    String base =
        fake.base
            + "/graph/v1.0/"
            + (user.equals("me") ? "me" : user)
            + "/contactFolders/"
            + folder
            + "/contacts/delta";
    JsonObjectBuilder page =
        JSON.createObjectBuilder()
            .add("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(contact)")
            .add("value", value);
    String next = UUID.randomUUID().toString().replace("-", "");
    if (end < changed.size()) {
      tokens.put(next, new State(account, folder, state.afterSeq(), state.snapshotSeq(), end));
      page.add("@odata.nextLink", base + "?$skiptoken=" + enc(next));
    } else {
      tokens.put(next, new State(account, folder, state.afterSeq(), state.snapshotSeq(), 0));
      page.add("@odata.deltaLink", base + "?$deltatoken=" + enc(next));
    }
    send(exchange, 200, page.build().toString());
  }

  /** The latest event of each contact of the folder in the state's window, in log order. */
  private List<Event> changesIn(State state) {
    Map<String, Event> latest = new LinkedHashMap<>();
    for (Event event : events.getOrDefault(state.account(), List.of())) {
      if (event.folder().equals(state.folder())
          && event.seq() > state.afterSeq()
          && event.seq() <= state.snapshotSeq()) {
        latest.remove(event.id());
        latest.put(event.id(), event);
      }
    }
    List<Event> out = new ArrayList<>();
    for (Event event : latest.values()) {
      // A full round lists what is there; removals are news only to a later round.
      if (!(state.afterSeq() < 0 && event.removed())) {
        out.add(event);
      }
    }
    return out;
  }

  private static void apply(Contact contact, JsonObject body) {
    for (Map.Entry<String, JsonValue> field : body.entrySet()) {
      if (field.getKey().equals("singleValueExtendedProperties")) {
        for (JsonObject p : field.getValue().asJsonArray().getValuesAs(JsonObject.class)) {
          contact.properties.put(p.getString("id"), p.getString("value"));
        }
      } else if (!field.getKey().startsWith("@")) {
        contact.fields.put(field.getKey(), field.getValue());
      }
    }
  }

  void changed(String account, Contact contact, Instant at) {
    contact.seq = log.incrementAndGet();
    contact.modified = at.truncatedTo(ChronoUnit.MILLIS);
    events
        .computeIfAbsent(account, a -> new CopyOnWriteArrayList<>())
        .add(new Event(contact.seq, contact.id, contact.folder, false));
  }

  void remove(String account, String id) {
    Contact contact = contacts.getOrDefault(account, Map.of()).remove(id);
    if (contact != null) {
      events
          .computeIfAbsent(account, a -> new CopyOnWriteArrayList<>())
          .add(new Event(log.incrementAndGet(), id, contact.folder, true));
    }
  }

  static JsonObjectBuilder contactJson(Contact contact, boolean inDelta) {
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("@odata.etag", contact.etag())
            .add("id", contact.id)
            .add("createdDateTime", contact.created.toString())
            .add("lastModifiedDateTime", contact.modified.toString())
            .add("changeKey", contact.changeKey())
            .add("categories", JSON.createArrayBuilder())
            .add("parentFolderId", contact.folder);
    if (inDelta) {
      json.add("@odata.type", "#microsoft.graph.contact");
    }
    for (String name :
        List.of(
            "givenName",
            "surname",
            "displayName",
            "jobTitle",
            "companyName",
            "emailAddresses",
            "businessPhones")) {
      JsonValue value = contact.fields.get(name);
      if (value == null) {
        value =
            name.equals("emailAddresses") || name.equals("businessPhones")
                ? JsonValue.EMPTY_JSON_ARRAY
                : JsonValue.NULL;
      }
      json.add(name, value);
    }
    return json;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
