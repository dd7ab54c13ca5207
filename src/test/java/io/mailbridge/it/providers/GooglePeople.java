package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.googleError;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.requestBody;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Google Contacts over the People API in its wire format
 * (developers.google.com/people/api/rest/v1/people.connections/list, people/createContact,
 * people/batchCreateContacts, people/updateContact, people/deleteContact, people/get,
 * contactGroups/list, contactGroups/create): contact groups listed (the system groups too) and
 * created; contacts created in {@code myContacts} and the groups their {@code memberships} name,
 * with {@code clientData}; an update replaces the {@code updatePersonFields} and needs the person's
 * current {@code etag} (another answers 400 {@code FAILED_PRECONDITION}); every write gives a new
 * etag and the CONTACT source's {@code updateTime}. {@code connections.list} pages with {@code
 * nextPageToken} (the other parameters must match the first call) and ends a round with {@code
 * nextSyncToken} when asked ({@code requestSyncToken}); a round with a sync token returns the
 * contacts changed since, deleted ones with {@code metadata.deleted}; an expired token answers 400
 * {@code FAILED_PRECONDITION} with the {@code google.rpc.ErrorInfo} reason {@code
 * EXPIRED_SYNC_TOKEN}. Methods other than GET and POST arrive as POST with {@code
 * X-HTTP-Method-Override}, as Google's client sends them. Quota refusals (429 {@code
 * RESOURCE_EXHAUSTED}) can be armed per account.
 */
final class GooglePeople {

  static final String CONTACTS_SCOPE = "https://www.googleapis.com/auth/contacts";
  static final Pattern PERSON =
      Pattern.compile("^/google/v1/(people/(?!me/)[^/:]+)(:updateContact|:deleteContact)?$");

  /** Fields a contact source may carry, in the API's names. */
  private static final List<String> CONTACT_FIELDS =
      List.of("names", "emailAddresses", "phoneNumbers", "organizations");

  /** One contact as the fake stores it. */
  static final class Contact {
    final String resourceName;
    final Map<String, JsonArray> fields = new ConcurrentHashMap<>();
    final Set<String> groups = ConcurrentHashMap.newKeySet();
    final Map<String, String> clientData = new ConcurrentHashMap<>();
    volatile long seq;
    volatile Instant updated;
    volatile boolean deleted;

    Contact(String resourceName) {
      this.resourceName = resourceName;
    }

    String id() {
      return resourceName.substring("people/".length());
    }

    String etag() {
      return "%Eg" + Base64.getEncoder().encodeToString((id() + ":" + seq).getBytes());
    }
  }

  private record Event(long seq, String resourceName) {}

  /** Where a listing stands: the change window, the offset, and the first call's parameters. */
  private record Listing(
      String account, long afterSeq, long snapshotSeq, int offset, String parameters) {}

  private final FakeProviders fake;
  private final AtomicLong log = new AtomicLong();

  /** account → group resource name → name (user groups). */
  final Map<String, Map<String, String>> groups = new ConcurrentHashMap<>();

  /** account → resource name → contact (deleted ones stay as tombstones). */
  final Map<String, Map<String, Contact>> contacts = new ConcurrentHashMap<>();

  private final Map<String, List<Event>> events = new ConcurrentHashMap<>();
  private final Map<String, Listing> pageTokens = new ConcurrentHashMap<>();
  private final Map<String, Listing> syncTokens = new ConcurrentHashMap<>();
  final Set<String> expired = ConcurrentHashMap.newKeySet();

  /** account → how many of its next requests answer 429, and the Retry-After they carry. */
  final Map<String, AtomicInteger> quotaRefusals = new ConcurrentHashMap<>();

  volatile int quotaRetryAfterSeconds = 60;

  /** account → what happens just before its next updateContact is looked at (a person's edit). */
  final Map<String, Runnable> beforeUpdate = new ConcurrentHashMap<>();

  /** Mutations in flight per account now, and the most seen at once. */
  final Map<String, AtomicInteger> writesInFlight = new ConcurrentHashMap<>();

  final Map<String, AtomicInteger> mostWritesInFlight = new ConcurrentHashMap<>();

  /** Requests made, as "METHOD path?query #account" (the method after the override). */
  final List<String> requests = new CopyOnWriteArrayList<>();

  GooglePeople(FakeProviders fake) {
    this.fake = fake;
  }

  void expireAll() {
    expired.addAll(syncTokens.keySet());
  }

  /** Every People API path under {@code /google/v1/}. */
  static boolean handles(String path) {
    return path.equals("/google/v1/contactGroups")
        || path.equals("/google/v1/people/me/connections")
        || path.equals("/google/v1/people:createContact")
        || path.equals("/google/v1/people:batchCreateContacts")
        || PERSON.matcher(path).matches();
  }

  void handle(HttpExchange exchange) throws IOException {
    String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
    String method =
        override != null && exchange.getRequestMethod().equals("POST")
            ? override
            : exchange.getRequestMethod();
    Token bearer = fake.authorization.bearer(exchange);
    String account = bearer == null ? null : bearer.account();
    String path = exchange.getRequestURI().getPath();
    String raw = exchange.getRequestURI().getRawQuery();
    requests.add(
        method
            + " "
            + path
            + (raw == null ? "" : "?" + raw)
            + " #"
            + (account == null ? "-" : account));
    if (bearer == null) {
      send(
          exchange,
          401,
          googleError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
      return;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String scopes = fake.accessTokenScopes.getOrDefault(header.substring(7), "");
    if (!Arrays.asList(scopes.split(" ")).contains(CONTACTS_SCOPE)) {
      send(
          exchange,
          403,
          googleError(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED"));
      return;
    }
    AtomicInteger refusals = quotaRefusals.get(account);
    if (refusals != null && refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getResponseHeaders().set("Retry-After", String.valueOf(quotaRetryAfterSeconds));
      send(
          exchange,
          429,
          googleError(
              429,
              "Quota exceeded for quota metric 'Critical read requests (Contact and Profile"
                  + " Reads)' and limit 'Critical read requests (Contact and Profile Reads) per"
                  + " minute per user' of service 'people.googleapis.com'.",
              "RESOURCE_EXHAUSTED"));
      return;
    }
    boolean write = !method.equals("GET");
    AtomicInteger now = writesInFlight.computeIfAbsent(account, a -> new AtomicInteger());
    if (write) {
      int at = now.incrementAndGet();
      mostWritesInFlight
          .computeIfAbsent(account, a -> new AtomicInteger())
          .accumulateAndGet(at, Math::max);
    }
    try {
      route(exchange, account, method, path, query(raw));
    } finally {
      if (write) {
        now.decrementAndGet();
      }
    }
  }

  private void route(
      HttpExchange exchange, String account, String method, String path, Map<String, String> q)
      throws IOException {
    var person = PERSON.matcher(path);
    if (path.equals("/google/v1/contactGroups") && method.equals("GET")) {
      listGroups(exchange, account);
    } else if (path.equals("/google/v1/contactGroups") && method.equals("POST")) {
      createGroup(exchange, account);
    } else if (path.equals("/google/v1/people/me/connections") && method.equals("GET")) {
      connections(exchange, account, q);
    } else if (path.equals("/google/v1/people:createContact") && method.equals("POST")) {
      createContact(exchange, account, q);
    } else if (path.equals("/google/v1/people:batchCreateContacts") && method.equals("POST")) {
      batchCreateContacts(exchange, account);
    } else if (person.matches()) {
      Contact contact = contacts.getOrDefault(account, Map.of()).get(person.group(1));
      if (contact == null || contact.deleted) {
        send(exchange, 404, googleError(404, "Requested entity was not found.", "NOT_FOUND"));
        return;
      }
      String action = person.group(2);
      if (action == null && method.equals("GET")) {
        String fields = q.get("personFields");
        if (fields == null || fields.isEmpty()) {
          send(exchange, 400, missingPersonFields());
          return;
        }
        send(exchange, 200, personJson(contact, fields).toString());
      } else if (":updateContact".equals(action) && method.equals("PATCH")) {
        updateContact(exchange, account, contact, q);
      } else if (":deleteContact".equals(action) && method.equals("DELETE")) {
        contact.deleted = true;
        changed(account, contact, Instant.now());
        send(exchange, 200, "{}");
      } else {
        send(exchange, 404, googleError(404, "Method not found.", "NOT_FOUND"));
      }
    } else {
      send(exchange, 404, googleError(404, "Method not found.", "NOT_FOUND"));
    }
  }

  private void listGroups(HttpExchange exchange, String account) throws IOException {
    JsonArrayBuilder list = JSON.createArrayBuilder();
    for (String system : List.of("myContacts", "starred", "friends", "family", "coworkers")) {
      list.add(
          JSON.createObjectBuilder()
              .add("resourceName", "contactGroups/" + system)
              .add("etag", "%Eg" + system)
              .add("groupType", "SYSTEM_CONTACT_GROUP")
              .add("name", system)
              .add("formattedName", system.substring(0, 1).toUpperCase() + system.substring(1)));
    }
    Map<String, String> mine = groups.getOrDefault(account, Map.of());
    mine.forEach(
        (resourceName, name) ->
            list.add(
                JSON.createObjectBuilder()
                    .add("resourceName", resourceName)
                    .add("etag", "%Eg" + resourceName.hashCode())
                    .add(
                        "metadata",
                        JSON.createObjectBuilder().add("updateTime", Instant.now().toString()))
                    .add("groupType", "USER_CONTACT_GROUP")
                    .add("name", name)
                    .add("formattedName", name)));
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("contactGroups", list)
            .add("totalItems", 5 + mine.size())
            .add("nextSyncToken", "EPDS" + log.get())
            .build()
            .toString());
  }

  private void createGroup(HttpExchange exchange, String account) throws IOException {
    JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
    String name = body.getJsonObject("contactGroup").getString("name", "");
    Map<String, String> mine = groups.computeIfAbsent(account, a -> new ConcurrentHashMap<>());
    if (name.isBlank()) {
      send(exchange, 400, googleError(400, "Invalid contact group name.", "INVALID_ARGUMENT"));
      return;
    }
    if (mine.containsValue(name)) {
      send(exchange, 409, googleError(409, "Contact group name already exists.", "ALREADY_EXISTS"));
      return;
    }
    String resourceName =
        "contactGroups/"
            + Long.toHexString(UUID.randomUUID().getMostSignificantBits() & Long.MAX_VALUE);
    mine.put(resourceName, name);
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("resourceName", resourceName)
            .add("etag", "%Eg" + resourceName.hashCode())
            .add("metadata", JSON.createObjectBuilder().add("updateTime", Instant.now().toString()))
            .add("groupType", "USER_CONTACT_GROUP")
            .add("name", name)
            .add("formattedName", name)
            .build()
            .toString());
  }

  private void connections(HttpExchange exchange, String account, Map<String, String> q)
      throws IOException {
    String fields = q.get("personFields");
    if (fields == null || fields.isEmpty()) {
      send(exchange, 400, missingPersonFields());
      return;
    }
    int pageSize = q.containsKey("pageSize") ? Integer.parseInt(q.get("pageSize")) : 100;
    if (pageSize < 0 || pageSize > 1000) {
      send(exchange, 400, googleError(400, "Invalid pageSize.", "INVALID_ARGUMENT"));
      return;
    }
    if (pageSize == 0) {
      pageSize = 100;
    }
    String syncToken = q.get("syncToken");
    boolean requestSync = "true".equals(q.get("requestSyncToken"));
    // What the first call asked for; a page token is valid only with the same parameters.
    String parameters = fields + "|" + pageSize + "|" + syncToken + "|" + requestSync;
    Listing listing;
    if (syncToken != null && expired.contains(syncToken)) {
      send(exchange, 400, expiredSyncToken());
      return;
    }
    String pageToken = q.get("pageToken");
    if (pageToken != null) {
      listing = pageTokens.get(pageToken);
      if (listing == null
          || !listing.account().equals(account)
          || !listing.parameters().equals(parameters)) {
        send(
            exchange,
            400,
            googleError(
                400,
                "Parameters provided with a page token must match the previous call.",
                "INVALID_ARGUMENT"));
        return;
      }
    } else if (syncToken != null) {
      Listing from = syncTokens.get(syncToken);
      if (from == null || !from.account().equals(account)) {
        send(exchange, 400, googleError(400, "Invalid sync token.", "INVALID_ARGUMENT"));
        return;
      }
      listing = new Listing(account, from.snapshotSeq(), log.get(), 0, parameters);
    } else {
      listing = new Listing(account, -1, log.get(), 0, parameters);
    }
    List<Contact> changed = changesIn(listing);
    int end = Math.min(changed.size(), listing.offset() + pageSize);
    JsonArrayBuilder people = JSON.createArrayBuilder();
    for (Contact contact : changed.subList(listing.offset(), end)) {
      if (contact.deleted) {
        people.add(
            JSON.createObjectBuilder()
                .add("resourceName", contact.resourceName)
                .add("etag", contact.etag())
                .add(
                    "metadata",
                    JSON.createObjectBuilder()
                        .add("sources", JSON.createArrayBuilder().add(source(contact)))
                        .add("objectType", "PERSON")
                        .add("deleted", true)));
      } else {
        people.add(personJson(contact, fields));
      }
    }
    JsonObjectBuilder page = JSON.createObjectBuilder().add("connections", people);
    if (end < changed.size()) {
      String next = UUID.randomUUID().toString().replace("-", "");
      pageTokens.put(
          next, new Listing(account, listing.afterSeq(), listing.snapshotSeq(), end, parameters));
      page.add("nextPageToken", next);
    } else if (requestSync || syncToken != null) {
      String next = "EPDS" + UUID.randomUUID().toString().replace("-", "");
      syncTokens.put(next, listing);
      page.add("nextSyncToken", next);
    }
    page.add("totalPeople", changed.size()).add("totalItems", changed.size());
    send(exchange, 200, page.build().toString());
  }

  /** The contacts of the listing's window: all live ones in a full list, else the changed ones. */
  private List<Contact> changesIn(Listing listing) {
    Map<String, Contact> mine = contacts.getOrDefault(listing.account(), Map.of());
    Set<String> names = new LinkedHashSet<>();
    for (Event event : events.getOrDefault(listing.account(), List.of())) {
      if (event.seq() > listing.afterSeq() && event.seq() <= listing.snapshotSeq()) {
        names.add(event.resourceName());
      }
    }
    List<Contact> out = new ArrayList<>();
    for (String name : names) {
      Contact contact = mine.get(name);
      if (contact != null && !(listing.afterSeq() < 0 && contact.deleted)) {
        out.add(contact);
      }
    }
    out.sort(java.util.Comparator.comparing(c -> c.resourceName));
    return out;
  }

  private void createContact(HttpExchange exchange, String account, Map<String, String> q)
      throws IOException {
    JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
    Contact contact =
        new Contact(
            "people/c" + Long.toUnsignedString(UUID.randomUUID().getLeastSignificantBits()));
    String invalid = apply(account, contact, body, CONTACT_FIELDS, true);
    if (invalid != null) {
      send(exchange, 400, googleError(400, invalid, "INVALID_ARGUMENT"));
      return;
    }
    contact.groups.add("contactGroups/myContacts");
    contacts
        .computeIfAbsent(account, a -> new ConcurrentHashMap<>())
        .put(contact.resourceName, contact);
    changed(account, contact, Instant.now());
    if (fake.googleContactAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(exchange, 503, googleError(503, "The service is currently unavailable.", "UNAVAILABLE"));
      return;
    }
    String fields = q.getOrDefault("personFields", "");
    send(exchange, 200, personJson(contact, fields.isEmpty() ? null : fields).toString());
  }

  /**
   * Up to 200 contacts, created all or none: one invalid contact refuses the batch. Each answer is
   * a PersonResponse with the person as {@code readMask} asks (required).
   */
  private void batchCreateContacts(HttpExchange exchange, String account) throws IOException {
    JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
    String mask = body.getString("readMask", "");
    JsonArray asked = body.getJsonArray("contacts");
    if (mask.isEmpty()) {
      send(exchange, 400, googleError(400, "readMask is required.", "INVALID_ARGUMENT"));
      return;
    }
    if (asked == null || asked.isEmpty() || asked.size() > 200) {
      send(
          exchange,
          400,
          googleError(
              400, "Between 1 and 200 contacts can be created at once.", "INVALID_ARGUMENT"));
      return;
    }
    List<Contact> made = new ArrayList<>();
    for (JsonObject toCreate : asked.getValuesAs(JsonObject.class)) {
      Contact contact =
          new Contact(
              "people/c" + Long.toUnsignedString(UUID.randomUUID().getLeastSignificantBits()));
      String invalid =
          apply(account, contact, toCreate.getJsonObject("contactPerson"), CONTACT_FIELDS, true);
      if (invalid != null) {
        send(exchange, 400, googleError(400, invalid, "INVALID_ARGUMENT"));
        return;
      }
      contact.groups.add("contactGroups/myContacts");
      made.add(contact);
    }
    JsonArrayBuilder created = JSON.createArrayBuilder();
    for (Contact contact : made) {
      contacts
          .computeIfAbsent(account, a -> new ConcurrentHashMap<>())
          .put(contact.resourceName, contact);
      changed(account, contact, Instant.now());
      created.add(
          JSON.createObjectBuilder()
              .add("httpStatusCode", 200)
              .add("person", personJson(contact, mask))
              .add("requestedResourceName", contact.resourceName)
              .add("status", JsonValue.EMPTY_JSON_OBJECT));
    }
    if (fake.googleContactAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(exchange, 503, googleError(503, "The service is currently unavailable.", "UNAVAILABLE"));
      return;
    }
    send(
        exchange, 200, JSON.createObjectBuilder().add("createdPeople", created).build().toString());
  }

  private void updateContact(
      HttpExchange exchange, String account, Contact contact, Map<String, String> q)
      throws IOException {
    String update = q.get("updatePersonFields");
    if (update == null || update.isEmpty()) {
      send(
          exchange,
          400,
          googleError(400, "updatePersonFields mask is required.", "INVALID_ARGUMENT"));
      return;
    }
    Runnable meanwhile = beforeUpdate.remove(account);
    if (meanwhile != null) {
      meanwhile.run();
    }
    JsonObject body = JSON.createReader(requestBody(exchange)).readObject();
    String etag = body.getString("etag", null);
    if (etag == null) {
      send(
          exchange,
          400,
          googleError(
              400,
              "Request must set person.etag or person.metadata.sources.etag for the source that"
                  + " is being updated.",
              "INVALID_ARGUMENT"));
      return;
    }
    if (!etag.equals(contact.etag())) {
      send(
          exchange,
          400,
          googleError(
              400,
              "Request person.etag is different than the current person.etag. Clear local cache"
                  + " and get the latest person.",
              "FAILED_PRECONDITION"));
      return;
    }
    String invalid = apply(account, contact, body, List.of(update.split(",")), false);
    if (invalid != null) {
      send(exchange, 400, googleError(400, invalid, "INVALID_ARGUMENT"));
      return;
    }
    changed(account, contact, Instant.now());
    String fields = q.getOrDefault("personFields", "");
    send(exchange, 200, personJson(contact, fields.isEmpty() ? null : fields).toString());
  }

  /** Writes the named fields of the body to the contact (absent ones are cleared). */
  private String apply(
      String account, Contact contact, JsonObject body, List<String> names, boolean create) {
    for (String name : names) {
      if (CONTACT_FIELDS.contains(name)) {
        JsonArray value =
            body.containsKey(name) ? body.getJsonArray(name) : JsonValue.EMPTY_JSON_ARRAY;
        if (name.equals("names") && value.size() > 1) {
          return "Only one name may be set on a contact.";
        }
        contact.fields.put(name, value);
      } else if (!name.equals("memberships") && !name.equals("clientData")) {
        return "Invalid updatePersonFields mask path: \"" + name + "\".";
      }
    }
    if (create || names.contains("memberships")) {
      contact.groups.clear();
      for (JsonObject m :
          body.getJsonArray("memberships") == null
              ? List.<JsonObject>of()
              : body.getJsonArray("memberships").getValuesAs(JsonObject.class)) {
        String group =
            m.getJsonObject("contactGroupMembership").getString("contactGroupResourceName");
        if (!group.equals("contactGroups/myContacts")
            && !groups.getOrDefault(account, Map.of()).containsKey(group)) {
          return "Contact group not found: " + group;
        }
        contact.groups.add(group);
      }
    }
    if (create || names.contains("clientData")) {
      contact.clientData.clear();
      for (JsonObject d :
          body.getJsonArray("clientData") == null
              ? List.<JsonObject>of()
              : body.getJsonArray("clientData").getValuesAs(JsonObject.class)) {
        contact.clientData.put(d.getString("key"), d.getString("value", ""));
      }
    }
    return null;
  }

  void changed(String account, Contact contact, Instant at) {
    contact.seq = log.incrementAndGet();
    contact.updated = at.truncatedTo(ChronoUnit.MILLIS);
    events
        .computeIfAbsent(account, a -> new CopyOnWriteArrayList<>())
        .add(new Event(contact.seq, contact.resourceName));
  }

  private static JsonObjectBuilder source(Contact contact) {
    return JSON.createObjectBuilder()
        .add("type", "CONTACT")
        .add("id", contact.id())
        .add("etag", "#" + contact.etag().substring(1))
        .add("updateTime", contact.updated.toString());
  }

  /** The person as the API shows it, with only the fields the mask names (all when null). */
  static JsonObject personJson(Contact contact, String personFields) {
    List<String> wanted =
        personFields == null
            ? List.of(
                "names",
                "emailAddresses",
                "phoneNumbers",
                "organizations",
                "memberships",
                "clientData",
                "metadata")
            : List.of(personFields.split(","));
    JsonObject fieldMetadata =
        JSON.createObjectBuilder()
            .add("primary", true)
            .add(
                "source", JSON.createObjectBuilder().add("type", "CONTACT").add("id", contact.id()))
            .build();
    JsonObjectBuilder json =
        JSON.createObjectBuilder()
            .add("resourceName", contact.resourceName)
            .add("etag", contact.etag());
    if (wanted.contains("metadata")) {
      json.add(
          "metadata",
          JSON.createObjectBuilder()
              .add("sources", JSON.createArrayBuilder().add(source(contact)))
              .add("objectType", "PERSON"));
    }
    for (String name : CONTACT_FIELDS) {
      JsonArray value = contact.fields.get(name);
      if (!wanted.contains(name) || value == null || value.isEmpty()) {
        continue; // Google leaves out empty fields
      }
      JsonArrayBuilder items = JSON.createArrayBuilder();
      for (JsonObject item : value.getValuesAs(JsonObject.class)) {
        JsonObjectBuilder shown = JSON.createObjectBuilder(item).add("metadata", fieldMetadata);
        if (name.equals("names")) {
          String display =
              (item.getString("givenName", "") + " " + item.getString("familyName", "")).strip();
          shown.add("displayName", display).add("unstructuredName", display);
        }
        if (item.containsKey("type")) {
          String type = item.getString("type");
          shown.add("formattedType", type.substring(0, 1).toUpperCase() + type.substring(1));
        }
        items.add(shown);
      }
      json.add(name, items);
    }
    if (wanted.contains("memberships")) {
      JsonArrayBuilder memberships = JSON.createArrayBuilder();
      for (String group : contact.groups) {
        memberships.add(
            JSON.createObjectBuilder()
                .add(
                    "metadata",
                    JSON.createObjectBuilder()
                        .add(
                            "source",
                            JSON.createObjectBuilder()
                                .add("type", "CONTACT")
                                .add("id", contact.id())))
                .add(
                    "contactGroupMembership",
                    JSON.createObjectBuilder()
                        .add("contactGroupId", group.substring("contactGroups/".length()))
                        .add("contactGroupResourceName", group)));
      }
      json.add("memberships", memberships);
    }
    if (wanted.contains("clientData") && !contact.clientData.isEmpty()) {
      JsonArrayBuilder data = JSON.createArrayBuilder();
      contact.clientData.forEach(
          (key, value) ->
              data.add(
                  JSON.createObjectBuilder()
                      .add("metadata", fieldMetadata)
                      .add("key", key)
                      .add("value", value)));
      json.add("clientData", data);
    }
    return json.build();
  }

  private static String missingPersonFields() {
    return googleError(
        400,
        "personFields mask is required. Please specify one or more valid paths.",
        "INVALID_ARGUMENT");
  }

  /** Google's answer to an expired sync token: FAILED_PRECONDITION with an ErrorInfo reason. */
  private static String expiredSyncToken() {
    String message =
        "Sync token is expired. Clear local cache and retry call without the sync token.";
    JsonObject error =
        JSON.createReader(
                new java.io.StringReader(googleError(400, message, "FAILED_PRECONDITION")))
            .readObject()
            .getJsonObject("error");
    return JSON.createObjectBuilder()
        .add(
            "error",
            JSON.createObjectBuilder(error)
                .add(
                    "details",
                    JSON.createArrayBuilder()
                        .add(
                            JSON.createObjectBuilder()
                                .add("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                                .add("reason", "EXPIRED_SYNC_TOKEN")
                                .add("domain", "people.googleapis.com")
                                .add(
                                    "metadata",
                                    JSON.createObjectBuilder()
                                        .add("service", "people.googleapis.com")
                                        .add(
                                            "method",
                                            "google.people.v1.PeopleService.ListConnections")))))
        .build()
        .toString();
  }

  /** A contact as a person makes it in Google Contacts, in the group; answers its resource name. */
  String add(String account, String group, String givenName, String familyName, String email) {
    Contact contact =
        new Contact(
            "people/c" + Long.toUnsignedString(UUID.randomUUID().getLeastSignificantBits()));
    contact.fields.put(
        "names",
        JSON.createArrayBuilder()
            .add(
                JSON.createObjectBuilder()
                    .add("givenName", givenName)
                    .add("familyName", familyName))
            .build());
    contact.fields.put(
        "emailAddresses",
        JSON.createArrayBuilder()
            .add(JSON.createObjectBuilder().add("value", email).add("type", "home"))
            .build());
    contact.groups.add("contactGroups/myContacts");
    if (group != null) {
      contact.groups.add(group);
    }
    contacts
        .computeIfAbsent(account, a -> new ConcurrentHashMap<>())
        .put(contact.resourceName, contact);
    changed(account, contact, Instant.now());
    return contact.resourceName;
  }

  Map<String, Contact> of(String account) {
    return contacts.getOrDefault(account, Map.of());
  }
}
