package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google (OAuth, JWKS, Gmail) and Microsoft (Entra ID, JWKS, Graph) as Mailbridge calls them, on
 * the port the build reserved ({@code IT_FAKE_PROVIDERS_PORT}), where the suite's configuration
 * points Mailbridge: one HTTP router in front of one handler per vendor and API ({@link
 * GoogleOAuth}, {@link EntraEndpoints}, {@link AuthorizationServer}, {@link JwksEndpoints}, {@link
 * GmailApi}, {@link GraphApi}), each in the vendor's wire format. This class holds what the tests
 * set up and look at (apps, accounts, tenants, mailboxes, tokens). One instance serves the whole
 * suite; tests use their own clients and accounts.
 */
public final class FakeProviders {

  public static final String GMAIL_MODIFY = "https://www.googleapis.com/auth/gmail.modify";
  private static final Pattern MS_PATH =
      Pattern.compile(
          "^/microsoft/([^/]+)/(oauth2/v2\\.0/authorize|oauth2/v2\\.0/token|discovery/v2\\.0/keys|discovery/keys|v2\\.0/adminconsent)$");
  private static final Pattern GMAIL_MESSAGE =
      Pattern.compile("^/google/gmail/v1/users/me/messages/([^/]+)(/modify)?$");

  private static FakeProviders instance;

  private final HttpServer server;
  final String base;
  final RSAKey googleKey = FakeHttp.newKey("google-1");
  volatile RSAKey microsoftKey = FakeHttp.newKey("microsoft-1");

  /** How often Microsoft's key sets were fetched. */
  public final AtomicInteger microsoftKeyFetches = new AtomicInteger();

  /** What an access or refresh token stands for. */
  public record Token(
      String provider, String clientId, String account, String grantId, Instant expiresAt) {}

  /** A Gmail message of one account. */
  public record GmailMessage(byte[] raw, Set<String> labelIds) {}

  // Registered apps: client id -> secret, or client id -> certificate key (Microsoft).
  public final Map<String, String> clientSecrets = new ConcurrentHashMap<>();
  public final Map<String, RSAPublicKey> clientCertificates = new ConcurrentHashMap<>();

  /**
   * The scopes of each access token (space-separated; Entra's {@code scp}, lower-cased, for
   * Microsoft): what its grant was consented. The fake Graph refuses {@code sendMail} without
   * {@code mail.send}, and the fake calendars refuse a token without their scopes. The fake's
   * tokens stay opaque, so the claim is kept here instead of inside the token.
   */
  public final Map<String, String> accessTokenScopes = new ConcurrentHashMap<>();

  /** The scopes each grant (by grant id) was consented, as the token endpoint answered them. */
  public final Map<String, String> grantScopes = new ConcurrentHashMap<>();

  /** Scopes an account grants on the consent screen, when not everything that was asked. */
  public final Map<String, String> grantedScopes = new ConcurrentHashMap<>();

  /**
   * Who signs in on the consent screen of an app (by client id) when the request names nobody
   * ({@code login_hint}): a real browser cannot add the hint the HTTP tests add.
   */
  public final Map<String, String> signedInAccounts = new ConcurrentHashMap<>();

  /** The Entra tenant of an account. */
  public final Map<String, String> tenants = new ConcurrentHashMap<>();

  final Map<String, Token> accessTokens = new ConcurrentHashMap<>();
  final Map<String, Token> refreshTokens = new ConcurrentHashMap<>();
  final Set<String> revokedGrants = ConcurrentHashMap.newKeySet();

  /** Seconds an access token lives. */
  public volatile int accessTokenSeconds = 3600;

  /** How long the token endpoint takes for a refresh, so concurrent refreshes would overlap. */
  public volatile long refreshDelayMillis = 0;

  /** Whether a refresh hands out a new refresh token and retires the old one. */
  public volatile boolean rotateRefreshTokens = false;

  /** Whether the revocation endpoints answer 503. */
  public volatile boolean revocationDown = false;

  public final Map<String, AtomicInteger> refreshesByClient = new ConcurrentHashMap<>();
  public final List<String> refreshTokensPresented = new CopyOnWriteArrayList<>();
  public final List<String> revokedTokens = new CopyOnWriteArrayList<>();
  public final List<String> graphRevocations = new CopyOnWriteArrayList<>();
  public final List<String> gmailRequests = new RequestLog();
  public final Map<String, Map<String, GmailMessage>> gmail = new ConcurrentHashMap<>();
  public final Map<String, Map<String, String>> gmailLabels = new ConcurrentHashMap<>();

  /**
   * How many of the next {@code messages.send} calls Gmail takes (sent, labelled SENT) while the
   * caller sees 503, as when the answer is lost on the way back.
   */
  public final AtomicInteger gmailSendAnswersLost = new AtomicInteger();

  /**
   * Message ids whose next {@code messages.get} answers 429 with this Retry-After (seconds), once.
   */
  public final Map<String, Integer> gmailBusyOnce = new ConcurrentHashMap<>();

  /** Message ids listed as usual whose {@code messages.get} answers 404, as after a deletion. */
  public final Set<String> gmailGoneOnRead = ConcurrentHashMap.newKeySet();

  /**
   * Message ids whose metadata is answered as usual but whose read in full ({@code format=full} or
   * {@code raw}) answers 404, as for a message deleted between its description and its read.
   */
  public final Set<String> gmailGoneOnFullRead = ConcurrentHashMap.newKeySet();

  /** Message ids whose next read in full answers 429 with this Retry-After (seconds), once. */
  public final Map<String, Integer> gmailBusyOnceOnFullRead = new ConcurrentHashMap<>();

  /**
   * The Gmail batch requests that came, each as its calls ("GET /google/gmail/v1/…"), one per line.
   */
  public final List<String> gmailBatches = new RequestLog();

  /** account (lower case) → how many of its next Gmail API requests answer 429. */
  private final Map<String, AtomicInteger> gmailRefusals = new ConcurrentHashMap<>();

  private volatile int gmailRetryAfterSeconds = 60;

  /**
   * The account's next {@code count} Gmail API requests answer 429 {@code rateLimitExceeded}
   * ("User-rate limit exceeded", {@code RESOURCE_EXHAUSTED}) with this Retry-After, as Gmail does
   * past the per-user quota (developers.google.com/gmail/api/guides/handle-errors).
   */
  public void refuseGmailQuota(String account, int count, int retryAfterSeconds) {
    gmailRetryAfterSeconds = retryAfterSeconds;
    gmailRefusals.put(account.toLowerCase(Locale.ROOT), new AtomicInteger(count));
  }

  /** How many 429s are still set for the account: a request made meanwhile used one up. */
  public int gmailRefusalsLeft(String account) {
    AtomicInteger left = gmailRefusals.get(account.toLowerCase(Locale.ROOT));
    return left == null ? 0 : left.get();
  }

  private boolean refusedByGmailQuota(HttpExchange exchange) throws IOException {
    if (gmailRefusals.isEmpty()) {
      return false;
    }
    Token token = authorization.bearer(exchange);
    AtomicInteger left =
        token == null ? null : gmailRefusals.get(token.account().toLowerCase(Locale.ROOT));
    if (left == null || left.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
      return false;
    }
    exchange.getResponseHeaders().set("Retry-After", String.valueOf(gmailRetryAfterSeconds));
    String message = "User-rate limit exceeded.  Retry after " + gmailRetryAfterSeconds + "s";
    FakeHttp.send(
        exchange,
        429,
        FakeHttp.googleError(
            429, message, "RESOURCE_EXHAUSTED", "usageLimits", "rateLimitExceeded"));
    return true;
  }

  /** The Message-IDs of the messages an account sent through {@code messages.send}, in order. */
  public final Map<String, List<String>> gmailSent = new ConcurrentHashMap<>();

  /**
   * Whether the request lists ({@link #graphRequests}, {@link #gmailRequests}, {@link
   * #graphPreferHeaders}) keep what arrives; a benchmark's hundreds of thousands of calls would not
   * fit, and copying such a list at every call would time the copy.
   */
  public volatile boolean keepRequests = true;

  /** A list of requests that keeps nothing while {@link #keepRequests} is off. */
  private final class RequestLog extends CopyOnWriteArrayList<String> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean add(String request) {
      return keepRequests && super.add(request);
    }
  }

  /**
   * The full MIME of a message a benchmark stored only the headers of, made when {@code $value} or
   * {@code format=raw} is read, from the message id and the stored bytes; null when every stored
   * message is whole. A generated mailbox of gigabytes then never sits in memory.
   */
  public volatile java.util.function.BiFunction<String, byte[], byte[]> wholeMessages;

  /** The message as Graph's {@code $value} or Gmail's {@code raw} serve it. */
  byte[] whole(String id, byte[] stored) {
    java.util.function.BiFunction<String, byte[], byte[]> whole = wholeMessages;
    return whole == null ? stored : whole.apply(id, stored);
  }

  /**
   * A live access token the fake issued to the account (a benchmark's own client reads with it).
   */
  public String accessTokenOf(String account) {
    return accessTokens.entrySet().stream()
        .filter(e -> e.getValue().account().equals(account))
        .filter(e -> isAccessTokenLive(e.getKey()))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no live access token for the account"));
  }

  private FakeProviders(HttpServer server) {
    this.server = server;
    this.base = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /** The suite's one fake, started on first use. */
  public static synchronized FakeProviders get() {
    if (instance == null) {
      String port = System.getenv("IT_FAKE_PROVIDERS_PORT");
      if (port == null) {
        throw new IllegalStateException("IT_FAKE_PROVIDERS_PORT is not set (see failsafe's env)");
      }
      instance = start(Integer.parseInt(port));
    }
    return instance;
  }

  /** A fake of its own on this port (benchmarks). */
  public static FakeProviders start(int port) {
    try {
      return new FakeProviders(HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the fake providers on " + port, e);
    }
  }

  public void stop() {
    server.stop(0);
  }

  public String base() {
    return base;
  }

  public int refreshes(String clientId) {
    return refreshesByClient.computeIfAbsent(clientId, k -> new AtomicInteger()).get();
  }

  /** Adds a message to an account's Gmail. */
  public void addGmailMessage(String account, String id, byte[] raw, String... labels) {
    gmail
        .computeIfAbsent(account, k -> new ConcurrentHashMap<>())
        .put(id, new GmailMessage(raw, ConcurrentHashMap.newKeySet()));
    gmail.get(account).get(id).labelIds().addAll(List.of(labels));
  }

  public boolean isRefreshTokenLive(String token) {
    Token t = refreshTokens.get(token);
    return t != null && !revokedGrants.contains(t.grantId());
  }

  /** Every access and refresh token handed to this account, live or not. */
  public List<String> tokensIssuedTo(String account) {
    List<String> out = new java.util.ArrayList<>();
    accessTokens.forEach(
        (t, info) -> {
          if (info.account().equals(account)) out.add(t);
        });
    refreshTokens.forEach(
        (t, info) -> {
          if (info.account().equals(account)) out.add(t);
        });
    return out;
  }

  /** Ends every grant of an account, as the user removing the app at the provider would. */
  public void revokeAllOf(String account) {
    refreshTokens.values().stream()
        .filter(t -> t.account().equals(account))
        .forEach(t -> revokedGrants.add(t.grantId()));
  }

  /** Ends every token of a grant, as a user removing the app at the provider would. */
  public void revokeGrantOf(String refreshToken) {
    Token t = refreshTokens.get(refreshToken);
    if (t != null) {
      revokedGrants.add(t.grantId());
    }
  }

  // ---------------------------------------------------------------- Workspace delegation

  /** A service account Google knows: the public part of its key, and its OAuth client id. */
  public record ServiceAccount(
      String clientEmail, String keyId, String clientId, RSAPublicKey publicKey) {}

  /** Service accounts by client email. */
  public final Map<String, ServiceAccount> serviceAccounts = new ConcurrentHashMap<>();

  /** Client ids a Workspace super admin authorized for domain-wide delegation, with the scopes. */
  public final Map<String, Set<String>> delegatedScopes = new ConcurrentHashMap<>();

  /** Each delegated token handed out: {@code clientEmail sub scope}. */
  public final List<String> delegationGrants = new CopyOnWriteArrayList<>();

  /** Refused JWT-bearer grants (bad signature, claims, or no delegation). */
  public final AtomicInteger delegationRefusals = new AtomicInteger();

  /**
   * A new service account with a new key; answers the JSON key file Google issues for it. With
   * {@code delegatedScope}, a Workspace admin authorized its client id for that scope.
   */
  public String newServiceAccountKey(String clientEmail, String delegatedScope) {
    return newServiceAccountKeyAuthorizedFor(
        clientEmail, delegatedScope == null ? Set.of() : Set.of(delegatedScope));
  }

  /**
   * A new service account with a new key whose client id a Workspace admin authorized for {@code
   * delegatedScopes} (none: not authorized at all); answers the JSON key file Google issues.
   */
  public String newServiceAccountKeyAuthorizedFor(String clientEmail, Set<String> delegatedScopes) {
    try {
      java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      java.security.KeyPair pair = generator.generateKeyPair();
      String keyId = UUID.randomUUID().toString().replace("-", "");
      String clientId = String.valueOf(100000000000000000L + (long) (Math.random() * 1e17));
      serviceAccounts.put(
          clientEmail,
          new ServiceAccount(clientEmail, keyId, clientId, (RSAPublicKey) pair.getPublic()));
      if (!delegatedScopes.isEmpty()) {
        this.delegatedScopes.put(clientId, Set.copyOf(delegatedScopes));
      }
      String base64 =
          java.util.Base64.getMimeEncoder(
                  64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .encodeToString(pair.getPrivate().getEncoded());
      return JSON.createObjectBuilder()
          .add("type", "service_account")
          .add("project_id", "mailbridge-it")
          .add("private_key_id", keyId)
          .add(
              "private_key",
              "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n")
          .add("client_email", clientEmail)
          .add("client_id", clientId)
          .add("auth_uri", "https://accounts.google.com/o/oauth2/auth")
          .add("token_uri", "https://oauth2.googleapis.com/token")
          .add("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs")
          .add("universe_domain", "googleapis.com")
          .build()
          .toString();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- the router

  final AuthorizationServer authorization = new AuthorizationServer(this);
  final EntraEndpoints entra = new EntraEndpoints(this);
  final GoogleOAuth google = new GoogleOAuth(this);
  private final JwksEndpoints keys = new JwksEndpoints(this);
  private final GmailApi gmailApi = new GmailApi(this);
  private final GoogleBatch gmailBatch = new GoogleBatch(this::handle, gmailBatches);
  private final GraphApi graphApi = new GraphApi(this);
  private final GraphDelta graphDelta = new GraphDelta(this);
  private final GraphCalendarDelta graphCalendarDelta = new GraphCalendarDelta(this);
  private final GraphDirectory directory = new GraphDirectory(this);
  private final GraphContacts contacts = new GraphContacts(this);
  private final GooglePeople people = new GooglePeople(this);
  private final TestControl control = new TestControl(this);
  private final CalendarApis calendarApis = new CalendarApis(this);
  private final GraphEventWrites graphEventWrites = new GraphEventWrites(this, calendarApis);
  private final GoogleCalendarEvents googleCalendarEvents = new GoogleCalendarEvents(this);

  /** The per-mailbox limits a test imposes on its accounts (none by default). */
  public final ProviderQuotas quotas = new ProviderQuotas(this);

  /** Every request the fake received, by operation (method and path, ids as {@code {id}}). */
  public final ProviderCalls calls = new ProviderCalls();

  /** Each request, first held to its account's quota when a test set one. */
  private void handle(HttpExchange exchange) throws IOException {
    calls.count(
        ProviderCalls.operationOf(exchange.getRequestMethod(), exchange.getRequestURI().getPath()));
    ProviderQuotas.Place place = quotas.admit(exchange, exchange.getRequestURI().getPath());
    if (place == null) {
      exchange.close(); // answered 429
      return;
    }
    try (place) {
      route(exchange);
    }
  }

  /** Each request to the vendor and API its path names; the paths are the vendors' own. */
  private void route(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Matcher ms = MS_PATH.matcher(path);
      Matcher message = GMAIL_MESSAGE.matcher(path);
      Matcher delta = GraphDelta.DELTA.matcher(path);
      Matcher userDelta = GraphDelta.USER_DELTA.matcher(path);
      Matcher calendarDelta = GraphCalendarDelta.DELTA.matcher(path);
      Matcher userMessage = USER_MESSAGE.matcher(path);
      Matcher members = GraphDirectory.MEMBERS.matcher(path);
      Matcher subscription = GraphDelta.SUBSCRIPTION.matcher(path);
      Matcher folder = GraphDelta.FOLDER.matcher(path);
      Matcher contactFolders = GraphContacts.PATH.matcher(path);
      if (path.startsWith("/google/gmail/v1/users/me/") && refusedByGmailQuota(exchange)) {
        return;
      }
      if (path.startsWith("/__test/")) {
        control.control(exchange, path.substring("/__test/".length()));
      } else if (path.equals(GoogleBatch.PATH)) {
        gmailBatch.handle(exchange);
      } else if (GooglePeople.handles(path)) {
        people.handle(exchange);
      } else if (contactFolders.matches()) {
        contacts.handle(exchange, contactFolders.group(1), contactFolders.group(2));
      } else if (path.equals("/google/o/oauth2/v2/auth")) {
        google.authorize(exchange);
      } else if (path.equals("/google/token")) {
        google.token(exchange);
      } else if (path.equals("/google/revoke")) {
        google.revoke(exchange);
      } else if (path.equals("/google/oauth2/v3/certs")) {
        keys.google(exchange);
      } else if (ms.matches()) {
        switch (ms.group(2)) {
          case "oauth2/v2.0/authorize" -> entra.authorize(exchange, ms.group(1));
          case "oauth2/v2.0/token" -> entra.token(exchange, ms.group(1));
          case "v2.0/adminconsent" -> entra.adminConsent(exchange);
          default -> keys.microsoft(exchange);
        }
      } else if (path.equals("/graph/v1.0/me/revokeSignInSessions")) {
        graphApi.graphRevoke(exchange);
      } else if (delta.matches()) {
        graphDelta.delta(exchange, delta.group(1));
      } else if (userDelta.matches()) {
        graphDelta.delta(exchange, userDelta.group(2), userDelta.group(1));
      } else if (calendarDelta.matches()) {
        graphCalendarDelta.delta(exchange, calendarDelta.group(2));
      } else if (userMessage.matches()) {
        graphApi.graphMessage(exchange, userMessage.group(2), userMessage.group(1));
      } else if (members.matches()) {
        directory.members(exchange, members.group(1), members.group(2));
      } else if (path.equals("/graph/v1.0/groups")) {
        directory.groups(exchange);
      } else if (path.equals("/graph/v1.0/subscriptions")) {
        graphDelta.subscribe(exchange);
      } else if (path.equals("/graph/v1.0/me/calendar/getSchedule")) {
        calendarApis.graphSchedule(exchange);
      } else if (GraphEventWrites.PATH.matcher(path).matches()) {
        graphEventWrites.handle(exchange);
      } else if (path.equals("/google/calendar/v3/freeBusy")) {
        calendarApis.googleFreeBusy(exchange);
      } else if (path.equals("/google/calendar/v3/calendars/primary/events/watch")) {
        googleCalendarEvents.watch(exchange);
      } else if (path.equals("/google/calendar/v3/channels/stop")) {
        googleCalendarEvents.stopChannel(exchange);
      } else if (path.equals("/google/calendar/v3/calendars/primary/events")
          && "GET".equals(exchange.getRequestMethod())) {
        googleCalendarEvents.list(exchange);
      } else if (path.equals("/google/calendar/v3/calendars/primary/events")) {
        JsonObject body = googleCalendarEvents.readBody(exchange);
        if (body != null && body.containsKey("extendedProperties")) {
          googleCalendarEvents.insert(exchange, body);
        } else if (body != null) {
          calendarApis.googleInsertEvent(exchange, body);
        }
      } else if (GoogleCalendarEvents.EVENT.matcher(path).matches()) {
        googleCalendarEvents.event(exchange);
      } else if (subscription.matches()) {
        graphDelta.renew(exchange, subscription.group(1));
      } else if (folder.matches()) {
        graphDelta.folder(exchange, folder.group(2), folder.group(3));
      } else if (path.equals("/graph/v1.0/me/sendMail")) {
        graphApi.sendMail(exchange);
      } else if (path.equals("/graph/v1.0/me/mailFolders/sentitems/messages")) {
        graphApi.sentItems(exchange);
      } else if (path.equals("/google/gmail/v1/users/me/messages/send")) {
        gmailApi.sendMessage(exchange);
      } else if (path.startsWith("/graph/v1.0/me/messages/")) {
        graphApi.graphMessage(exchange, path.substring("/graph/v1.0/me/messages/".length()));
      } else if (message.matches()) {
        gmailApi.gmailMessage(exchange, message.group(1), message.group(2) != null);
      } else if (path.equals("/google/gmail/v1/users/me/messages")) {
        gmailApi.list(exchange);
      } else if (path.equals("/google/gmail/v1/users/me/history")) {
        gmailApi.history(exchange);
      } else if (path.equals("/google/gmail/v1/users/me/profile")) {
        gmailApi.profile(exchange);
      } else if (path.equals("/google/gmail/v1/users/me/watch")) {
        gmailApi.watch(exchange);
      } else if (path.equals("/google/gmail/v1/users/me/stop")) {
        gmailApi.stop(exchange);
      } else if (path.equals("/google/gmail/v1/users/me/labels")) {
        gmailApi.labelList(exchange);
      } else {
        FakeHttp.send(exchange, 404, FakeHttp.error("not_found", path));
      }
    } catch (RuntimeException | JOSEException e) {
      FakeHttp.send(exchange, 500, FakeHttp.error("server_error", e.toString()));
    }
  }

  // ---------------------------------------------------------------- Graph contacts

  /** One contact of a mailbox as Graph shows it (with {@code @odata.etag}, {@code changeKey}). */
  public jakarta.json.JsonObject graphContact(String account, String id) {
    GraphContacts.Contact c = contacts.contacts.getOrDefault(account, Map.of()).get(id);
    return c == null ? null : GraphContacts.contactJson(c, false).build();
  }

  /** The contacts in the account's folder of this name, as Graph shows them. */
  public List<jakarta.json.JsonObject> graphContactsIn(String account, String folderName) {
    String folder = graphContactFolder(account, folderName);
    List<jakarta.json.JsonObject> out = new java.util.ArrayList<>();
    contacts.contacts.getOrDefault(account, Map.of()).values().stream()
        .filter(c -> c.folder.equals(folder))
        .sorted(java.util.Comparator.comparing(c -> c.created))
        .forEach(c -> out.add(GraphContacts.contactJson(c, false).build()));
    return out;
  }

  /** The id of the account's contact folder of this name, or null. */
  public String graphContactFolder(String account, String folderName) {
    return contacts.folders.getOrDefault(account, Map.of()).entrySet().stream()
        .filter(e -> e.getValue().equals(folderName))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }

  /** The single-value extended properties of a contact. */
  public Map<String, String> graphContactProperties(String account, String id) {
    GraphContacts.Contact c = contacts.contacts.getOrDefault(account, Map.of()).get(id);
    return c == null ? Map.of() : Map.copyOf(c.properties);
  }

  /** Sets a single-value extended property of a contact, as another app would. */
  public void setGraphContactProperty(String account, String id, String property, String value) {
    contacts.contacts.get(account).get(id).properties.put(property, value);
  }

  /** A contact a person makes in Outlook, in the folder of this name; answers its id. */
  public String addGraphContact(
      String account, String folderName, String givenName, String surname, String email) {
    String folder = graphContactFolder(account, folderName);
    if (folder == null) {
      throw new IllegalArgumentException("No contact folder " + folderName);
    }
    GraphContacts.Contact c =
        new GraphContacts.Contact(
            "AAMkContact" + UUID.randomUUID().toString().replace("-", ""),
            folder,
            java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    c.fields.put("givenName", JSON.createValue(givenName));
    c.fields.put("surname", JSON.createValue(surname));
    c.fields.put(
        "emailAddresses",
        JSON.createArrayBuilder()
            .add(JSON.createObjectBuilder().add("name", email).add("address", email))
            .build());
    contacts.contacts.computeIfAbsent(account, a -> new ConcurrentHashMap<>()).put(c.id, c);
    contacts.changed(account, c, java.time.Instant.now());
    return c.id;
  }

  /** A person changes one Graph field of a contact in Outlook at {@code at}. */
  public void changeGraphContact(
      String account, String id, String field, jakarta.json.JsonValue value, java.time.Instant at) {
    GraphContacts.Contact c = contacts.contacts.get(account).get(id);
    c.fields.put(field, value);
    contacts.changed(account, c, at);
  }

  /** A person deletes a contact in Outlook. */
  public void deleteGraphContact(String account, String id) {
    contacts.remove(account, id);
  }

  /** Graph forgets every contact sync state it handed out (their links answer 410). */
  public void expireGraphContactTokens() {
    contacts.expireAll();
  }

  /**
   * At most this many contacts per contact delta page, whatever {@code Prefer: odata.maxpagesize}
   * asks for (10 unless a test or bench raises it: the ITs page through a few contacts).
   */
  public volatile int graphContactMaxPage = 10;

  /**
   * How many of the next contact creates ({@code POST .../contacts}) Graph makes while the caller
   * sees 500 {@code generalException}, as when the answer is lost after the write.
   */
  public final AtomicInteger graphContactAnswersLost = new AtomicInteger();

  /** Contact requests seen, as "METHOD path #account". */
  public List<String> graphContactRequests() {
    return List.copyOf(contacts.requests);
  }

  /** The most contact requests for the account Graph saw at the same time. */
  public int mostConcurrentContactRequests(String account) {
    return contacts.mostInFlight.getOrDefault(account, new AtomicInteger()).get();
  }

  /**
   * Holds every contact delta request until the returned latch is counted down; {@code arrived} is
   * counted down as each one reaches the hold.
   */
  public java.util.concurrent.CountDownLatch holdContactDelta(
      java.util.concurrent.CountDownLatch arrived) {
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    contacts.deltaArrived = arrived;
    contacts.deltaGate = gate;
    return gate;
  }

  /** Lets contact delta requests through again. */
  public void releaseContactDelta() {
    java.util.concurrent.CountDownLatch gate = contacts.deltaGate;
    contacts.deltaGate = null;
    contacts.deltaArrived = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  // ---------------------------------------------------------------- Google contacts

  /** The resource name of the account's user contact group of this name, or null. */
  public String googleContactGroup(String account, String name) {
    return people.groups.getOrDefault(account, Map.of()).entrySet().stream()
        .filter(e -> e.getValue().equals(name))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }

  /**
   * The live contacts in the account's contact group of this name, as the People API shows them.
   */
  public List<jakarta.json.JsonObject> googleContactsIn(String account, String groupName) {
    String group = googleContactGroup(account, groupName);
    List<jakarta.json.JsonObject> out = new java.util.ArrayList<>();
    people.of(account).values().stream()
        .filter(c -> !c.deleted && c.groups.contains(group))
        .sorted(java.util.Comparator.comparing(c -> c.seq))
        .forEach(c -> out.add(GooglePeople.personJson(c, null)));
    return out;
  }

  /** One live contact as the People API shows it, or null. */
  public jakarta.json.JsonObject googleContact(String account, String resourceName) {
    GooglePeople.Contact c = people.of(account).get(resourceName);
    return c == null || c.deleted ? null : GooglePeople.personJson(c, null);
  }

  /** A contact a person makes in Google Contacts, in the group of this name; answers its name. */
  public String addGoogleContact(
      String account, String groupName, String givenName, String familyName, String email) {
    String group = googleContactGroup(account, groupName);
    if (group == null) {
      throw new IllegalArgumentException("No contact group " + groupName);
    }
    return people.add(account, group, givenName, familyName, email);
  }

  /** A contact a person makes in Google Contacts outside any group of theirs. */
  public String addUngroupedGoogleContact(
      String account, String givenName, String familyName, String email) {
    return people.add(account, null, givenName, familyName, email);
  }

  /** A person replaces one People API field of a contact (e.g. organizations) at {@code at}. */
  public void changeGoogleContact(
      String account, String resourceName, String field, jakarta.json.JsonArray value, Instant at) {
    GooglePeople.Contact c = people.of(account).get(resourceName);
    c.fields.put(field, value);
    people.changed(account, c, at);
  }

  /** A person deletes a contact in Google Contacts. */
  public void deleteGoogleContact(String account, String resourceName) {
    GooglePeople.Contact c = people.of(account).get(resourceName);
    c.deleted = true;
    people.changed(account, c, Instant.now());
  }

  /**
   * Runs {@code edit} when the account's next updateContact arrives, before its etag is checked.
   */
  public void beforeNextGoogleContactUpdate(String account, Runnable edit) {
    people.beforeUpdate.put(account, edit);
  }

  /** Google forgets every contact sync token it handed out (they answer EXPIRED_SYNC_TOKEN). */
  public void expireGoogleSyncTokens() {
    people.expireAll();
  }

  /** The account's next {@code count} People requests answer 429 with this Retry-After. */
  public void refuseGooglePeopleQuota(String account, int count, int retryAfterSeconds) {
    people.quotaRetryAfterSeconds = retryAfterSeconds;
    people.quotaRefusals.put(account, new AtomicInteger(count));
  }

  /**
   * How many of the next {@code people:createContact} calls Google makes the contact for while the
   * caller sees 503 {@code UNAVAILABLE}, as when the answer is lost after the write.
   */
  public final AtomicInteger googleContactAnswersLost = new AtomicInteger();

  /** People API requests seen, as "METHOD path?query #account". */
  public List<String> googlePeopleRequests() {
    return List.copyOf(people.requests);
  }

  /** The most People API writes for the account the fake saw at the same time. */
  public int mostConcurrentGooglePeopleWrites(String account) {
    return people.mostWritesInFlight.getOrDefault(account, new AtomicInteger()).get();
  }

  private static final Pattern USER_MESSAGE =
      Pattern.compile("^/graph/v1\\.0/users/([^/]+)/messages/(.+)$");

  // ---------------------------------------------------------------- calendars

  /**
   * An event of an account's calendar: {@code status} is Graph's free/busy status ({@code free},
   * {@code tentative}, {@code busy}, {@code oof}, ...); {@code transactionId} the one Graph was
   * given when the event was made through {@code POST /me/events}.
   */
  public record CalendarItem(
      String id,
      String iCalUid,
      String subject,
      String location,
      String status,
      Instant start,
      Instant end,
      List<String> attendees,
      List<String> attendeeNames,
      String transactionId) {}

  /** Each account's calendar (by lower-cased address). */
  public final Map<String, List<CalendarItem>> calendars = new ConcurrentHashMap<>();

  /** Invitations the providers sent: "organizer -> attendee". */
  public final List<String> invitations = new CopyOnWriteArrayList<>();

  /** getSchedule and freeBusy queries answered. */
  public final AtomicInteger scheduleQueries = new AtomicInteger();

  /**
   * Every call that reached a calendar API with a valid token, refused or not: {@code "account
   * operation"} (lower-cased account; {@code getSchedule}, {@code events}, {@code freeBusy}, {@code
   * insertEvent}).
   */
  public final List<String> calendarCalls = new CopyOnWriteArrayList<>();

  /** The calendar calls that reached the fake for this account. */
  public List<String> calendarCallsOf(String account) {
    String prefix = account.toLowerCase(Locale.ROOT) + " ";
    return calendarCalls.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  public List<CalendarItem> calendarOf(String account) {
    return calendars.getOrDefault(account.toLowerCase(Locale.ROOT), List.of());
  }

  /** Puts an event in an account's calendar. */
  public void addCalendarItem(String account, CalendarItem item) {
    calendars
        .computeIfAbsent(account.toLowerCase(Locale.ROOT), a -> new CopyOnWriteArrayList<>())
        .add(item);
  }

  /** A busy event with this subject in an account's calendar. */
  public void addBusy(String account, String subject, Instant start, Instant end) {
    addCalendarItem(
        account,
        new CalendarItem(
            "AAMkBusy" + UUID.randomUUID().toString().replace("-", ""),
            UUID.randomUUID() + "@fake",
            subject,
            "Room 4.2, " + subject,
            "busy",
            start,
            end,
            List.of(),
            List.of(),
            null));
  }

  // ---------------------------------------------------------------- app-only access

  /** The tenant's directory: user object id → mail address. */
  public final Map<String, String> directoryUsers = new ConcurrentHashMap<>();

  /** Groups: object id → member object ids (a user's, or a nested group's). */
  public final Map<String, List<String>> groupMembers = new ConcurrentHashMap<>();

  /** Groups by mail address. */
  public final Map<String, String> groupMails = new ConcurrentHashMap<>();

  /** Members per page of {@code /groups/{id}/members}, small so tests page. */
  public volatile int groupMembersPageSize = 2;

  /** Tenants whose admin revoked the consent: client-credentials grants fail (AADSTS700016). */
  public final Set<String> tenantsWithoutAppConsent = ConcurrentHashMap.newKeySet();

  /** Client-credentials requests refused, all tenants. */
  public final AtomicInteger appTokenRefusals = new AtomicInteger();

  /** Client-credentials grants handed out, per tenant. */
  public final Map<String, AtomicInteger> appTokenGrants = new ConcurrentHashMap<>();

  /** A user in the directory; answers its object id. */
  public String addDirectoryUser(String address) {
    String id = UUID.randomUUID().toString();
    directoryUsers.put(id, address);
    return id;
  }

  /** A group with these members (object ids) and a mail address; answers its object id. */
  public String addGroup(String mail, List<String> memberIds) {
    String id = UUID.randomUUID().toString();
    groupMembers.put(id, new CopyOnWriteArrayList<>(memberIds));
    groupMails.put(mail.toLowerCase(Locale.ROOT), id);
    return id;
  }

  /**
   * The mailbox a Graph request reads: the token's own account for {@code /me}; for {@code
   * /users/{id | address}} with an app token, that user (by object id or address); null when the
   * token may not read it (a user's token for another mailbox).
   */
  String mailboxOf(Token token, String user) {
    if (token == null) {
      return null;
    }
    if (user == null) {
      return token.account();
    }
    if (!token.account().startsWith("app:")) {
      return user.equalsIgnoreCase(token.account()) ? token.account() : null;
    }
    String byId = directoryUsers.get(user);
    return byId != null ? byId : user.toLowerCase(Locale.ROOT);
  }

  /** Tenants whose admin never granted the Graph permissions: on-behalf-of fails with 65001. */
  public final Set<String> tenantsWithoutGraphConsent = ConcurrentHashMap.newKeySet();

  /** Tenants where on-behalf-of fails with a plain invalid_grant (an assertion it won't take). */
  public final Set<String> tenantsRefusingAssertions = ConcurrentHashMap.newKeySet();

  /**
   * Tenants whose Conditional Access wants multi-factor authentication for Graph: on-behalf-of
   * fails with a claims challenge unless the assertion's {@code amr} says {@code mfa}.
   */
  public final Set<String> tenantsRequiringMfa = ConcurrentHashMap.newKeySet();

  /**
   * Whether that failure is {@code invalid_grant} with AADSTS50076 and the challenge (as seen from
   * Entra) instead of the documented {@code interaction_required} with AADSTS50079.
   */
  public volatile boolean mfaAsInvalidGrant = false;

  /** The claims challenge the tenants above send (the shape of the on-behalf-of doc's example). */
  public static final String MFA_CLAIMS =
      "{\"access_token\":{\"polids\":{\"essential\":true,\"values\":[\"9ab03e19-ed42-4168-b6b7-7001fb3e933a\"]}}}";

  public final AtomicInteger onBehalfOfGrants = new AtomicInteger();

  // ---------------------------------------------------------------- Entra ID

  /** Publishes a new signing key in place of the current one, as Entra rolls keys over. */
  public RSAKey rollMicrosoftKey() {
    microsoftKey = FakeHttp.newKey("microsoft-" + UUID.randomUUID().toString().substring(0, 8));
    return microsoftKey;
  }

  public RSAKey microsoftKey() {
    return microsoftKey;
  }

  /** The user of a tenant whose tokens {@link #entraAccessToken} makes. */
  public static String entraUser(String tenant) {
    return "megan@" + tenant.substring(0, 8) + ".example";
  }

  /** A key Microsoft never published. */
  public static RSAKey strayKey() {
    return FakeHttp.newKey("stray-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * An Entra ID access token as nested app authentication hands it to the add-in, in the format
   * Entra would issue for this audience: v1.0 for an {@code api://} URI (an app registration that
   * does not ask for v2), else v2.0; the user is {@link #entraUser} of the tenant.
   */
  public String entraAccessToken(
      RSAKey key, String tenant, String audience, String scopes, String objectId, Instant expires)
      throws JOSEException {
    EntraClaims claims =
        audience.startsWith("api://")
            ? EntraClaims.v1(tenant, audience)
            : EntraClaims.v2(base, tenant, audience);
    return entraAccessToken(key, claims.scopes(scopes).user(objectId, entraUser(tenant)), expires);
  }

  /**
   * What an Entra access token for Mailbridge's API says (claims reference:
   * learn.microsoft.com/entra/identity-platform/access-token-claims-reference). v1.0: {@code iss}
   * {@code https://sts.windows.net/{tid}/}, the user in {@code upn} and {@code unique_name}; v2.0:
   * {@code iss} {@code {authority}/{tid}/v2.0}, the user in {@code preferred_username}.
   */
  public record EntraClaims(
      String version,
      String issuer,
      String tenant,
      String audience,
      String scopes,
      String objectId,
      String username,
      List<String> amr) {

    public static EntraClaims v1(String tenant, String audience) {
      return new EntraClaims(
          "1.0",
          "https://sts.windows.net/" + tenant + "/",
          tenant,
          audience,
          "access_as_user",
          "oid-" + tenant,
          entraUser(tenant),
          List.of("pwd"));
    }

    /** {@code fakeBase}: the fake's URL, which the suite configures as Microsoft's authority. */
    public static EntraClaims v2(String fakeBase, String tenant, String audience) {
      return new EntraClaims(
          "2.0",
          fakeBase + "/microsoft/" + tenant + "/v2.0",
          tenant,
          audience,
          "access_as_user",
          "oid-" + tenant,
          entraUser(tenant),
          List.of("pwd"));
    }

    public EntraClaims issuer(String value) {
      return new EntraClaims(version, value, tenant, audience, scopes, objectId, username, amr);
    }

    public EntraClaims version(String value) {
      return new EntraClaims(value, issuer, tenant, audience, scopes, objectId, username, amr);
    }

    public EntraClaims scopes(String value) {
      return new EntraClaims(version, issuer, tenant, audience, value, objectId, username, amr);
    }

    public EntraClaims user(String oid, String name) {
      return new EntraClaims(version, issuer, tenant, audience, scopes, oid, name, amr);
    }

    public EntraClaims amr(String... methods) {
      return new EntraClaims(
          version, issuer, tenant, audience, scopes, objectId, username, List.of(methods));
    }
  }

  public String entraAccessToken(RSAKey key, EntraClaims c, Instant expires) throws JOSEException {
    Instant issued = expires.minusSeconds(3600);
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(c.issuer())
            .audience(c.audience())
            .subject(UUID.randomUUID().toString())
            .issueTime(java.util.Date.from(issued))
            .notBeforeTime(java.util.Date.from(issued))
            .expirationTime(java.util.Date.from(expires))
            .claim("tid", c.tenant())
            .claim("oid", c.objectId())
            .claim("scp", c.scopes());
    if (c.version() != null) {
      claims.claim("ver", c.version());
    }
    if ("1.0".equals(c.version())) {
      // amr is a v1.0 claim; the fake's on-behalf-of reads it to decide whether MFA was done
      claims.claim("upn", c.username()).claim("unique_name", c.username()).claim("amr", c.amr());
    } else {
      claims.claim("preferred_username", c.username());
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            claims.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  // ---------------------------------------------------------------- Graph

  /** A file attachment of a Graph message. */
  public record GraphAttachment(String name, String contentType, byte[] bytes) {}

  /** A message in an account's Microsoft 365 mailbox. */
  public record GraphMessage(
      byte[] mime, Map<String, GraphAttachment> attachments, Map<String, String> properties) {}

  public final Map<String, Map<String, GraphMessage>> graphMessages = new ConcurrentHashMap<>();

  /** The MIME of each message an account sent through {@code sendMail}: its Sent Items. */
  public final Map<String, List<byte[]>> graphSentItems = new ConcurrentHashMap<>();

  /**
   * How many of the next {@code sendMail} calls Graph takes (the message is sent and in Sent Items)
   * while the caller sees 504, as when the answer is lost on the way back.
   */
  public final AtomicInteger graphSendAnswersLost = new AtomicInteger();

  /**
   * How many of the next {@code sendMail} calls fail before Graph takes the message (503 with
   * Retry-After), as a brief outage would.
   */
  public final AtomicInteger graphSendOutages = new AtomicInteger();

  /** How many {@code sendMail} calls were refused for a token without {@code Mail.Send}. */
  public final AtomicInteger graphSendsDenied = new AtomicInteger();

  /** The Message-IDs of an account's Sent Items, in the order sent (duplicates show twice). */
  public List<String> graphSentMessageIds(String account) {
    return graphSentItems.getOrDefault(account, List.of()).stream()
        .map(FakeProviders::messageIdOf)
        .toList();
  }

  /** The Message-ID header of a MIME message (with its angle brackets), or null. */
  public static String messageIdOf(byte[] mime) {
    String text = new String(mime, java.nio.charset.StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String head = end < 0 ? text : text.substring(0, end);
    Matcher m =
        Pattern.compile("(?im)^Message-ID:[ \\t]*(\\S+)").matcher(head.replace("\r\n ", " "));
    return m.find() ? m.group(1) : null;
  }

  public final List<String> graphRequests = new RequestLog();

  /** How many of the next Graph calls answer 429, and with which Retry-After. */
  public final AtomicInteger graphThrottle = new AtomicInteger();

  public volatile int graphRetryAfterSeconds = 1;

  /** How many of the next Graph delta calls fail with Graph's 500 {@code generalException}. */
  public final AtomicInteger graphFailures = new AtomicInteger();

  public void addGraphMessage(
      String account, String id, byte[] mime, Map<String, GraphAttachment> attachments) {
    graphMessages
        .computeIfAbsent(account, k -> new ConcurrentHashMap<>())
        .put(
            id,
            new GraphMessage(mime, new LinkedHashMap<>(attachments), new ConcurrentHashMap<>()));
  }

  /**
   * A message as Graph's delta describes it, at one point of the mailbox's change log: its folder
   * (well-known name), participants, received time and categories, or its removal.
   */
  public record GraphItem(
      long seq,
      String id,
      String folder,
      boolean removed,
      String internetMessageId,
      String subject,
      String from,
      List<String> to,
      Instant receivedAt,
      List<String> categories) {}

  /** A change-notification subscription Mailbridge opened. */
  public record GraphSubscription(
      String id,
      String account,
      String resource,
      String changeType,
      String notificationUrl,
      String clientState,
      String expirationDateTime) {}

  private final java.util.concurrent.atomic.AtomicLong graphLog =
      new java.util.concurrent.atomic.AtomicLong();

  /** Per account, every change in order (the latest entry of an id is its state). */
  public final Map<String, List<GraphItem>> graphChanges = new ConcurrentHashMap<>();

  public final Map<String, GraphSubscription> graphSubscriptions = new ConcurrentHashMap<>();

  /** When set, Graph shortens every new subscription to this lifetime, as it may. */
  public volatile java.time.Duration graphSubscriptionLifetime = null;

  /** Each {@code PATCH /subscriptions/{id}} as {@code id expirationDateTime}, in order. */
  public final List<String> graphSubscriptionRenewals = new CopyOnWriteArrayList<>();

  /** Each {@code DELETE /subscriptions/{id}} Graph honoured, as {@code id #account}, in order. */
  public final List<String> graphSubscriptionDeletions = new CopyOnWriteArrayList<>();

  /** Accounts whose {@code DELETE /subscriptions/{id}} answers 500. */
  public final Set<String> graphUnsubscribeFailing = ConcurrentHashMap.newKeySet();

  /**
   * Accounts for which Graph cannot reach the notification URL: its validation request fails and
   * {@code POST /subscriptions} answers 400.
   */
  public final Set<String> graphNotificationUrlUnreachable = ConcurrentHashMap.newKeySet();

  /** Skip and delta tokens that answer 410, as Graph does when it dropped the sync state. */
  public final Set<String> expiredGraphTokens = ConcurrentHashMap.newKeySet();

  /** The Prefer headers of every delta request, in order. */
  public final List<String> graphPreferHeaders = new RequestLog();

  /** At most this many messages per delta page, whatever Mailbridge prefers. */
  /**
   * Accounts whose message delta is broken: a page reached through a skip token comes back with its
   * changes and the very link it was asked with, so the reader's position never moves.
   */
  public final Set<String> graphDeltaStuck = ConcurrentHashMap.newKeySet();

  public volatile int graphDeltaMaxPage = 1000;

  /** Graph forgets every sync state it handed out so far (their links answer 410). */
  public void expireAllGraphTokens() {
    graphDelta.expireAll();
  }

  /**
   * An event of an account's primary calendar at one point of the change log (the log messages
   * use), or its removal.
   */
  public record GraphEvent(
      long seq,
      String account,
      String id,
      boolean removed,
      String iCalUid,
      String subject,
      Instant start,
      Instant end,
      String location,
      String organizer,
      List<String> attendees,
      String sensitivity,
      boolean cancelled,
      boolean online,
      String body,
      List<String> categories) {

    /** The same event with another subject and description, as a person edits it in Outlook. */
    public GraphEvent retitled(String newSubject, String newBody) {
      return new GraphEvent(
          0,
          account,
          id,
          false,
          iCalUid,
          newSubject,
          start,
          end,
          location,
          organizer,
          attendees,
          sensitivity,
          cancelled,
          online,
          newBody,
          categories);
    }

    /** The same event changed: moved, new attendees, cancelled, made private. */
    public GraphEvent with(
        Instant newStart,
        Instant newEnd,
        List<String> newAttendees,
        String newSensitivity,
        boolean nowCancelled) {
      return new GraphEvent(
          0,
          account,
          id,
          false,
          iCalUid,
          subject,
          newStart,
          newEnd,
          location,
          organizer,
          List.copyOf(newAttendees),
          newSensitivity,
          nowCancelled,
          online,
          body,
          categories);
    }
  }

  /** Per account, every calendar change in order (the latest entry of an id is its state). */
  public final Map<String, List<GraphEvent>> graphEvents = new ConcurrentHashMap<>();

  /** The Prefer headers of every calendar delta request, in order. */
  public final List<String> graphCalendarPreferHeaders = new CopyOnWriteArrayList<>();

  /** Each calendar delta request's window, as {@code account start end}. */
  public final List<String> graphCalendarWindows = new CopyOnWriteArrayList<>();

  /** Accounts whose calendar Graph refuses (403), as for a connection without Calendars.Read. */
  public final Set<String> graphCalendarForbidden = ConcurrentHashMap.newKeySet();

  /**
   * What Graph keeps of an event beside what capture's tests set: Mailbridge's extended property
   * (the CRM id), the zone its times were given in ({@code originalStartTimeZone}), its {@code
   * patternedRecurrence} when it is a series, the days ({@code yyyy-MM-dd}) of its cancelled and
   * moved (to start, end) occurrences, and {@code isAllDay} (its start and end then midnights in
   * its zone); by event id.
   */
  public record GraphEventExtra(
      String crmId,
      String timeZone,
      JsonObject recurrence,
      Set<String> cancelled,
      Map<String, List<Instant>> moved,
      boolean allDay) {

    public GraphEventExtra(String crmId, String timeZone, JsonObject recurrence) {
      this(
          crmId,
          timeZone,
          recurrence,
          ConcurrentHashMap.newKeySet(),
          new ConcurrentHashMap<>(),
          false);
    }

    /** The same event with another zone or recurrence; its exceptions stay. */
    public GraphEventExtra with(String newZone, JsonObject newRecurrence) {
      return new GraphEventExtra(crmId, newZone, newRecurrence, cancelled, moved, allDay);
    }

    /** The same event, all-day or timed. */
    public GraphEventExtra withAllDay(boolean nowAllDay) {
      return new GraphEventExtra(crmId, timeZone, recurrence, cancelled, moved, nowAllDay);
    }
  }

  /** Each event's extra state, by event id. */
  public final Map<String, GraphEventExtra> graphEventExtras = new ConcurrentHashMap<>();

  /**
   * The event each sync create's {@code transactionId} made, by "account|transactionId": Graph
   * answers a second create with the same one with that event.
   */
  final Map<String, String> graphEventTransactions = new ConcurrentHashMap<>();

  /**
   * How many of the next event creates ({@code POST /events} with Mailbridge's property) Graph
   * makes while the caller sees 500 {@code generalException}, as when the answer is lost after the
   * write.
   */
  public final AtomicInteger graphEventAnswersLost = new AtomicInteger();

  /** When each logged event state was written ({@code lastModifiedDateTime}), by its seq. */
  public final Map<Long, Instant> graphEventTimes = new ConcurrentHashMap<>();

  /** Every request to {@code /events} as {@code "METHOD uri #account"}. */
  public final List<String> graphEventRequests = new CopyOnWriteArrayList<>();

  /** The event's {@code changeKey} at this state of the log. */
  public static String graphChangeKey(long seq) {
    return "ZlnW4RIAV06KYYwlrfNZvQAAKGWwbw" + seq + "==";
  }

  /** The latest state of an event of the account, or null when it never was or is deleted. */
  public GraphEvent graphEvent(String account, String id) {
    GraphEvent latest = null;
    for (GraphEvent e : graphEvents.getOrDefault(account, List.of())) {
      if (e.id().equals(id)) {
        latest = e;
      }
    }
    return latest == null || latest.removed() ? null : latest;
  }

  /** The events of the account's calendar as they stand now. */
  public List<GraphEvent> graphCalendar(String account) {
    Map<String, GraphEvent> latest = new java.util.LinkedHashMap<>();
    for (GraphEvent e : graphEvents.getOrDefault(account, List.of())) {
      latest.put(e.id(), e);
    }
    return latest.values().stream().filter(e -> !e.removed()).toList();
  }

  /** Puts an event (new or changed, by its id) into the account's calendar; answers it. */
  public GraphEvent putGraphEvent(GraphEvent event) {
    GraphEvent logged =
        new GraphEvent(
            graphLog.incrementAndGet(),
            event.account(),
            event.id(),
            event.removed(),
            event.iCalUid(),
            event.subject(),
            event.start(),
            event.end(),
            event.location(),
            event.organizer(),
            event.attendees(),
            event.sensitivity(),
            event.cancelled(),
            event.online(),
            event.body(),
            event.categories());
    graphEventTimes.put(logged.seq(), Instant.now());
    graphEvents.computeIfAbsent(event.account(), k -> new CopyOnWriteArrayList<>()).add(logged);
    return logged;
  }

  /** Graph forgets every calendar delta token it handed out so far (410 from now on). */
  public void expireGraphCalendarTokens() {
    graphCalendarDelta.expireAll();
  }

  /** Holds calendar delta requests until {@link #releaseCalendarDelta}; counts {@code arrived}. */
  public void holdCalendarDelta(java.util.concurrent.CountDownLatch arrived) {
    graphCalendarDelta.arrived = arrived;
    graphCalendarDelta.gate = new java.util.concurrent.CountDownLatch(1);
  }

  /** Lets calendar delta requests through again. */
  public void releaseCalendarDelta() {
    java.util.concurrent.CountDownLatch gate = graphCalendarDelta.gate;
    graphCalendarDelta.gate = null;
    graphCalendarDelta.arrived = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  /** Deletes an event from the account's calendar: the next delta reports it removed. */
  public void removeGraphEvent(GraphEvent event) {
    putGraphEvent(
        new GraphEvent(
            0,
            event.account(),
            event.id(),
            true,
            event.iCalUid(),
            event.subject(),
            event.start(),
            event.end(),
            event.location(),
            event.organizer(),
            event.attendees(),
            event.sensitivity(),
            event.cancelled(),
            event.online(),
            event.body(),
            event.categories()));
  }

  // ---------------------------------------------------------------- Google Calendar events

  /**
   * An event of an account's primary Google calendar at one point of its change log: {@code
   * cancelled} is Google's {@code status: "cancelled"} with the event still described, {@code
   * deleted} an event of which Google tells only the id; {@code visibility} is {@code default},
   * {@code public}, {@code private} or {@code confidential}; {@code meet} gives it a Meet link; an
   * occurrence of a recurring meeting names its series ({@code recurringEventId}, whose {@code
   * iCalUID} every occurrence shares) and its {@code originalStart}.
   */
  public record GoogleEvent(
      long seq,
      String account,
      String id,
      boolean deleted,
      boolean cancelled,
      String iCalUid,
      String summary,
      Instant start,
      Instant end,
      String location,
      String organizer,
      List<String> attendees,
      String visibility,
      boolean meet,
      String description,
      String recurringEventId,
      Instant originalStart) {

    /** A single (not recurring) event. */
    public GoogleEvent(
        long seq,
        String account,
        String id,
        boolean deleted,
        boolean cancelled,
        String iCalUid,
        String summary,
        Instant start,
        Instant end,
        String location,
        String organizer,
        List<String> attendees,
        String visibility,
        boolean meet,
        String description) {
      this(
          seq,
          account,
          id,
          deleted,
          cancelled,
          iCalUid,
          summary,
          start,
          end,
          location,
          organizer,
          attendees,
          visibility,
          meet,
          description,
          null,
          null);
    }

    /** The same event changed: moved, new attendees, visibility, cancelled. */
    public GoogleEvent with(
        Instant newStart,
        Instant newEnd,
        List<String> newAttendees,
        String newVisibility,
        boolean nowCancelled) {
      return new GoogleEvent(
          0,
          account,
          id,
          false,
          nowCancelled,
          iCalUid,
          summary,
          newStart,
          newEnd,
          location,
          organizer,
          List.copyOf(newAttendees),
          newVisibility,
          meet,
          description,
          recurringEventId,
          originalStart);
    }

    /** The same event with another summary, location and description, as a person edits it. */
    public GoogleEvent edited(String newSummary, String newLocation, String newDescription) {
      return new GoogleEvent(
          0,
          account,
          id,
          false,
          cancelled,
          iCalUid,
          newSummary,
          start,
          end,
          newLocation,
          organizer,
          attendees,
          visibility,
          meet,
          newDescription,
          recurringEventId,
          originalStart);
    }

    /** The same event deleted: Google tells only its id. */
    public GoogleEvent deletedNow() {
      return new GoogleEvent(
          0,
          account,
          id,
          true,
          true,
          iCalUid,
          summary,
          start,
          end,
          location,
          organizer,
          attendees,
          visibility,
          meet,
          description,
          recurringEventId,
          originalStart);
    }
  }

  private final AtomicLong googleLog = new AtomicLong();

  /** Per account (lower-cased), every change of its Google calendar in order. */
  public final Map<String, List<GoogleEvent>> googleEvents = new ConcurrentHashMap<>();

  /** Every events.list request, as {@code account uri} (account lower-cased, or {@code -}). */
  public final List<String> googleCalendarRequests = new CopyOnWriteArrayList<>();

  /** The query parameters of each events.list request of this account, in order. */
  public List<Map<String, String>> googleCalendarQueriesOf(String account) {
    String prefix = account.toLowerCase(Locale.ROOT) + " ";
    return googleCalendarRequests.stream()
        .filter(r -> r.startsWith(prefix))
        .map(r -> FakeHttp.query(java.net.URI.create(r.substring(prefix.length())).getRawQuery()))
        .toList();
  }

  /**
   * An open Google Calendar channel: the account it watches, the watch request's body as sent and
   * the resource id the fake gave it.
   */
  public record GoogleChannel(String account, JsonObject request, String resourceId) {}

  /** The open calendar channels, by channel id. */
  public final Map<String, GoogleChannel> googleCalendarChannels = new ConcurrentHashMap<>();

  /** Every channels.stop request body, in order. */
  public final List<JsonObject> googleCalendarStops = new CopyOnWriteArrayList<>();

  /** The open calendar channels of this account. */
  public List<GoogleChannel> googleCalendarChannelsOf(String account) {
    return googleCalendarChannels.values().stream()
        .filter(c -> c.account().equalsIgnoreCase(account))
        .toList();
  }

  /** Each full list's window, as {@code account timeMin timeMax}. */
  public final List<String> googleCalendarWindows = new CopyOnWriteArrayList<>();

  /** At most this many events per page, whatever Mailbridge asks for. */
  public volatile int googleCalendarMaxPage = 2500;

  /** Puts an event (new or changed, by its id) into the account's Google calendar. */
  public GoogleEvent putGoogleEvent(GoogleEvent event) {
    String account = event.account().toLowerCase(Locale.ROOT);
    GoogleEvent logged =
        new GoogleEvent(
            googleLog.incrementAndGet(),
            account,
            event.id(),
            event.deleted(),
            event.cancelled(),
            event.iCalUid(),
            event.summary(),
            event.start(),
            event.end(),
            event.location(),
            event.organizer(),
            event.attendees(),
            event.visibility(),
            event.meet(),
            event.description(),
            event.recurringEventId(),
            event.originalStart());
    googleEventTimes.put(logged.seq(), Instant.now());
    googleEvents.computeIfAbsent(account, k -> new CopyOnWriteArrayList<>()).add(logged);
    return logged;
  }

  /**
   * What a Google event carries beyond {@link GoogleEvent}, by event id: its private extended
   * properties, the zone of its start and end, its {@code recurrence} lines (empty: a single
   * event), and whether it is all-day (date-only {@code start.date} and {@code end.date}; its start
   * and end kept as the dates' midnights in its zone, UTC when none).
   */
  public record GoogleEventExtra(
      Map<String, String> privateProperties,
      String timeZone,
      List<String> recurrence,
      boolean allDay) {

    /** A timed event's extras. */
    public GoogleEventExtra(
        Map<String, String> privateProperties, String timeZone, List<String> recurrence) {
      this(privateProperties, timeZone, recurrence, false);
    }
  }

  /** An edit a person makes just before the account's next events.patch, by account. */
  final Map<String, Runnable> googleEventEdits = new ConcurrentHashMap<>();

  /** Runs {@code edit} just before the next events.patch of this account's calendar. */
  public void beforeNextGoogleEventPatch(String account, Runnable edit) {
    googleEventEdits.put(account.toLowerCase(Locale.ROOT), edit);
  }

  /** Each Google event's extra state, by event id. */
  public final Map<String, GoogleEventExtra> googleEventExtras = new ConcurrentHashMap<>();

  /**
   * How many of the next {@code events.insert} calls Google makes the event for while the caller
   * sees 503 {@code backendError}, as when the answer is lost after the write.
   */
  public final AtomicInteger googleEventAnswersLost = new AtomicInteger();

  /** When each logged Google event state was written ({@code updated}), by its seq. */
  public final Map<Long, Instant> googleEventTimes = new ConcurrentHashMap<>();

  /**
   * Every events insert, get, patch, delete and instances request as {@code "METHOD uri #account"}.
   */
  public final List<String> googleEventRequests = new CopyOnWriteArrayList<>();

  /**
   * The latest state of an event of the account's Google calendar, or null when none or deleted.
   */
  public GoogleEvent googleEvent(String account, String id) {
    GoogleEvent latest = null;
    for (GoogleEvent e : googleEvents.getOrDefault(account.toLowerCase(Locale.ROOT), List.of())) {
      if (e.id().equals(id)) {
        latest = e;
      }
    }
    return latest == null || latest.deleted() ? null : latest;
  }

  /**
   * The events of the account's Google calendar as they stand now: single events and series (not
   * their changed occurrences), not deleted.
   */
  public List<GoogleEvent> googleCalendar(String account) {
    Map<String, GoogleEvent> latest = new java.util.LinkedHashMap<>();
    for (GoogleEvent e : googleEvents.getOrDefault(account.toLowerCase(Locale.ROOT), List.of())) {
      latest.put(e.id(), e);
    }
    return latest.values().stream()
        .filter(e -> !e.deleted() && !e.cancelled() && e.recurringEventId() == null)
        .toList();
  }

  /** The changed and cancelled occurrences of a Google series as they stand now. */
  public List<GoogleEvent> googleExceptions(String account, String seriesId) {
    Map<String, GoogleEvent> latest = new java.util.LinkedHashMap<>();
    for (GoogleEvent e : googleEvents.getOrDefault(account.toLowerCase(Locale.ROOT), List.of())) {
      if (seriesId.equals(e.recurringEventId())) {
        latest.put(e.id(), e);
      }
    }
    return List.copyOf(latest.values());
  }

  /** A person cancels one occurrence of a Google series, found by its original start. */
  public GoogleEvent cancelGoogleOccurrence(String account, String seriesId, Instant original) {
    GoogleEvent series = googleEvent(account, seriesId);
    java.time.Duration length = java.time.Duration.between(series.start(), series.end());
    return putGoogleEvent(
        new GoogleEvent(
            0,
            account,
            GoogleCalendarEvents.instanceId(seriesId, original),
            false,
            true,
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
            seriesId,
            original));
  }

  /**
   * Puts a new single meeting of 45 minutes, organized by the account, into its Google calendar;
   * answers it as logged.
   */
  public GoogleEvent putGoogleMeeting(
      String account, String summary, Instant start, List<String> attendees, String visibility) {
    String id = UUID.randomUUID().toString().replace("-", "");
    return putGoogleEvent(
        new GoogleEvent(
            0,
            account,
            id,
            false,
            false,
            id + "@google.com",
            summary,
            start,
            start.plus(java.time.Duration.ofMinutes(45)),
            "Room 4",
            account,
            attendees,
            visibility,
            true,
            "Agenda: " + summary));
  }

  /** Google forgets the sync tokens it gave for this account's calendar (410 from then on). */
  public void expireGoogleSyncTokens(String account) {
    googleCalendarEvents.expireSyncTokens(account);
  }

  long googleSeq() {
    return googleLog.get();
  }

  long graphSeq() {
    return graphLog.get();
  }

  /**
   * Puts a message into an account's mailbox folder ({@code inbox}, {@code sentitems}): its MIME
   * for {@code $value}, and an entry in the change log for the delta.
   */
  public void putGraphItem(
      String account,
      String id,
      String folder,
      String internetMessageId,
      String subject,
      String from,
      List<String> to,
      Instant receivedAt,
      List<String> categories,
      byte[] mime) {
    addGraphMessage(account, id, mime, Map.of());
    graphChanges
        .computeIfAbsent(account, k -> new CopyOnWriteArrayList<>())
        .add(
            new GraphItem(
                graphLog.incrementAndGet(),
                id,
                folder,
                false,
                internetMessageId,
                subject,
                from,
                List.copyOf(to),
                receivedAt,
                List.copyOf(categories)));
  }

  /** The user puts categories on a message: the next delta reports it updated. */
  public void categorizeGraphItem(String account, String id, List<String> categories) {
    GraphItem last = latest(account, id);
    graphChanges
        .get(account)
        .add(
            new GraphItem(
                graphLog.incrementAndGet(),
                id,
                last.folder(),
                false,
                last.internetMessageId(),
                last.subject(),
                last.from(),
                last.to(),
                last.receivedAt(),
                List.copyOf(categories)));
  }

  /** Deletes a message: the next delta reports it removed. */
  public void removeGraphItem(String account, String id) {
    GraphItem last = latest(account, id);
    graphChanges
        .get(account)
        .add(
            new GraphItem(
                graphLog.incrementAndGet(),
                id,
                last.folder(),
                true,
                null,
                null,
                null,
                List.of(),
                last.receivedAt(),
                List.of()));
  }

  private GraphItem latest(String account, String id) {
    List<GraphItem> log = graphChanges.getOrDefault(account, List.of());
    for (int i = log.size() - 1; i >= 0; i--) {
      if (log.get(i).id().equals(id)) {
        return log.get(i);
      }
    }
    throw new IllegalArgumentException("No Graph item " + id);
  }

  /**
   * The latest state of each item of the folder changed in (after, upTo], in change order; a full
   * round ({@code after} < 0) skips removed items and items received before {@code since}.
   */
  List<GraphItem> graphChangesIn(
      String account, String folder, long after, long upTo, Instant since) {
    Map<String, GraphItem> latest = new LinkedHashMap<>();
    for (GraphItem item : graphChanges.getOrDefault(account, List.of())) {
      if (item.seq() > after && item.seq() <= upTo && item.folder().equals(folder)) {
        latest.remove(item.id());
        latest.put(item.id(), item);
      }
    }
    return latest.values().stream()
        .filter(i -> after >= 0 || !i.removed())
        .filter(i -> after >= 0 || since == null || !i.receivedAt().isBefore(since))
        .toList();
  }

  // ---------------------------------------------------------------- Gmail

  /** A {@code messageAdded} record of an account's Gmail history. */
  public record GmailHistory(long historyId, String messageId) {}

  private final java.util.concurrent.atomic.AtomicLong gmailHistoryIds =
      new java.util.concurrent.atomic.AtomicLong(5000);

  /** When each message arrived ({@code internalDate}), per account. */
  public final Map<String, Map<String, Instant>> gmailDates = new ConcurrentHashMap<>();

  public final Map<String, List<GmailHistory>> gmailHistory = new ConcurrentHashMap<>();

  /** History ids below this answer 404, as when Gmail no longer keeps them. */
  public final Map<String, Long> gmailHistoryFloor = new ConcurrentHashMap<>();

  /** At most this many ids per {@code messages.list} page. */
  public volatile int gmailListMaxPage = 500;

  long gmailHistoryId() {
    return gmailHistoryIds.get();
  }

  /** Adds a message that arrived at {@code internalDate}, recorded in the account's history. */
  public void addGmailMessageAt(
      String account, String id, byte[] raw, Instant internalDate, String... labels) {
    addGmailMessage(account, id, raw, labels);
    gmailDates.computeIfAbsent(account, k -> new ConcurrentHashMap<>()).put(id, internalDate);
    gmailHistory
        .computeIfAbsent(account, k -> new CopyOnWriteArrayList<>())
        .add(new GmailHistory(gmailHistoryIds.incrementAndGet(), id));
  }

  /** The last {@code users.watch} request body of each account. */
  public final Map<String, JsonObject> gmailWatches = new ConcurrentHashMap<>();

  /** The accounts of each {@code users.stop}, in order. */
  public final List<String> gmailStops = new CopyOnWriteArrayList<>();

  private final RSAKey forgerKey = FakeHttp.newKey("google-1");

  /**
   * An OIDC token as Cloud Pub/Sub's authenticated push sends it (Google-signed, {@code iss}
   * accounts.google.com, {@code email} the push subscription's service account); {@code forged}
   * signs it with another key under Google's key id.
   */
  public String googlePushToken(
      String audience, String email, boolean emailVerified, Instant expires, boolean forged)
      throws JOSEException {
    Instant issued = expires.minusSeconds(3600);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer("https://accounts.google.com")
            .audience(audience)
            .subject("1" + Math.abs(email.hashCode()))
            .issueTime(java.util.Date.from(issued))
            .expirationTime(java.util.Date.from(expires))
            .claim("azp", "1" + Math.abs(email.hashCode()))
            .claim("email", email)
            .claim("email_verified", emailVerified)
            .build();
    RSAKey key = forged ? forgerKey : googleKey;
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  /** Gmail forgets the account's history up to now: older start ids answer 404. */
  public void forgetGmailHistory(String account) {
    gmailHistoryFloor.put(account, gmailHistoryIds.get() + 1);
  }

  // ---------------------------------------------------------------- helpers

  /** Whether an access token is one the fake issued and still honours. */
  public boolean isAccessTokenLive(String token) {
    Token t = accessTokens.get(token);
    return t != null
        && t.expiresAt().isAfter(Instant.now())
        && !revokedGrants.contains(t.grantId());
  }

  public static String challengeOf(String verifier) {
    return FakeHttp.challengeOf(verifier);
  }

  public static Map<String, String> query(String raw) {
    return FakeHttp.query(raw);
  }

  static JsonObject json(String text) {
    return JSON.createReader(new StringReader(text)).readObject();
  }

  static URI uri(String text) {
    return URI.create(text);
  }
}
