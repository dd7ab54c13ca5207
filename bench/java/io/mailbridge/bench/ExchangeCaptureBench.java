package io.mailbridge.bench;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.FakeExchange.FakeAttachment;
import io.mailbridge.it.exchange.FakeExchange.MailDetails;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Capture over EWS through the real server against the fake Exchange of the tests on loopback (the
 * real SOAP wire format, Basic auth, impersonation): Payara Micro with the built WAR on a fresh H2
 * data directory, its job pump on (every node's default: a tick every 2 s, 4 jobs at a time), the
 * org's Exchange connection saved through the admin API. It times the backfill of 1 mailbox, then
 * of {@code bench.mailboxes} more at once ({@code bench.messages} each), beside the raw limit
 * measured in the same run before the server starts: the same SyncFolderItems and GetItem calls
 * from a plain SOAP client that discards the bytes (one thread for 1 mailbox, {@code bench.readers}
 * for the many), plus as many rows written to H2 with JDBC batch inserts. Then it delivers {@code
 * bench.notifications} new emails through the fake's streaming notifications and times each from
 * the fake writing its notification to the email showing on a contact's timeline through the API.
 * It prints the server's peak heap from its GC log and, with {@code -Dbench.profile=true} (the
 * default), where the server spent its CPU during the backfills (JFR execution samples).
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.ExchangeCaptureBench} (-Dbench.messages=200,
 * -Dbench.mailboxes=50, -Dbench.notifications=200, -Dbench.war=target/mailbridge.war).
 */
public final class ExchangeCaptureBench {

  static final int MESSAGES = Integer.getInteger("bench.messages", 200);
  static final int MAILBOXES = Integer.getInteger("bench.mailboxes", 50);
  static final int NOTIFICATIONS = Integer.getInteger("bench.notifications", 200);
  static final int NOTIFY_EVERY_MS = Integer.getInteger("bench.notify-every-ms", 250);
  static final int ATTACHMENT_EVERY = Integer.getInteger("bench.attachment-every", 4);
  static final int ATTACHMENT_KB = Integer.getInteger("bench.attachment-kb", 200);
  static final int BODY_KB = Integer.getInteger("bench.body-kb", 8);
  static final int READERS = Integer.getInteger("bench.readers", 4);
  static final int CUSTOMERS = 50;
  static final int PORT = Integer.getInteger("bench.port", 18193);
  static final Path WAR = Path.of(System.getProperty("bench.war", "target/mailbridge.war"));
  static final boolean PROFILE = Boolean.parseBoolean(System.getProperty("bench.profile", "true"));

  static final String USER = "svc-mailbridge";
  static final String DOMAIN = "CONTOSO";
  static final String PASSWORD = "bench service account password";
  static final String SOLO = "solo@bench.example";
  static final String WARMUP = "warmup@bench.example";
  static final int WARMUP_MESSAGES = Integer.getInteger("bench.warmup-messages", 100);
  static final String LIVE_SENDER = "live@customer.example";
  static final String MESSAGES_NS = "http://schemas.microsoft.com/exchange/services/2006/messages";

  private static final Pattern GC_PAUSE = Pattern.compile("Pause .*?(\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final Pattern ITEM_ID = Pattern.compile("ItemId Id=\"([^\"]+)\"");
  private static final Pattern SYNC_STATE = Pattern.compile("SyncState>([^<]+)<");
  private static final Pattern LAST_IN_RANGE =
      Pattern.compile("IncludesLastItemInRange>(true|false)<");

  private ExchangeCaptureBench() {}

  /** One generated email, for the raw JDBC rows. */
  record Generated(String mailbox, String subject, String from, Instant received, String text) {}

  public static void main(String[] args) throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "ews-capture-bench");
    List<String> many = new ArrayList<>();
    for (int i = 1; i <= MAILBOXES; i++) {
      many.add(String.format("m%02d@bench.example", i));
    }
    try (FakeExchange fake = FakeExchange.start()) {
      fake.requireBasic(DOMAIN + "\\" + USER, PASSWORD);
      fake.keepRequests = false;
      List<Generated> generated = new ArrayList<>();
      long generating = System.nanoTime();
      Random random = new Random(42);
      byte[] attachment = new byte[ATTACHMENT_KB * 1024];
      random.nextBytes(attachment);
      fill(fake, WARMUP, WARMUP_MESSAGES, random, attachment, new ArrayList<>());
      fill(fake, SOLO, MESSAGES, random, attachment, generated);
      for (String mailbox : many) {
        fill(fake, mailbox, MESSAGES, random, attachment, generated);
      }
      System.out.printf(
          "generated %d mailboxes x %d emails (%d KB text; every %d. with a %d KB attachment) in"
              + " %d ms; WAR %s%n",
          1 + MAILBOXES,
          MESSAGES,
          BODY_KB,
          ATTACHMENT_EVERY,
          ATTACHMENT_KB,
          (System.nanoTime() - generating) / 1_000_000,
          WAR);

      // The raw limit, while nothing else runs; the first round only warms up (the JIT, the fake).
      rawRead(fake, List.of(WARMUP), 1);
      rawWrite(data.resolve("raw-h2"), generated.stream().filter(g -> g.mailbox().equals(SOLO)));
      RawRead rawSolo = rawRead(fake, List.of(SOLO), 1);
      RawRead rawMany = rawRead(fake, many, READERS);
      double writeSolo =
          rawWrite(
              data.resolve("raw-h2"), generated.stream().filter(g -> g.mailbox().equals(SOLO)));
      double writeMany =
          rawWrite(
              data.resolve("raw-h2"), generated.stream().filter(g -> !g.mailbox().equals(SOLO)));
      System.out.printf(
          "raw: 1 mailbox read in %.1f s (%d items), %d mailboxes on %d threads in %.1f s (%d"
              + " items); H2 batch inserts %.0f and %.0f rows/s%n",
          rawSolo.seconds(),
          rawSolo.items(),
          MAILBOXES,
          READERS,
          rawMany.seconds(),
          rawMany.items(),
          writeSolo,
          writeMany);

      Process server =
          ImportBench.startServer(
              data,
              PORT,
              Map.of(
                  "MAILBRIDGE_JOBS_ENABLED", "true",
                  "MAILBRIDGE_OUTBOUND_ALLOW_PRIVATE_ADDRESSES", "true"),
              PROFILE
                  ? List.of(
                      "-Xlog:gc:file=" + data.resolve("gc.log"),
                      "-XX:FlightRecorderOptions=stackdepth=256",
                      jfrSettledAtStart(data))
                  : List.of("-Xlog:gc:file=" + data.resolve("gc.log")),
              WAR);
      try {
        ImportBench.Ready ready = ImportBench.ready(PORT);
        HttpClient http = ready.http();
        String base = ready.base();
        String token = ready.token();
        ProviderFakes.allowLoopbackExchange(http, base, token);
        for (int c = 0; c < CUSTOMERS; c++) {
          contact(http, base, token, "Customer" + c, customer(c));
        }
        String live = contact(http, base, token, "Live", LIVE_SENDER);
        // A first mailbox, not timed, so the server has loaded its classes and compiled its hot
        // code before the 1-mailbox figure.
        Backfill warm = backfill(http, base, token, fake, List.of(WARMUP), Set.of());
        System.out.printf(
            "warm-up backfill, 1 mailbox: %d captured in %.1f s%n",
            warm.captured(), warm.seconds());
        Path jfr = data.resolve("backfill.jfr");
        if (PROFILE) {
          jcmd(server, "JFR.start", "name=ewsbench", "settings=profile", "filename=" + jfr);
        }

        Backfill solo = backfill(http, base, token, fake, List.of(WARMUP, SOLO), warm.mailboxIds());
        System.out.printf(
            "backfill, 1 mailbox: %d captured (%d skipped) in %.1f s: %.1f msg/s; raw limit %.1f"
                + " msg/s (read %.1f msg/s, %d EWS calls, %.0f MB; H2 batch insert %.0f rows/s)%n",
            solo.captured(),
            solo.skipped(),
            solo.seconds(),
            solo.captured() / solo.seconds(),
            rawSolo.items() / (rawSolo.seconds() + rawSolo.items() / writeSolo),
            rawSolo.items() / rawSolo.seconds(),
            rawSolo.calls(),
            rawSolo.bytes() / 1e6,
            writeSolo);
        List<String> all = new ArrayList<>(List.of(WARMUP, SOLO));
        all.addAll(many);
        Backfill fifty = backfill(http, base, token, fake, all, solo.mailboxIds());
        System.out.printf(
            "backfill, %d mailboxes at once: %d captured (%d skipped) in %.1f s: %.1f msg/s; raw"
                + " limit %.1f msg/s (read on %d threads %.1f msg/s, %d EWS calls, %.0f MB; H2"
                + " batch insert %.0f rows/s)%n",
            MAILBOXES,
            fifty.captured(),
            fifty.skipped(),
            fifty.seconds(),
            fifty.captured() / fifty.seconds(),
            rawMany.items() / (rawMany.seconds() + rawMany.items() / writeMany),
            READERS,
            rawMany.items() / rawMany.seconds(),
            rawMany.calls(),
            rawMany.bytes() / 1e6,
            writeMany);
        if (PROFILE) {
          jcmd(server, "JFR.stop", "name=ewsbench", "filename=" + jfr);
        }
        jcmd(server, "GC.run");
        Thread.sleep(1000);
        System.out.println("server heap after the backfills: " + heap(data.resolve("gc.log")));

        latency(http, base, token, fake, live);
        System.out.println("server heap: " + heap(data.resolve("gc.log")));
        if (PROFILE && Files.exists(jfr)) {
          profile(jfr, WATCHED);
        }
        severeLines(data);
      } finally {
        server.destroy();
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
          server.destroyForcibly().waitFor();
        }
      }
    }
  }

  private static String customer(int c) {
    return "customer" + c + "@customer.example";
  }

  /**
   * {@code MESSAGES} emails into the mailbox: four in five in the Inbox from one of the customers,
   * one in five in Sent Items to one, received over the last 170 days (inside the 180-day backfill
   * window), every {@code ATTACHMENT_EVERY}th with a PDF attachment.
   */
  private static void fill(
      FakeExchange fake,
      String mailbox,
      int messages,
      Random random,
      byte[] attachment,
      List<Generated> out) {
    fake.impersonable.add(mailbox);
    Instant now = Instant.now();
    for (int i = 0; i < messages; i++) {
      boolean sent = i % 5 == 4;
      String customer = customer(random.nextInt(CUSTOMERS));
      String from = sent ? mailbox : customer;
      String to = sent ? customer : mailbox;
      String subject = "Order " + i + " of " + mailbox;
      Instant received =
          now.minus(1 + random.nextInt(170 * 24 * 60), ChronoUnit.MINUTES)
              .truncatedTo(ChronoUnit.SECONDS);
      String messageId = UUID.randomUUID() + "@bench.example";
      String text = body(subject);
      List<FakeAttachment> attachments = new ArrayList<>();
      String pdf = null;
      if (ATTACHMENT_EVERY > 0 && i % ATTACHMENT_EVERY == ATTACHMENT_EVERY - 1) {
        pdf = "report-" + i + ".pdf";
        attachments.add(
            FakeAttachment.file("AAMkATT" + UUID.randomUUID(), pdf, "application/pdf", attachment));
      }
      byte[] mime = mime(messageId, subject, from, to, received, text, pdf, attachment);
      String folder = sent ? "sentitems" : "inbox";
      fake.deliver(
          mailbox,
          folder,
          mime,
          attachments,
          new MailDetails(
              mailbox, folder, from, List.of(to), received, null, "<" + messageId + ">"),
          subject);
      out.add(new Generated(mailbox, subject, from, received, text));
    }
  }

  private static final String PADDING;

  static {
    StringBuilder padding = new StringBuilder();
    while (padding.length() < BODY_KB * 1024) {
      padding.append("We would like to confirm the quantities and the delivery dates below.\r\n");
    }
    PADDING = padding.toString();
  }

  private static String body(String subject) {
    return "Hello,\r\n\r\nabout " + subject + ":\r\n" + PADDING;
  }

  /** multipart/alternative (text, HTML), inside multipart/mixed with the PDF when there is one. */
  static byte[] mime(
      String messageId,
      String subject,
      String from,
      String to,
      Instant date,
      String text,
      String pdf,
      byte[] attachment) {
    StringBuilder m = new StringBuilder(text.length() * 2 + 1024);
    m.append("MIME-Version: 1.0\r\nFrom: ")
        .append(from)
        .append("\r\nTo: ")
        .append(to)
        .append("\r\nSubject: ")
        .append(subject)
        .append("\r\nDate: ")
        .append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atOffset(ZoneOffset.UTC)))
        .append("\r\nMessage-ID: <")
        .append(messageId)
        .append(">\r\n");
    if (pdf != null) {
      m.append("Content-Type: multipart/mixed; boundary=\"mixed\"\r\n\r\n--mixed\r\n");
    }
    m.append("Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n")
        .append("--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
        .append(text)
        .append("\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><pre>")
        .append(text)
        .append("</pre></body></html>\r\n--alt--\r\n");
    if (pdf != null) {
      m.append("--mixed\r\nContent-Type: application/pdf; name=\"")
          .append(pdf)
          .append("\"\r\nContent-Disposition: attachment; filename=\"")
          .append(pdf)
          .append("\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
          .append(Base64.getMimeEncoder().encodeToString(attachment))
          .append("\r\n--mixed--\r\n");
    }
    return m.toString().getBytes(StandardCharsets.UTF_8);
  }

  // --------------------------------------------------------------------------------- raw limit

  record RawRead(long items, long calls, long bytes, double seconds) {}

  /**
   * The mailboxes read as capture reads them, by a plain SOAP client on {@code threads} threads,
   * one mailbox at a time each: SyncFolderItems pages of Inbox and Sent Items, GetItem of the
   * summary properties in batches of 100, then GetItem with the MIME for each item, the answer
   * discarded.
   */
  static RawRead rawRead(FakeExchange fake, List<String> mailboxes, int threads) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (DOMAIN + "\\" + USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(mailboxes);
    AtomicLong items = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    List<Thread> readers = new ArrayList<>();
    List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Thread reader =
          new Thread(
              () -> {
                try {
                  for (String mailbox; (mailbox = queue.poll()) != null; ) {
                    for (String folder : List.of("inbox", "sentitems")) {
                      String state = null;
                      boolean last = false;
                      while (!last) {
                        String page =
                            soap(
                                http,
                                fake,
                                authorization,
                                mailbox,
                                "SyncFolderItems",
                                syncFolderItems(folder, state),
                                calls,
                                bytes);
                        List<String> ids = new ArrayList<>();
                        Matcher id = ITEM_ID.matcher(page);
                        while (id.find()) {
                          ids.add(id.group(1));
                        }
                        Matcher s = SYNC_STATE.matcher(page);
                        state = s.find() ? s.group(1) : null;
                        Matcher l = LAST_IN_RANGE.matcher(page);
                        last = !l.find() || Boolean.parseBoolean(l.group(1));
                        for (int from = 0; from < ids.size(); from += 100) {
                          soap(
                              http,
                              fake,
                              authorization,
                              mailbox,
                              "GetItem",
                              summaries(ids.subList(from, Math.min(ids.size(), from + 100))),
                              calls,
                              bytes);
                        }
                        for (String item : ids) {
                          soap(
                              http,
                              fake,
                              authorization,
                              mailbox,
                              "GetItem",
                              withMime(item),
                              calls,
                              bytes);
                          items.incrementAndGet();
                        }
                      }
                    }
                  }
                } catch (Exception e) {
                  failures.add(e);
                }
              },
              "raw-reader-" + t);
      reader.start();
      readers.add(reader);
    }
    for (Thread reader : readers) {
      reader.join();
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    return new RawRead(items.get(), calls.get(), bytes.get(), (System.nanoTime() - start) / 1e9);
  }

  private static String soap(
      HttpClient http,
      FakeExchange fake,
      String authorization,
      String mailbox,
      String operation,
      String body,
      AtomicLong calls,
      AtomicLong bytes)
      throws IOException, InterruptedException {
    String envelope =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\""
            + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\""
            + " xmlns:m=\""
            + MESSAGES_NS
            + "\"><soap:Header><t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>"
            + mailbox
            + "</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>"
            + "<t:RequestServerVersion Version=\"Exchange2013_SP1\"/></soap:Header><soap:Body>"
            + body
            + "</soap:Body></soap:Envelope>";
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(fake.ewsUrl()))
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", "\"" + MESSAGES_NS + "/" + operation + "\"")
                .header("Authorization", authorization)
                .header("X-AnchorMailbox", mailbox)
                .POST(HttpRequest.BodyPublishers.ofString(envelope))
                .build(),
            operation.equals("GetItem") && body.contains("IncludeMimeContent")
                ? discarding(bytes)
                : HttpResponse.BodyHandlers.ofString());
    calls.incrementAndGet();
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(operation + " answered " + answer.statusCode());
    }
    String text = answer.body();
    if (text != null) {
      bytes.addAndGet(text.length());
      if (text.contains("ResponseClass=\"Error\"")) {
        throw new IllegalStateException(operation + " answered an error: " + text);
      }
    }
    return text;
  }

  /** Counts the bytes of an answer and keeps none of them. */
  static HttpResponse.BodyHandler<String> discarding(AtomicLong bytes) {
    return info ->
        HttpResponse.BodySubscribers.mapping(
            HttpResponse.BodySubscribers.ofInputStream(),
            in -> {
              try (in) {
                byte[] buffer = new byte[65536];
                for (int n; (n = in.read(buffer)) > 0; ) {
                  bytes.addAndGet(n);
                }
                return null;
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }

  private static String syncFolderItems(String folder, String state) {
    return "<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>"
        + "<t:AdditionalProperties><t:FieldURI FieldURI=\"item:DateTimeReceived\"/>"
        + "</t:AdditionalProperties></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id=\""
        + folder
        + "\"/></m:SyncFolderId>"
        + (state == null ? "" : "<m:SyncState>" + state + "</m:SyncState>")
        + "<m:MaxChangesReturned>512</m:MaxChangesReturned>"
        + "<m:SyncScope>NormalItems</m:SyncScope></m:SyncFolderItems>";
  }

  private static String summaries(List<String> ids) {
    StringBuilder body =
        new StringBuilder(
            "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>");
    for (String field :
        List.of(
            "item:ItemClass",
            "item:Subject",
            "item:Sensitivity",
            "item:DateTimeReceived",
            "item:Categories",
            "item:IsDraft",
            "item:DateTimeSent",
            "item:ConversationId",
            "message:ToRecipients",
            "message:CcRecipients",
            "message:From",
            "message:InternetMessageId")) {
      body.append("<t:FieldURI FieldURI=\"").append(field).append("\"/>");
    }
    body.append("</t:AdditionalProperties></m:ItemShape><m:ItemIds>");
    ids.forEach(id -> body.append("<t:ItemId Id=\"").append(id).append("\"/>"));
    return body.append("</m:ItemIds></m:GetItem>").toString();
  }

  private static String withMime(String id) {
    return "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>"
        + "<t:IncludeMimeContent>true</t:IncludeMimeContent><t:AdditionalProperties>"
        + "<t:FieldURI FieldURI=\"item:Subject\"/><t:FieldURI FieldURI=\"item:Attachments\"/>"
        + "<t:FieldURI FieldURI=\"message:InternetMessageId\"/></t:AdditionalProperties>"
        + "</m:ItemShape><m:ItemIds><t:ItemId Id=\""
        + id
        + "\"/></m:ItemIds></m:GetItem>";
  }

  /**
   * The emails as rows in a fresh table of an H2 file database, in JDBC batches of 100, each batch
   * committed; answers rows per second. The stream is read as it is written.
   */
  static double rawWrite(Path directory, java.util.stream.Stream<Generated> emails)
      throws Exception {
    String table = "raw_activity_" + System.nanoTime();
    try (Connection c =
        DriverManager.getConnection("jdbc:h2:file:" + directory.toAbsolutePath() + "/raw")) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE "
                + table
                + " (id VARCHAR(36) PRIMARY KEY, mailbox VARCHAR(254), subject VARCHAR(1000),"
                + " sender VARCHAR(254), occurred_at TIMESTAMP, text_body CLOB)");
      }
      c.setAutoCommit(false);
      long start = System.nanoTime();
      long rows = 0;
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?, ?)")) {
        int pending = 0;
        // Streamed, so rows made on demand (long texts of a generated mailbox) never sit in memory.
        for (Generated row : (Iterable<Generated>) emails::iterator) {
          rows++;
          insert.setString(1, UUID.randomUUID().toString());
          insert.setString(2, row.mailbox());
          insert.setString(3, row.subject());
          insert.setString(4, row.from());
          insert.setTimestamp(5, Timestamp.from(row.received()));
          insert.setString(6, row.text());
          insert.addBatch();
          if (++pending == 100) {
            insert.executeBatch();
            c.commit();
            pending = 0;
          }
        }
        insert.executeBatch();
        c.commit();
      }
      return rows / ((System.nanoTime() - start) / 1e9);
    }
  }

  // ------------------------------------------------------------------------------- the server

  record Backfill(long captured, long skipped, double seconds, Set<String> mailboxIds) {}

  /**
   * Saves the connection with these users, then waits until every captured mailbox but {@code
   * earlier} has finished its backfill; answers what those captured and how long it took.
   */
  static Backfill backfill(
      HttpClient http,
      String base,
      String token,
      FakeExchange fake,
      List<String> users,
      Set<String> earlier)
      throws Exception {
    String body = ProviderFakes.exchangeConnection(fake.ewsUrl(), USER, DOMAIN, PASSWORD, users);
    int expected = users.size() - earlier.size();
    long start = System.nanoTime();
    AddinLogBench.send(http, "PUT", base + "/api/admin/exchange/connection", token, body);
    long deadline = start + TimeUnit.MINUTES.toNanos(60);
    while (System.nanoTime() < deadline) {
      List<JsonObject> mailboxes = new ArrayList<>();
      for (JsonObject m : ewsMailboxes(http, base, token)) {
        if (!earlier.contains(m.getString("mailboxId"))) {
          mailboxes.add(m);
        }
      }
      for (JsonObject m : mailboxes) {
        if (m.getString("state").equals("error") || m.getString("state").equals("off")) {
          throw new IllegalStateException("a mailbox's capture failed: " + m);
        }
      }
      if (mailboxes.size() == expected
          && mailboxes.stream().allMatch(m -> m.getString("phase").equals("live"))) {
        double seconds = (System.nanoTime() - start) / 1e9;
        Set<String> ids = new HashSet<>(earlier);
        mailboxes.forEach(m -> ids.add(m.getString("mailboxId")));
        return new Backfill(
            mailboxes.stream().mapToLong(m -> m.getJsonNumber("captured").longValue()).sum(),
            mailboxes.stream().mapToLong(m -> m.getJsonNumber("skipped").longValue()).sum(),
            seconds,
            ids);
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the backfill did not finish within an hour");
  }

  private static List<JsonObject> ewsMailboxes(HttpClient http, String base, String token)
      throws Exception {
    List<JsonObject> found = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page =
          json(
              AddinLogBench.send(
                  http,
                  "GET",
                  base
                      + "/api/admin/capture/mailboxes?limit=200"
                      + (cursor == null ? "" : "&cursor=" + cursor),
                  token,
                  ""));
      for (JsonObject m : page.getJsonArray("items").getValuesAs(JsonObject.class)) {
        if (m.getString("provider").equals("ews")) {
          found.add(m);
        }
      }
      cursor = page.get("next") instanceof jakarta.json.JsonString next ? next.getString() : null;
    } while (cursor != null);
    return found;
  }

  /**
   * {@code NOTIFICATIONS} new emails from the live contact, one every {@code NOTIFY_EVERY_MS} ms,
   * round robin over the mailboxes that hold a streaming subscription; each timed from the fake
   * writing its notification to the stream to the email first seen on the contact's timeline
   * (polled every 50 ms).
   */
  static void latency(HttpClient http, String base, String token, FakeExchange fake, String live)
      throws Exception {
    // Until the subscriptions have settled and a stream carries them (streams are started or
    // changed every 5 s).
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    long subscribed = -1;
    while (System.nanoTime() < deadline) {
      long now = fake.subscriptions.values().stream().filter(s -> s.streaming()).count();
      if (now == subscribed && now > 0 && fake.openStreams.get() > 0) {
        break;
      }
      subscribed = now;
      Thread.sleep(6000);
    }
    List<String> streaming =
        fake.subscriptions.values().stream()
            .filter(FakeExchange.FakeSubscription::streaming)
            .map(FakeExchange.FakeSubscription::mailbox)
            .distinct()
            .sorted()
            .toList();
    if (streaming.isEmpty()) {
      throw new IllegalStateException("no mailbox holds a streaming subscription");
    }
    Map<String, Long> seen = new ConcurrentHashMap<>();
    Map<String, String> itemOf = new ConcurrentHashMap<>();
    Thread poller =
        new Thread(
            () -> {
              String url = base + "/api/records/contacts/" + live + "/timeline?limit=100";
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  JsonObject page = json(AddinLogBench.send(http, "GET", url, token, ""));
                  long now = System.nanoTime();
                  for (JsonObject item : page.getJsonArray("items").getValuesAs(JsonObject.class)) {
                    seen.putIfAbsent(item.getString("subject"), now);
                  }
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  System.out.println("timeline poll failed: " + e.getMessage());
                }
              }
            },
            "timeline-poller");
    poller.setDaemon(true);
    poller.start();
    for (int i = 0; i < NOTIFICATIONS; i++) {
      String mailbox = streaming.get(i % streaming.size());
      String subject = "Live " + i;
      String messageId = UUID.randomUUID() + "@bench.example";
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      String id =
          fake.deliver(
              mailbox,
              "inbox",
              mime(messageId, subject, LIVE_SENDER, mailbox, now, body(subject), null, null),
              List.of(),
              new MailDetails(
                  mailbox,
                  "inbox",
                  LIVE_SENDER,
                  List.of(mailbox),
                  now,
                  null,
                  "<" + messageId + ">"),
              subject);
      itemOf.put(subject, id);
      Thread.sleep(NOTIFY_EVERY_MS);
    }
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (seen.size() < NOTIFICATIONS && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    poller.interrupt();
    List<Long> millis = new ArrayList<>();
    int unstreamed = 0;
    for (Map.Entry<String, String> sent : itemOf.entrySet()) {
      Long emitted = fake.streamedAt.get(sent.getValue());
      Long visible = seen.get(sent.getKey());
      if (emitted == null) {
        unstreamed++;
      } else if (visible != null) {
        millis.add(Math.max(0, (visible - emitted) / 1_000_000));
      }
    }
    System.out.printf(
        "notifications: %d emails to %d streaming mailboxes, one every %d ms: %d streamed, %d"
            + " seen on the timeline, %d never notified%n",
        NOTIFICATIONS,
        streaming.size(),
        NOTIFY_EVERY_MS,
        itemOf.size() - unstreamed,
        seen.size(),
        unstreamed);
    if (!millis.isEmpty()) {
      LatencyReport.print(
          "notification to timeline", 0, millis.stream().mapToLong(Long::longValue).toArray(), "");
    }
  }

  static String contact(HttpClient http, String base, String token, String name, String email)
      throws Exception {
    return json(AddinLogBench.send(
            http,
            "POST",
            base + "/api/records/contacts",
            token,
            "{\"firstName\":\""
                + name
                + "\",\"lastName\":\"Bench\",\"emails\":[\""
                + email
                + "\"]}"))
        .getString("id");
  }

  // ---------------------------------------------------------------------------- heap, profile

  /** The highest occupancy a GC pause saw, and the most a pause left, from {@code -Xlog:gc}. */
  static String heap(Path gcLog) throws IOException {
    long before = 0;
    long after = 0;
    int pauses = 0;
    int full = 0;
    long live = -1;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher pause = GC_PAUSE.matcher(line);
      if (pause.find()) {
        before = Math.max(before, Long.parseLong(pause.group(1)));
        after = Math.max(after, Long.parseLong(pause.group(2)));
        pauses++;
        if (line.contains("Pause Full")) {
          full++;
          live = Long.parseLong(pause.group(2));
        }
      }
    }
    return String.format(
        "peak %d MB before a GC pause, at most %d MB left after one, of 512 MB (%d pauses, %d"
            + " full; live after the last full one: %s)",
        before, after, pauses, full, live < 0 ? "none yet" : live + " MB");
  }

  /**
   * A one-second recording at the server's start. JFR's first recording retransforms JDK classes
   * and the JVM then drops nearly all of its compiled code (21,700 methods in a capture run);
   * started with a timed run, the recompiling took half of the machine's CPU while it ran.
   */
  static String jfrSettledAtStart(Path data) {
    return "-XX:StartFlightRecording=name=jit-settle,settings=profile,duration=1s,filename="
        + data.resolve("jit-settle.jfr");
  }

  static void jcmd(Process server, String... command) throws Exception {
    List<String> line = new ArrayList<>(List.of("jcmd", Long.toString(server.pid())));
    line.addAll(List.of(command));
    Process jcmd =
        new ProcessBuilder(line)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!jcmd.waitFor(2, TimeUnit.MINUTES)) {
      jcmd.destroyForcibly();
    }
  }

  /**
   * Where the server's CPU went during the backfills, from JFR's execution samples: Mailbridge's
   * methods by the share of samples they are on the stack of, and the top frames overall.
   */
  static void profile(Path jfr, List<String> watched) throws IOException {
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> self = new HashMap<>();
    int samples = 0;
    try (RecordingFile recording = new RecordingFile(jfr)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent event = recording.readEvent();
        if (!event.getEventType().getName().equals("jdk.ExecutionSample")
            || event.getStackTrace() == null) {
          continue;
        }
        samples++;
        List<RecordedFrame> frames = event.getStackTrace().getFrames();
        if (!frames.isEmpty()) {
          self.merge(name(frames.get(0)), 1, Integer::sum);
        }
        Set<String> onStack = new HashSet<>();
        for (RecordedFrame frame : frames) {
          String name = name(frame);
          if (onStack.add(name)) {
            inclusive.merge(name, 1, Integer::sum);
          }
        }
      }
    }
    int total = Math.max(1, samples);
    System.out.printf("profile of the backfills: %d execution samples%n", samples);
    System.out.println("  watched methods, by share of samples on their stack:");
    for (String method : watched) {
      System.out.printf(
          "  %5.1f%%  %s%n", 100.0 * inclusive.getOrDefault(method, 0) / total, method);
    }
    Map<String, Integer> ours = new HashMap<>();
    inclusive.forEach(
        (m, n) -> {
          if (m.startsWith("io.mailbridge.")) {
            ours.put(m, n);
          }
        });
    System.out.println("  Mailbridge methods by share of samples on their stack:");
    top(ours, 25).forEach((m, n) -> System.out.printf("  %5.1f%%  %s%n", 100.0 * n / total, m));
    System.out.println("  top frames:");
    top(self, 15).forEach((m, n) -> System.out.printf("  %5.1f%%  %s%n", 100.0 * n / total, m));
  }

  /** The two hot spots the first profile showed, and what surrounds them. */
  static final List<String> WATCHED =
      List.of(
          "io.mailbridge.capture.control.CapturePipeline.capture",
          "io.mailbridge.mailbox.ews.control.EwsChangeFeed.page",
          "io.mailbridge.mailbox.ews.control.EwsChangeFeed.read",
          "io.mailbridge.mailbox.ews.control.ExchangeServiceAccount.call",
          "io.mailbridge.mailbox.ews.control.ExchangeHosts.policyFor",
          "io.mailbridge.mailbox.ews.control.ExchangeConnections.find",
          "io.mailbridge.message.MimeMail.parse",
          "org.eclipse.angus.mail.util.BASE64DecoderStream.read",
          "io.mailbridge.crm.control.ActivityStore.storeCapturedEmail");

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static Map<String, Integer> top(Map<String, Integer> counts, int n) {
    Map<String, Integer> top = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
        .limit(n)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  /** Prints how many SEVERE or OutOfMemoryError lines the server's log in {@code data} holds. */
  static void severeLines(Path data) throws java.io.IOException {
    int severe = 0;
    for (String line :
        Files.readAllLines(data.resolve("server.log"), StandardCharsets.ISO_8859_1)) {
      if (line.contains("SEVERE") || line.contains("OutOfMemoryError")) {
        severe++;
      }
    }
    System.out.printf("server log: %d SEVERE or OutOfMemoryError lines (%s)%n", severe, data);
  }
}
