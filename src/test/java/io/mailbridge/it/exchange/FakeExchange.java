package io.mailbridge.it.exchange;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mailbridge.it.providers.ProviderCalls;
import jakarta.xml.ws.Endpoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Exchange server on loopback: EWS published with {@link Endpoint} from the generated
 * interface, the authentication metadata document, and scripted raw SOAP answers (server busy,
 * DTDs) for the cases a well-behaved service implementation cannot produce. Mailboxes read by a
 * service account ({@link #deliver}) keep a change log per folder that {@code SyncFolderItems}
 * pages through; requests for them must impersonate the mailbox and carry {@code X-AnchorMailbox}.
 */
public final class FakeExchange implements AutoCloseable {

  public static final String LOGGED_PROPERTY_SET = "c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58";
  public static final String EWS_PATH = "/EWS/Exchange.asmx";
  public static final String METADATA_PATH = "/autodiscover/metadata/json/1";

  /** An email in the fake mailbox. */
  public record FakeItem(
      String id,
      String subject,
      byte[] mime,
      List<FakeAttachment> attachments,
      Map<String, String> extendedProperties) {}

  /** One of its attachments; {@code item} for an attached email (sent as MIME). */
  public record FakeAttachment(
      String id, String name, String contentType, byte[] content, boolean item, int declaredSize) {
    public static FakeAttachment file(String id, String name, String contentType, byte[] content) {
      return new FakeAttachment(id, name, contentType, content, false, content.length);
    }
  }

  /** A request EWS received. */
  public record Received(
      String body, String authorization, String soapAction, String anchorMailbox) {}

  private record Scripted(int status, byte[] body) {}

  /** The properties of an email in an impersonated mailbox that GetItem answers with. */
  public record MailDetails(
      String mailbox,
      String folder,
      String from,
      List<String> to,
      Instant received,
      String sensitivity,
      String internetMessageId) {}

  /** A mailbox the service account reads: per folder, the ids created in order (the change log). */
  public static final class FakeMailbox {
    final Map<String, List<String>> created = new ConcurrentHashMap<>();
    volatile int generation = 1;
  }

  /** Emails of impersonated mailboxes by item id. */
  public final Map<String, MailDetails> details = new ConcurrentHashMap<>();

  /** Contact folders and contacts of impersonated mailboxes (contact sync). */
  public final FakeContacts contacts = new FakeContacts();

  /** Calendars of impersonated mailboxes (event sync). */
  public final FakeCalendar calendar = new FakeCalendar();

  /** Impersonated mailboxes by primary SMTP address. */
  public final Map<String, FakeMailbox> mailboxes = new ConcurrentHashMap<>();

  /**
   * At most this many changes per SyncFolderItems answer, whatever the request asks (Exchange may
   * answer fewer than {@code MaxChangesReturned}).
   */
  public volatile int maxChangesPerCall = 512;

  /** Impersonated requests whose {@code X-AnchorMailbox} was missing or named another mailbox. */
  public final List<String> anchorProblems = new CopyOnWriteArrayList<>();

  private final Map<String, ConcurrentLinkedDeque<Scripted>> scriptedFor =
      new ConcurrentHashMap<>();

  public final Map<String, FakeItem> items = new ConcurrentHashMap<>();
  public final List<Received> ewsRequests = new CopyOnWriteArrayList<>();

  /**
   * Whether {@link #ewsRequests} keeps every request; a benchmark of thousands of calls turns it
   * off (the list copies itself on each one).
   */
  public volatile boolean keepRequests = true;

  /**
   * Every EWS request by operation and what it works on ("CreateItem contacts", "SyncFolderItems
   * calendar"), counted even when {@link #keepRequests} is off.
   */
  public final ProviderCalls calls = new ProviderCalls();

  public final AtomicInteger metadataHits = new AtomicInteger();
  public final AtomicInteger otherHits = new AtomicInteger();

  /** A message CreateItem sent: whose Sent Items hold it, its Message-ID and MIME. */
  public record SentMessage(String mailbox, String internetMessageId, byte[] mime) {}

  /** Sent Items of every mailbox, in the order CreateItem sent them. */
  public final List<SentMessage> sent = new CopyOnWriteArrayList<>();

  /**
   * How many CreateItem requests from now on send the message and then fail before answering, as
   * when the connection drops after Exchange took the message.
   */
  public final AtomicInteger createItemAnswersLost = new AtomicInteger();

  /** The Message-IDs in this mailbox's Sent Items, in the order they were sent. */
  public List<String> sentMessageIds(String mailbox) {
    return sent.stream()
        .filter(m -> m.mailbox().equalsIgnoreCase(mailbox))
        .map(SentMessage::internetMessageId)
        .toList();
  }

  /** A time a mailbox's free/busy shows: its span and EWS BusyType (Busy, Free, OOF, …). */
  public record FakeBusy(Instant start, Instant end, String busyType, String subject) {}

  /** The busy times of each mailbox's calendar (GetUserAvailability), by primary SMTP address. */
  public final Map<String, List<FakeBusy>> calendars = new ConcurrentHashMap<>();

  /** Puts a time into {@code mailbox}'s calendar as GetUserAvailability shows it. */
  public void addBusy(String mailbox, Instant start, Instant end, String busyType, String subject) {
    calendars
        .computeIfAbsent(mailbox.toLowerCase(Locale.ROOT), m -> new CopyOnWriteArrayList<>())
        .add(new FakeBusy(start, end, busyType, subject));
  }

  /**
   * A meeting CreateItem made in {@code mailbox}'s calendar: its item id and UID, times, attendees'
   * addresses, the request's {@code SendMeetingInvitations} and the extended properties it carried
   * ({@code <property set id>|<name>} to value).
   */
  public record FakeMeeting(
      String mailbox,
      String itemId,
      String uid,
      String subject,
      Instant start,
      Instant end,
      List<String> attendees,
      String sendMeetingInvitations,
      Map<String, String> properties) {}

  /** Every meeting made, in order. */
  public final List<FakeMeeting> meetings = new CopyOnWriteArrayList<>();

  /** The meetings in this mailbox's calendar. */
  public List<FakeMeeting> meetingsOf(String mailbox) {
    return meetings.stream().filter(m -> m.mailbox().equalsIgnoreCase(mailbox)).toList();
  }

  /**
   * How many calendar CreateItem requests from now on make the meeting and then fail before
   * answering, as when the connection drops after Exchange took the request.
   */
  public final AtomicInteger meetingAnswersLost = new AtomicInteger();

  /** The users the service account may impersonate (GetFolder answers others with an error). */
  public final java.util.Set<String> impersonable = ConcurrentHashMap.newKeySet();

  /** The request being served, for the service implementation (same thread). */
  static final ThreadLocal<Received> CURRENT = new ThreadLocal<>();

  /** The Cookie header of the request the service is answering (for affinity checks). */
  static final ThreadLocal<String> CURRENT_COOKIE = new ThreadLocal<>();

  private volatile String basicCredential;
  private volatile FakeNtlm ntlm;

  /** Autodiscover (SOAP and POX) of this server, answering as scripted per address. */
  public final FakeAutodiscover autodiscover = new FakeAutodiscover();

  private final HttpServer server;
  private final Endpoint endpoint;
  private final ConcurrentLinkedDeque<Scripted> scripted = new ConcurrentLinkedDeque<>();
  private volatile byte[] metadata;
  private volatile String metadataRedirect;
  private final Map<String, byte[]> variants = new ConcurrentHashMap<>();
  private final Map<String, String> redirects = new ConcurrentHashMap<>();

  static {
    // Payara's older gmbal wins over Metro's in the server: endpoint monitoring would fail on it.
    System.setProperty("com.sun.xml.ws.monitoring.endpoint", "false");
  }

  private FakeExchange(HttpServer server) {
    this.server = server;
    HttpContext ews = server.createContext(EWS_PATH);
    ews.getFilters().add(new RecordingFilter());
    endpoint = Endpoint.create(new FakeEwsService(this));
    endpoint.publish(ews);
    server.createContext(METADATA_PATH, this::metadata);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          if (path.endsWith(FakeAutodiscover.SOAP_PATH)
              || path.endsWith(FakeAutodiscover.POX_PATH)) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (authenticated(exchange)) {
              autodiscover.serve(exchange, body);
            }
            return;
          }
          otherHits.incrementAndGet();
          respond(exchange, 404, "text/plain", "nothing here".getBytes(StandardCharsets.UTF_8));
        });
  }

  /**
   * The fake over HTTPS with this key's certificate (self-signed: clients refuse it until they
   * trust it).
   */
  public static FakeExchange startTls(TestCertificates.SigningKey tls) {
    return startTls(tls, 0);
  }

  /** The fake over HTTPS on this port (0: any free one). */
  public static FakeExchange startTls(TestCertificates.SigningKey tls, int port) {
    try {
      java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = "fake".toCharArray();
      keys.setKeyEntry(
          "tls",
          tls.privateKey(),
          password,
          new java.security.cert.Certificate[] {tls.certificate()});
      javax.net.ssl.KeyManagerFactory factory =
          javax.net.ssl.KeyManagerFactory.getInstance(
              javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, password);
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(factory.getKeyManagers(), null, null);
      com.sun.net.httpserver.HttpsServer server =
          com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(context));
      server.setExecutor(Executors.newFixedThreadPool(8));
      FakeExchange fake = new FakeExchange(server);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** From now on EWS answers 401 unless a request carries exactly these Basic credentials. */
  public void requireBasic(String user, String password) {
    basicCredential =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public static FakeExchange start(X509Certificate... signingCertificates) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newFixedThreadPool(8));
      FakeExchange fake = new FakeExchange(server);
      fake.serveKeys(signingCertificates);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String base() {
    String scheme = server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http";
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String ewsUrl() {
    return base() + EWS_PATH;
  }

  public String metadataUrl() {
    return base() + METADATA_PATH;
  }

  public FakeAttachment attachment(String id) {
    return items.values().stream()
        .flatMap(i -> i.attachments().stream())
        .filter(a -> a.id().equals(id))
        .findFirst()
        .orElse(null);
  }

  /**
   * Puts an email into {@code mailbox}'s {@code folder} ("inbox", "sentitems"), received at {@code
   * received}; answers its item id. {@code sensitivity} is EWS's (Normal, Private, …) or null.
   */
  public String deliver(
      String mailbox,
      String folder,
      String subject,
      String from,
      String to,
      Instant received,
      String sensitivity) {
    String messageId = UUID.randomUUID() + "@fabrikam.example";
    return deliver(
        mailbox,
        folder,
        TestMime.message(messageId, subject, from, to, "About " + subject, 0),
        List.of(),
        new MailDetails(
            mailbox, folder, from, List.of(to), received, sensitivity, "<" + messageId + ">"),
        subject);
  }

  /**
   * Puts an email with this MIME and these attachments (which GetItem describes as Exchange does)
   * into {@code details.mailbox()}'s {@code folder}; answers its item id. A subscription on the
   * folder gets a new-mail event for it.
   */
  public String deliver(
      String mailbox,
      String folder,
      byte[] mime,
      List<FakeAttachment> attachments,
      MailDetails details,
      String subject) {
    String id = "AAMkAD" + UUID.randomUUID().toString().replace("-", "") + "=";
    items.put(id, new FakeItem(id, subject, mime, List.copyOf(attachments), Map.of()));
    this.details.put(id, details);
    mailboxes
        .computeIfAbsent(mailbox, m -> new FakeMailbox())
        .created
        .computeIfAbsent(folder, f -> new CopyOnWriteArrayList<>())
        .add(id);
    for (FakeSubscription subscription : subscriptions.values()) {
      if (subscription.mailbox().equals(mailbox) && subscription.folders().contains(folder)) {
        subscription.pending().add(new String[] {id, folder});
      }
    }
    return id;
  }

  /** Every sync state handed out for this mailbox is unknown from now on. */
  public void forgetSyncStates(String mailbox) {
    mailboxes.computeIfAbsent(mailbox, m -> new FakeMailbox()).generation++;
  }

  /** The next EWS request anchored to {@code mailbox} gets this raw answer. */
  public void answerNextFor(String mailbox, int status, String document) {
    scriptedFor
        .computeIfAbsent(mailbox, m -> new ConcurrentLinkedDeque<>())
        .add(new Scripted(status, document.getBytes(StandardCharsets.UTF_8)));
  }

  /** The next EWS request gets this raw answer instead of the service's. */
  public void answerNextWith(int status, String document) {
    scripted.add(new Scripted(status, document.getBytes(StandardCharsets.UTF_8)));
  }

  /** Publishes a metadata document with these signing certificates (as Exchange shapes it). */
  public void serveKeys(X509Certificate... certificates) {
    StringBuilder keys = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      if (keys.length() > 0) {
        keys.append(',');
      }
      keys.append("{\"usage\":\"signing\",\"keyinfo\":{\"x5t\":\"")
          .append(TestCertificates.thumbprint(certificate))
          .append("\"},\"keyvalue\":{\"type\":\"x509Certificate\",\"value\":\"")
          .append(base64(certificate))
          .append("\"}}");
    }
    serveMetadata(
        ("{\"id\":\"_5f0c1a7e-2b4d-4c61-9e3a-1d2f3a4b5c6d\",\"version\":\"1.0\",\"name\":\"Exchange\","
                + "\"realm\":\"*\",\"serviceName\":\"00000002-0000-0ff1-ce00-000000000000\","
                + "\"issuer\":\"00000002-0000-0ff1-ce00-000000000000@*\","
                + "\"allowedAudiences\":[\"00000002-0000-0ff1-ce00-000000000000@*\"],"
                + "\"keys\":["
                + keys
                + "],\"endpoints\":[{\"location\":\""
                + metadataUrl()
                + "\",\"protocol\":\"OAuth2\",\"usage\":\"metadata\"}]}")
            .getBytes(StandardCharsets.UTF_8));
  }

  public void serveMetadata(byte[] document) {
    metadata = document;
    metadataRedirect = null;
  }

  public void redirectMetadataTo(String location) {
    metadataRedirect = location;
  }

  /** The metadata URL with this query answers with this document instead (a URL of its own). */
  public String metadataVariant(String query, byte[] document) {
    variants.put(query, document);
    return metadataUrl() + "?" + query;
  }

  /** The metadata URL with this query redirects to {@code location}. */
  public String metadataRedirectVariant(String query, String location) {
    redirects.put(query, location);
    return metadataUrl() + "?" + query;
  }

  private void metadata(HttpExchange exchange) throws IOException {
    metadataHits.incrementAndGet();
    exchange.getRequestBody().readAllBytes();
    String query = exchange.getRequestURI().getRawQuery();
    String redirect =
        query != null && redirects.containsKey(query) ? redirects.get(query) : metadataRedirect;
    if (redirect != null) {
      exchange.getResponseHeaders().add("Location", redirect);
      respond(exchange, 302, "text/plain", new byte[0]);
      return;
    }
    byte[] document = query != null && variants.containsKey(query) ? variants.get(query) : metadata;
    respond(exchange, 200, "application/json; charset=utf-8", document);
  }

  /**
   * The request's EWS operation (its SOAPAction's last part) and, when its items or folder say so,
   * whether it works on contacts or the calendar.
   */
  public static String operationOf(Received r) {
    String action = r.soapAction() == null ? "" : r.soapAction().replace("\"", "");
    String operation = action.substring(action.lastIndexOf('/') + 1);
    String body = r.body();
    boolean calendar =
        body.contains("CalendarItem")
            || body.contains("\"calendar:")
            || body.contains("Id=\"calendar\"");
    boolean contacts =
        body.contains(":Contact>")
            || body.contains("<Contact>")
            || body.contains(":Contact ")
            || body.contains("\"contacts:")
            || body.contains("Id=\"contacts\"");
    if (calendar && contacts) {
      return operation + " contacts+calendar";
    }
    return calendar ? operation + " calendar" : contacts ? operation + " contacts" : operation;
  }

  private final class RecordingFilter extends Filter {
    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (!"POST".equals(exchange.getRequestMethod())) {
        // A browser or a TLS check: not an EWS request, never given a scripted answer.
        otherHits.incrementAndGet();
        respond(exchange, 405, "text/plain", new byte[0]);
        return;
      }
      Received received =
          new Received(
              new String(body, StandardCharsets.UTF_8),
              exchange.getRequestHeaders().getFirst("Authorization"),
              exchange.getRequestHeaders().getFirst("SOAPAction"),
              exchange.getRequestHeaders().getFirst("X-AnchorMailbox"));
      if (keepRequests) {
        ewsRequests.add(received);
      }
      calls.count(operationOf(received));
      if (!authenticated(exchange)) {
        return;
      }
      Scripted next = scripted.poll();
      if (next == null && received.anchorMailbox() != null) {
        ConcurrentLinkedDeque<Scripted> forMailbox = scriptedFor.get(received.anchorMailbox());
        next = forMailbox == null ? null : forMailbox.poll();
      }
      if (next != null) {
        respond(exchange, next.status(), "text/xml; charset=utf-8", next.body());
        return;
      }
      if (received.body().contains("GetStreamingEvents")) {
        stream(exchange, received);
        return;
      }
      if (received.body().contains("SubscriptionRequest>")) {
        subscribeHeaders.add(
            new String[] {
              exchange.getRequestHeaders().getFirst("X-PreferServerAffinity"),
              received.anchorMailbox()
            });
        exchange
            .getResponseHeaders()
            .add("Set-Cookie", "X-BackEndOverrideCookie=" + BACKEND_COOKIE + "; path=/; secure");
      }
      exchange.setStreams(new ByteArrayInputStream(body), exchange.getResponseBody());
      CURRENT.set(received);
      CURRENT_COOKIE.set(exchange.getRequestHeaders().getFirst("Cookie"));
      try {
        chain.doFilter(exchange);
      } finally {
        CURRENT.remove();
        CURRENT_COOKIE.remove();
      }
    }

    @Override
    public String description() {
      return "records EWS requests and plays scripted answers";
    }
  }

  /**
   * Whether the request may go on; if not, the 401 (a challenge, as IIS answers: no SOAP) has been
   * sent.
   */
  private boolean authenticated(HttpExchange exchange) throws IOException {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    FakeNtlm ntlm = this.ntlm;
    if (ntlm != null) {
      FakeNtlm.Step step = ntlm.step(exchange.getRemoteAddress().toString(), authorization);
      if (step.accepted()) {
        return true;
      }
      exchange
          .getResponseHeaders()
          .add("WWW-Authenticate", step.challenge() == null ? "NTLM" : "NTLM " + step.challenge());
      exchange.getResponseHeaders().add("WWW-Authenticate", "Negotiate");
      respond(exchange, 401, "text/html", "401 - Unauthorized".getBytes(StandardCharsets.UTF_8));
      return false;
    }
    String required = basicCredential;
    if (required != null && !required.equals(authorization)) {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"127.0.0.1\"");
      respond(exchange, 401, "text/html", "401 - Unauthorized".getBytes(StandardCharsets.UTF_8));
      return false;
    }
    return true;
  }

  /**
   * A notification subscription the fake opened for an impersonated mailbox: its folders and the
   * item events not delivered yet ({item id, folder}).
   */
  public record FakeSubscription(
      String id,
      String mailbox,
      boolean streaming,
      List<String> folders,
      ConcurrentLinkedDeque<String[]> pending,
      AtomicInteger sequence) {
    String watermark() {
      return "AQAAAFdhdGVybWFyaw" + sequence.get() + "=";
    }

    String nextWatermark() {
      sequence.incrementAndGet();
      return watermark();
    }
  }

  /**
   * A Subscribe with PushSubscriptionRequest: the subscription opened, whom it impersonated and
   * anchored to, and the URL, StatusFrequency, folders and event types asked for.
   */
  public record PushSubscribe(
      String subscriptionId,
      String impersonated,
      String anchorMailbox,
      String url,
      int statusFrequency,
      List<String> folders,
      List<String> eventTypes) {}

  /** Every push subscription opened, in order. */
  public final List<PushSubscribe> pushSubscribes = new CopyOnWriteArrayList<>();

  /** Open subscriptions by id. */
  public final Map<String, FakeSubscription> subscriptions = new ConcurrentHashMap<>();

  /** While set, Subscribe answers a streaming request with ErrorInvalidSubscriptionRequest. */
  public volatile boolean refuseStreaming;

  /** GetEvents calls answered. */
  public final AtomicInteger pulls = new AtomicInteger();

  /** The server-affinity cookie Subscribe sets, and the GetStreamingEvents requests received. */
  public static final String BACKEND_COOKIE = "FAKE-MBX01.fabrikam.example~1941997017";

  /** A GetStreamingEvents request: its subscription ids and the affinity headers it carried. */
  public record StreamRequest(
      List<String> subscriptionIds,
      String impersonated,
      String anchorMailbox,
      String preferServerAffinity,
      String cookie,
      int connectionTimeout,
      long receivedAt) {}

  public final List<StreamRequest> streamRequests = new CopyOnWriteArrayList<>();

  /**
   * An Unsubscribe the fake answered: the subscription named, whom it impersonated and anchored to,
   * its Cookie header, and whether the fake knew the subscription.
   */
  public record Unsubscribed(
      String subscriptionId,
      String impersonated,
      String anchorMailbox,
      String cookie,
      boolean known) {}

  public final List<Unsubscribed> unsubscribes = new CopyOnWriteArrayList<>();

  /**
   * Mailboxes whose next GetStreamingEvents is answered ErrorServerBusy, with the back-off (ms).
   */
  private final Map<String, Long> busyStreams = new ConcurrentHashMap<>();

  /**
   * The next GetStreamingEvents impersonating {@code mailbox} is answered, inside its stream, with
   * an ErrorServerBusy response message carrying this BackOffMilliseconds.
   */
  public void busyStreamFor(String mailbox, long backoffMillis) {
    busyStreams.put(mailbox, backoffMillis);
  }

  /**
   * The affinity headers of every Subscribe request ({X-PreferServerAffinity, X-AnchorMailbox}).
   */
  public final List<String[]> subscribeHeaders = new CopyOnWriteArrayList<>();

  /** Streaming connections open now. */
  public final AtomicInteger openStreams = new AtomicInteger();

  private final Map<String, AtomicInteger> openFor = new ConcurrentHashMap<>();

  /** Streaming connections open now that carry this subscription. */
  public int openStreamsFor(String subscriptionId) {
    AtomicInteger open = openFor.get(subscriptionId);
    return open == null ? 0 : open.get();
  }

  /** Notifications written to streams, by mailbox. */
  public final Map<String, AtomicInteger> streamedNotifications = new ConcurrentHashMap<>();

  /** When each item's new-mail event was written to a stream ({@link System#nanoTime}), by id. */
  public final Map<String, Long> streamedAt = new ConcurrentHashMap<>();

  private final AtomicInteger streamGeneration = new AtomicInteger();

  /** How long a stream stays open before Exchange writes ConnectionStatus Closed (0: as asked). */
  public volatile java.time.Duration streamCap = java.time.Duration.ZERO;

  FakeSubscription openSubscription(String mailbox, boolean streaming, List<String> folders) {
    FakeSubscription subscription =
        new FakeSubscription(
            "FQB" + UUID.randomUUID().toString().replace("-", ""),
            mailbox,
            streaming,
            List.copyOf(folders),
            new ConcurrentLinkedDeque<>(),
            new AtomicInteger(1));
    subscriptions.put(subscription.id(), subscription);
    return subscription;
  }

  /** Every open stream breaks now (the connection ends without ConnectionStatus Closed). */
  public void dropStreams() {
    streamGeneration.incrementAndGet();
  }

  /** Exchange forgets the mailbox's subscriptions (they expired). */
  public void expireSubscriptions(String mailbox) {
    subscriptions.values().removeIf(s -> s.mailbox().equals(mailbox));
  }

  /** The mailbox's open subscriptions. */
  public List<FakeSubscription> subscriptionsOf(String mailbox) {
    return subscriptions.values().stream().filter(s -> s.mailbox().equals(mailbox)).toList();
  }

  private static final java.util.regex.Pattern SUBSCRIPTION_ID =
      java.util.regex.Pattern.compile(
          "<(?:\\w+:)?SubscriptionId>([^<]+)</(?:\\w+:)?SubscriptionId>");
  private static final java.util.regex.Pattern PRIMARY_SMTP =
      java.util.regex.Pattern.compile("PrimarySmtpAddress>([^<]+)<");
  private static final java.util.regex.Pattern CONNECTION_TIMEOUT =
      java.util.regex.Pattern.compile("ConnectionTimeout>(\\d+)<");

  /**
   * GetStreamingEvents as Exchange answers it: HTTP 200 with a chunked body holding one SOAP
   * envelope per message, written as things happen: ConnectionStatus OK first, an error message
   * naming subscriptions it does not know (ErrorSubscriptionNotFound, then the connection ends when
   * none is left), a Notifications message whenever items arrive, and ConnectionStatus Closed when
   * ConnectionTimeout has passed.
   */
  private void stream(HttpExchange exchange, Received received) throws IOException {
    List<String> ids = new ArrayList<>();
    var m = SUBSCRIPTION_ID.matcher(received.body());
    while (m.find()) {
      ids.add(m.group(1));
    }
    var impersonated = PRIMARY_SMTP.matcher(received.body());
    var timeout = CONNECTION_TIMEOUT.matcher(received.body());
    int minutes = timeout.find() ? Integer.parseInt(timeout.group(1)) : 0;
    String who = impersonated.find() ? impersonated.group(1) : null;
    streamRequests.add(
        new StreamRequest(
            List.copyOf(ids),
            who,
            received.anchorMailbox(),
            exchange.getRequestHeaders().getFirst("X-PreferServerAffinity"),
            exchange.getRequestHeaders().getFirst("Cookie"),
            minutes,
            System.nanoTime()));
    if (who == null || !who.equals(received.anchorMailbox())) {
      anchorProblems.add(
          "stream impersonating " + who + " anchored to " + received.anchorMailbox());
    }
    int generation = streamGeneration.get();
    exchange.getResponseHeaders().set("Content-Type", "text/xml; charset=utf-8");
    exchange.sendResponseHeaders(200, 0); // chunked
    openStreams.incrementAndGet();
    ids.forEach(id -> openFor.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet());
    try (OutputStream out = exchange.getResponseBody()) {
      Long busy = who == null ? null : busyStreams.remove(who);
      if (busy != null) {
        // Throttled: an error response message inside the stream (EWS throttling reference).
        write(
            out,
            "<m:GetStreamingEventsResponseMessage ResponseClass=\"Error\"><m:MessageText>The"
                + " server cannot service this request right now. Try again later.</m:MessageText>"
                + "<m:ResponseCode>ErrorServerBusy</m:ResponseCode>"
                + "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:MessageXml>"
                + "<t:Value Name=\"BackOffMilliseconds\">"
                + busy
                + "</t:Value></m:MessageXml></m:GetStreamingEventsResponseMessage>");
        return;
      }
      List<String> unknown = ids.stream().filter(id -> !subscriptions.containsKey(id)).toList();
      if (!unknown.isEmpty()) {
        StringBuilder gone = new StringBuilder();
        unknown.forEach(
            id -> gone.append("<t:SubscriptionId>").append(id).append("</t:SubscriptionId>"));
        write(
            out,
            "<m:GetStreamingEventsResponseMessage ResponseClass=\"Error\"><m:MessageText>The"
                + " specified subscription was not found.</m:MessageText>"
                + "<m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode>"
                + "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:ErrorSubscriptionIds>"
                + gone
                + "</m:ErrorSubscriptionIds></m:GetStreamingEventsResponseMessage>");
        if (unknown.size() == ids.size()) {
          return;
        }
      }
      write(out, status("OK"));
      java.time.Duration cap =
          streamCap.isZero() ? java.time.Duration.ofMinutes(Math.max(1, minutes)) : streamCap;
      long end = System.nanoTime() + cap.toNanos();
      long quietSince = System.nanoTime();
      while (System.nanoTime() < end) {
        if (streamGeneration.get() != generation) {
          return; // dropped: the body ends without Closed
        }
        StringBuilder notifications = new StringBuilder();
        List<String> notified = new ArrayList<>();
        for (String id : ids) {
          FakeSubscription subscription = subscriptions.get(id);
          if (subscription == null) {
            continue;
          }
          StringBuilder events = new StringBuilder();
          String previous = subscription.watermark();
          for (String[] event; (event = subscription.pending().poll()) != null; ) {
            events
                .append("<t:NewMailEvent><t:Watermark>")
                .append(subscription.nextWatermark())
                .append("</t:Watermark><t:TimeStamp>")
                .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .append("</t:TimeStamp><t:ItemId Id=\"")
                .append(event[0])
                .append("\" ChangeKey=\"CQAAABYA\"/><t:ParentFolderId Id=\"")
                .append(event[1])
                .append("-")
                .append(subscription.mailbox())
                .append("\" ChangeKey=\"AQAAAA==\"/></t:NewMailEvent>");
            streamedNotifications
                .computeIfAbsent(subscription.mailbox(), k -> new AtomicInteger())
                .incrementAndGet();
            notified.add(event[0]);
          }
          if (events.length() > 0) {
            notifications
                .append("<t:Notification><t:SubscriptionId>")
                .append(id)
                .append("</t:SubscriptionId><t:PreviousWatermark>")
                .append(previous)
                .append("</t:PreviousWatermark><t:MoreEvents>false</t:MoreEvents>")
                .append(events)
                .append("</t:Notification>");
          }
        }
        if (notifications.length() > 0) {
          write(
              out,
              "<m:GetStreamingEventsResponseMessage ResponseClass=\"Success\">"
                  + "<m:ResponseCode>NoError</m:ResponseCode><m:Notifications>"
                  + notifications
                  + "</m:Notifications></m:GetStreamingEventsResponseMessage>");
          long written = System.nanoTime();
          quietSince = written;
          notified.forEach(item -> streamedAt.put(item, written));
        } else if (System.nanoTime() - quietSince > 1_000_000_000L) {
          // A keep-alive on a quiet stream; writing it is also how a client gone is noticed.
          write(out, status("OK"));
          quietSince = System.nanoTime();
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      write(out, status("Closed"));
    } catch (IOException clientGone) {
      // The client ended the connection.
    } finally {
      openStreams.decrementAndGet();
      ids.forEach(id -> openFor.get(id).decrementAndGet());
    }
  }

  private static String status(String status) {
    return "<m:GetStreamingEventsResponseMessage ResponseClass=\"Success\">"
        + "<m:ResponseCode>NoError</m:ResponseCode><m:ConnectionStatus>"
        + status
        + "</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>";
  }

  /** One envelope, flushed at once so that it leaves as a chunk of its own. */
  private static void write(OutputStream out, String message) throws IOException {
    String envelope =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap11:Envelope"
            + " xmlns:soap11=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap11:Header>"
            + "<ServerVersionInfo xmlns=\"http://schemas.microsoft.com/exchange/services/2006/types\""
            + " MajorVersion=\"15\" MinorVersion=\"2\" MajorBuildNumber=\"1544\""
            + " MinorBuildNumber=\"4\" Version=\"V2017_07_11\"/></soap11:Header><soap11:Body>"
            + "<m:GetStreamingEventsResponse"
            + " xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\""
            + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\">"
            + "<m:ResponseMessages>"
            + message
            + "</m:ResponseMessages></m:GetStreamingEventsResponse></soap11:Body>"
            + "</soap11:Envelope>";
    out.write(envelope.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /**
   * From now on EWS and autodiscover answer only after an NTLMv2 handshake (NEGOTIATE, CHALLENGE,
   * AUTHENTICATE on one connection) that proves this password.
   */
  public FakeNtlm requireNtlm(String domain, String user, String password) {
    ntlm = new FakeNtlm(domain, user, password);
    basicCredential = null;
    return ntlm;
  }

  static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** A test resource under {@code ews/}, as text. */
  public static String fixture(String name) {
    try (InputStream in = FakeExchange.class.getResourceAsStream("/ews/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("No fixture ews/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String base64(X509Certificate certificate) {
    try {
      return Base64.getEncoder().encodeToString(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    endpoint.stop();
    server.stop(0);
    // Its threads are not daemons: a benchmark's JVM would not end while they wait for work.
    if (server.getExecutor() instanceof java.util.concurrent.ExecutorService threads) {
      threads.shutdownNow();
    }
  }
}
