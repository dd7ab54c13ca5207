package io.mailbridge.bench;

import io.mailbridge.bench.ExchangeCaptureBench.Generated;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthBrowser;
import io.mailbridge.it.providers.ProviderQuotas;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Capture of Microsoft 365 (Graph) and Gmail mailboxes through the real server, side by side in one
 * run, against the fake Graph and Gmail of the tests on loopback (their wire formats: message
 * delta, {@code $value}, subscriptions and change notifications; messages.list, messages.get in
 * {@code metadata} and {@code raw}, history.list, getProfile and Cloud Pub/Sub pushes with a
 * Google-signed OIDC token). A synthetic mailbox generator fills {@code bench.messages} messages
 * over 180 days into each mailbox (70% under 20 KB, 25% of 20–200 KB, 5% with a 1–5 MB attachment;
 * the other party is one of {@code bench.contacts} imported CRM contacts for 30% of them); bodies
 * are made when a message is read, so a mailbox of gigabytes never sits in memory.
 *
 * <p>For each provider it reports: the backfill of 1 mailbox and of {@code bench.mailboxes} at once
 * with the fakes imposing no quota, against the raw limit of the same run (the same calls from a
 * plain HTTP client that discards the bytes, plus the captured rows written to H2 with JDBC batch
 * inserts); one more mailbox backfilled with the fakes imposing the providers' quotas ({@link
 * ProviderQuotas}), on a second server paced for the same scaled quotas: the share of the quota
 * used and the 429s; {@code bench.notifications} new messages each timed from its notification
 * (Graph change notification, Pub/Sub push) to its activity on a contact's timeline; the server's
 * peak heap (GC log) and, once it stopped, the space per 1,000 captured activities in its database;
 * and, unless {@code -Dbench.profile=false}, where the server's CPU went during the timed backfills
 * (JFR).
 *
 * <p>Run after {@code ./mvnw package -DskipTests}: {@code ./mvnw -Pbench
 * -Dbench.main=io.mailbridge.bench.GraphGmailCaptureBench} (-Dbench.messages=50000,
 * -Dbench.mailboxes=100, -Dbench.contacts=100000, -Dbench.notifications=500; see bench/README.md).
 */
public final class GraphGmailCaptureBench {

  static final int MESSAGES = Integer.getInteger("bench.messages", 50_000);
  static final int MAILBOXES = Integer.getInteger("bench.mailboxes", 100);
  static final int CONTACTS = Integer.getInteger("bench.contacts", 100_000);
  static final int NOTIFICATIONS = Integer.getInteger("bench.notifications", 500);
  static final int NOTIFY_EVERY_MS = Integer.getInteger("bench.notify-every-ms", 250);
  static final int WARMUP_MESSAGES = Integer.getInteger("bench.warmup-messages", 200);
  static final int WARMUP_MAILBOXES = Integer.getInteger("bench.warmup-mailboxes", 10);
  static final int QUOTA_MESSAGES = Integer.getInteger("bench.quota-messages", MESSAGES);
  static final int QUOTA_SCALE = Integer.getInteger("bench.quota-scale", 1);
  static final int GMAIL_UNITS = Integer.getInteger("bench.gmail-units", 6000);
  static final int READERS = Integer.getInteger("bench.readers", 4);
  static final int GRAPH_PAGE = Integer.getInteger("bench.graph-page", 50);
  static final int GMAIL_PAGE = Integer.getInteger("bench.gmail-page", 100);

  /** The calls of one Gmail metadata batch (Mailbridge's default). */
  static final int GMAIL_BATCH = 50;

  static final double MATCHED = Double.parseDouble(System.getProperty("bench.matched", "0.3"));
  static final int PORT = Integer.getInteger("bench.port", 18197);
  static final int FAKE_PORT = Integer.getInteger("bench.fake-port", 18198);
  static final Path WAR = Path.of(System.getProperty("bench.war", "target/mailbridge.war"));
  static final boolean PROFILE = Boolean.parseBoolean(System.getProperty("bench.profile", "true"));
  static final List<String> PROVIDERS =
      List.of(System.getProperty("bench.providers", "graph,gmail").split(","));

  static final String PUSH_AUDIENCE = OAuthBrowser.PUBLIC_URL + "/api/notify/gmail";
  static final String PUSH_SENDER = "pubsub-push@mailbridge-bench.iam.gserviceaccount.com";
  static final String DOMAIN = "bench.example";

  private GraphGmailCaptureBench() {}

  // ------------------------------------------------------------------------- the generator

  /** One generated message: enough to describe it, and to make its bytes again when read. */
  record Spec(
      String account,
      int index,
      boolean sent,
      String party,
      boolean matched,
      Instant received,
      int textKb,
      int attachmentMb,
      String messageId,
      String subject) {

    String from() {
      return sent ? account : party;
    }

    String to() {
      return sent ? party : account;
    }
  }

  /** The text the bodies are cut from, and one base64 attachment of each size from 1 to 5 MB. */
  private static final String PADDING;

  private static final byte[][] ATTACHMENTS = new byte[6][];

  static {
    Random random = new Random(7);
    PADDING = prose(random, 110 * 1024);
    for (int mb = 1; mb <= 5; mb++) {
      byte[] bytes = new byte[mb * 1024 * 1024];
      random.nextBytes(bytes);
      ATTACHMENTS[mb] = Base64.getMimeEncoder().encode(bytes);
    }
  }

  /**
   * {@code count} messages of one mailbox over the last 179 days (inside the default 180-day
   * backfill window): one in five in Sent Items; the size class and the other party drawn as the
   * issue asks; the same account gives the same mailbox.
   */
  static List<Spec> mailbox(String account, int count) {
    Random random = new Random(account.hashCode());
    Instant now = Instant.now();
    List<Spec> specs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      boolean sent = i % 5 == 4;
      boolean matched = random.nextDouble() < MATCHED;
      String party =
          matched
              ? ImportBench.contactAddress(random.nextInt(CONTACTS))
              : "stranger"
                  + random.nextInt(1_000_000)
                  + "@elsewhere"
                  + random.nextInt(997)
                  + ".example";
      double size = random.nextDouble();
      // text and HTML carry the same text, so the message is about twice the text
      int textKb;
      int attachmentMb = 0;
      if (size < 0.70) {
        textKb = 1 + random.nextInt(9);
      } else if (size < 0.95) {
        textKb = 10 + random.nextInt(90);
      } else {
        textKb = 2;
        attachmentMb = 1 + random.nextInt(5);
      }
      Instant received =
          now.minus(10 + random.nextInt(179 * 24 * 60), ChronoUnit.MINUTES)
              .truncatedTo(ChronoUnit.SECONDS);
      specs.add(
          new Spec(
              account,
              i,
              sent,
              party,
              matched,
              received,
              textKb,
              attachmentMb,
              Long.toHexString(random.nextLong()) + "." + i + "@" + DOMAIN,
              "Order " + i + " of " + account));
    }
    return specs;
  }

  private static final DateTimeFormatter RFC_5322 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** The header block the fakes keep (Gmail's metadata is read from it), blank line included. */
  static byte[] headers(Spec spec) {
    return ("MIME-Version: 1.0\r\nFrom: "
            + spec.from()
            + "\r\nTo: "
            + spec.to()
            + "\r\nSubject: "
            + spec.subject()
            + "\r\nDate: "
            + RFC_5322.format(spec.received())
            + "\r\nMessage-ID: <"
            + spec.messageId()
            + ">\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Text that deflates about as prose does: sentences of words drawn from 2,000 made of syllables.
   * One sentence repeated, as before, deflated a hundredfold and flattered anything that compresses
   * what it stores.
   */
  static String prose(Random random, int length) {
    String[] syllables = {
      "ba", "con", "de", "fi", "gra", "hal", "in", "jo", "ka", "lin", "mor", "ne", "or", "pa",
      "qui", "ro", "sta", "ter", "un", "ver", "wil", "xe", "yo", "zen", "al", "bet", "cor", "dis",
      "en", "for", "gen", "ho", "ist", "ment", "nal", "ous", "pre", "que", "ri", "sion"
    };
    String[] words = new String[2000];
    for (int i = 0; i < words.length; i++) {
      StringBuilder word = new StringBuilder();
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        word.append(syllables[random.nextInt(syllables.length)]);
      }
      words[i] = word.toString();
    }
    StringBuilder text = new StringBuilder(length + 200);
    int line = 0;
    while (text.length() < length) {
      int count = 6 + random.nextInt(13);
      for (int i = 0; i < count; i++) {
        String word = words[random.nextInt(words.length)];
        if (i == 0) {
          word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
        }
        text.append(word).append(i == count - 1 ? ". " : " ");
        line += word.length() + 1;
        if (line > 70) {
          text.append("\r\n");
          line = 0;
        }
      }
    }
    return text.toString();
  }

  static String text(Spec spec) {
    return "Hello,\r\n\r\nabout "
        + spec.subject()
        + ":\r\n"
        + PADDING.substring(0, spec.textKb() * 1024);
  }

  /**
   * The whole message: the kept headers, text and HTML, and the attachment if it has one. Its
   * boundaries are as long as real mailers make them (Gmail writes 28 hex digits, Outlook about 50
   * characters): with the 3- and 5-letter ones this used before, a MIME parser's boundary search
   * could skip only a few bytes at a time, and the fake spent four fifths of its CPU scanning the
   * attachments for them.
   */
  static byte[] whole(Spec spec, byte[] stored) {
    String text = text(spec);
    String mixed = boundary(spec, 'f');
    String alt = boundary(spec, 'd');
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(
            stored.length + 2 * text.length() + 1024 + spec.attachmentMb() * 1_400_000);
    out.write(stored, 0, stored.length - 2);
    StringBuilder m = new StringBuilder(2 * text.length() + 512);
    if (spec.attachmentMb() > 0) {
      m.append("Content-Type: multipart/mixed; boundary=\"")
          .append(mixed)
          .append("\"\r\n\r\n--")
          .append(mixed)
          .append("\r\n");
    }
    m.append("Content-Type: multipart/alternative; boundary=\"")
        .append(alt)
        .append("\"\r\n\r\n--")
        .append(alt)
        .append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
        .append(text)
        .append("\r\n--")
        .append(alt)
        .append("\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><pre>")
        .append(text)
        .append("</pre></body></html>\r\n--")
        .append(alt)
        .append("--\r\n");
    if (spec.attachmentMb() > 0) {
      String pdf = "report-" + spec.index() + ".pdf";
      m.append("--")
          .append(mixed)
          .append("\r\nContent-Type: application/pdf; name=\"")
          .append(pdf)
          .append("\"\r\nContent-Disposition: attachment; filename=\"")
          .append(pdf)
          .append("\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    }
    out.writeBytes(m.toString().getBytes(StandardCharsets.UTF_8));
    if (spec.attachmentMb() > 0) {
      out.writeBytes(ATTACHMENTS[spec.attachmentMb()]);
      out.writeBytes(("\r\n--" + mixed + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  /** A boundary in Gmail's style, 28 hex digits, one per message and part ({@code last}). */
  static String boundary(Spec spec, char last) {
    return String.format(
            Locale.ROOT, "000000000000%015x", spec.messageId().hashCode() & 0xffffffffL)
        + last;
  }

  /** Every generated message by its provider id, for the fakes and the raw reader. */
  static final Map<String, Spec> SPECS = new ConcurrentHashMap<>();

  /** Puts the mailbox into the provider's fake: the change log and headers only. */
  static List<Spec> fill(FakeProviders fake, String provider, String account, int count) {
    List<Spec> specs = mailbox(account, count);
    for (Spec spec : specs) {
      put(fake, provider, spec);
    }
    return specs;
  }

  static String put(FakeProviders fake, String provider, Spec spec) {
    String id = id(provider, spec);
    SPECS.put(id, spec);
    if (provider.equals("graph")) {
      fake.putGraphItem(
          spec.account(),
          id,
          spec.sent() ? "sentitems" : "inbox",
          spec.messageId(),
          spec.subject(),
          spec.from(),
          List.of(spec.to()),
          spec.received(),
          List.of(),
          headers(spec));
    } else {
      fake.addGmailMessageAt(
          spec.account(), id, headers(spec), spec.received(), spec.sent() ? "SENT" : "INBOX");
    }
    return id;
  }

  private static final AtomicLong NEXT_ID = new AtomicLong();

  /** An id of the provider's shape, unique over the run (the fakes keep messages per account). */
  private static String id(String provider, Spec spec) {
    long n = NEXT_ID.incrementAndGet();
    return provider.equals("graph")
        ? "AAMkAGBench" + Long.toString(n, 36) + "AAA"
        : Long.toHexString(0x18c0000000000L + n);
  }

  // ------------------------------------------------------------------------------ the run

  /** What one provider's part of the run measured, for the table at the end. */
  static final class Figures {
    final String provider;
    final Map<String, String> rows = new LinkedHashMap<>();

    Figures(String provider) {
      this.provider = provider;
    }
  }

  public static void main(String[] args) throws Exception {
    // The fakes' JDK HTTP server, like Google's and Microsoft's front ends, answers without waiting
    // for delayed ACKs; without it every small answer (a Gmail metadata read) waits about 40 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Path data = Files.createTempDirectory(Path.of("target"), "cloud-capture-bench");
    Path rawDb = Files.createTempDirectory(Path.of("target"), "cloud-capture-raw");
    FakeProviders fake = FakeProviders.start(FAKE_PORT);
    fake.keepRequests = false;
    fake.wholeMessages =
        (id, stored) -> {
          Spec spec = SPECS.get(id);
          return spec == null ? stored : whole(spec, stored);
        };
    String fakeBase = "http://127.0.0.1:" + FAKE_PORT;
    Map<String, String> settings = new LinkedHashMap<>(ProviderFakes.cloudSettings(fakeBase));
    settings.put("MAILBRIDGE_JOBS_ENABLED", "true");
    settings.put("MAILBRIDGE_CAPTURE_GMAIL_TOPIC", "projects/mailbridge-bench/topics/gmail");
    settings.put("MAILBRIDGE_CAPTURE_GMAIL_PUSH_AUDIENCE", PUSH_AUDIENCE);
    settings.put("MAILBRIDGE_CAPTURE_GMAIL_PUSH_SERVICE_ACCOUNT", PUSH_SENDER);
    List<String> jvm = new ArrayList<>(List.of("-Xlog:gc:file=" + data.resolve("gc.log")));
    if (PROFILE) {
      jvm.add("-XX:FlightRecorderOptions=stackdepth=256");
      jvm.add(ExchangeCaptureBench.jfrSettledAtStart(data));
    }
    Process server = ImportBench.startServer(data, PORT, settings, jvm, WAR);
    List<Figures> figures = new ArrayList<>();
    try {
      ImportBench.Ready ready = ImportBench.ready(PORT);
      HttpClient http = ready.http();
      String base = ready.base();
      String token = ready.token();
      ProviderFakes.registerApps(http, base, token, fake);
      Path csv = data.resolve("contacts.csv");
      ImportBench.writeCsv(csv, CONTACTS);
      long importing = System.nanoTime();
      HttpResponse<String> imported = ImportBench.importCsv(http, base, token, csv);
      if (imported.statusCode() >= 300) {
        throw new IllegalStateException("the contact import answered " + imported.statusCode());
      }
      System.out.printf(
          "%,d CRM contacts imported in %.1f s; %d + 1 mailboxes x %,d messages per provider"
              + " (%d%% with a contact as the other party), WAR %s%n",
          CONTACTS,
          (System.nanoTime() - importing) / 1e9,
          MAILBOXES,
          MESSAGES,
          Math.round(MATCHED * 100),
          WAR);
      for (String provider : PROVIDERS) {
        figures.add(run(provider, http, base, token, fake, server, data, rawDb));
      }
      ExchangeCaptureBench.severeLines(data);
    } finally {
      stop(server);
    }
    try {
      quotaRuns(fake, settings, figures);
    } finally {
      fake.stop();
    }
    table(figures);
    databasePerThousand(data);
  }

  private static void stop(Process server) throws InterruptedException {
    server.destroy();
    if (!server.waitFor(60, TimeUnit.SECONDS)) {
      server.destroyForcibly().waitFor();
    }
  }

  /**
   * The backfills under the providers' quotas, on a server of their own whose pacing is scaled as
   * the fakes' quotas are ({@link #quotaRun}): a server pacing Google's real minute would spend in
   * a scaled-down window more than the fake allows, and the 429s would measure the scaling.
   */
  private static void quotaRuns(
      FakeProviders fake, Map<String, String> cloudSettings, List<Figures> figures)
      throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "cloud-capture-quota");
    Map<String, String> settings = new LinkedHashMap<>(cloudSettings);
    settings.put("MAILBRIDGE_GRAPH_MAILBOX_REQUESTS", Long.toString(graphLimit()));
    settings.put("MAILBRIDGE_GRAPH_MAILBOX_WINDOW", graphWindow().toString());
    settings.put("MAILBRIDGE_CAPTURE_GMAIL_QUOTA_UNITS_PER_MINUTE", Long.toString(gmailLimit()));
    settings.put("MAILBRIDGE_CAPTURE_GMAIL_QUOTA_WINDOW", gmailWindow().toString());
    Process server = ImportBench.startServer(data, PORT, settings, List.of(), WAR);
    try {
      ImportBench.Ready ready = ImportBench.ready(PORT);
      HttpClient http = ready.http();
      ProviderFakes.registerApps(http, ready.base(), ready.token(), fake);
      Path csv = data.resolve("contacts.csv");
      ImportBench.writeCsv(csv, CONTACTS);
      if (ImportBench.importCsv(http, ready.base(), ready.token(), csv).statusCode() >= 300) {
        throw new IllegalStateException("the contact import of the quota server failed");
      }
      for (Figures f : figures) {
        // This server's JVM is cold: without a warm-up, the first part of the run would measure
        // the JIT, not the pacing (a cold server captures more slowly than the quota allows).
        String warm = f.provider + "-quota-warmup@" + DOMAIN;
        fill(fake, f.provider, warm, WARMUP_MESSAGES);
        Backfill warmed =
            backfill(
                http,
                ready.base(),
                ready.token(),
                List.of(
                    ProviderFakes.connect(http, ready.base(), ready.token(), f.provider, warm)));
        System.out.printf(
            "quota server's warm-up backfill (no quota), 1 mailbox: %d seen in %.1f s%n",
            warmed.seen(), warmed.seconds());
        String quota = f.provider + "-quota@" + DOMAIN;
        fill(fake, f.provider, quota, QUOTA_MESSAGES);
        String id = ProviderFakes.connect(http, ready.base(), ready.token(), f.provider, quota);
        quotaRun(f.provider, http, ready.base(), ready.token(), fake, id, quota, f);
      }
      ExchangeCaptureBench.severeLines(data);
    } finally {
      stop(server);
    }
  }

  /** Graph's 10,000 requests per 10 minutes per mailbox, scaled. */
  private static long graphLimit() {
    return 10_000 / QUOTA_SCALE;
  }

  private static Duration graphWindow() {
    return Duration.ofMinutes(10).dividedBy(QUOTA_SCALE);
  }

  /**
   * Gmail's units per minute, scaled no further than a window that still holds one job run: a page
   * of 100 messages described with format=metadata (500 units) and the matched ones read. A run
   * refused half-way is read again from its start, so a smaller window never lets a page through.
   */
  private static int gmailScale() {
    return Math.max(1, Math.min(QUOTA_SCALE, GMAIL_UNITS / 1000));
  }

  private static long gmailLimit() {
    return GMAIL_UNITS / gmailScale();
  }

  private static Duration gmailWindow() {
    return Duration.ofMinutes(1).dividedBy(gmailScale());
  }

  private static Figures run(
      String provider,
      HttpClient http,
      String base,
      String token,
      FakeProviders fake,
      Process server,
      Path data,
      Path rawDb)
      throws Exception {
    Figures f = new Figures(provider);
    System.out.printf("%n===== %s =====%n", provider);
    List<String> warm = new ArrayList<>();
    for (int i = 1; i <= WARMUP_MAILBOXES; i++) {
      warm.add(String.format("%s-warmup%02d@%s", provider, i, DOMAIN));
    }
    String solo = provider + "-solo@" + DOMAIN;
    List<String> many = new ArrayList<>();
    for (int i = 1; i <= MAILBOXES; i++) {
      many.add(String.format("%s-m%03d@%s", provider, i, DOMAIN));
    }
    long generating = System.nanoTime();
    Map<String, List<Spec>> specs = new LinkedHashMap<>();
    for (String account : warm) {
      specs.put(account, fill(fake, provider, account, WARMUP_MESSAGES));
    }
    specs.put(solo, fill(fake, provider, solo, MESSAGES));
    for (String account : many) {
      specs.put(account, fill(fake, provider, account, MESSAGES));
    }
    Map<String, String> ids = new LinkedHashMap<>();
    for (String account : specs.keySet()) {
      ids.put(account, ProviderFakes.connect(http, base, token, provider, account));
    }
    System.out.printf(
        "generated and connected %d mailboxes in %.1f s%n",
        specs.size(), (System.nanoTime() - generating) / 1e9);

    // The raw limit, before capture runs; the first round only warms up (the JIT, the fake).
    RawRead.of(provider, fake, warm, READERS);
    RawRead rawSolo = RawRead.of(provider, fake, List.of(solo), 1);
    RawRead rawMany = RawRead.of(provider, fake, many, READERS);
    double writeSolo = ExchangeCaptureBench.rawWrite(rawDb, rows(specs, List.of(solo)));
    double writeMany = ExchangeCaptureBench.rawWrite(rawDb, rows(specs, many));

    // Several mailboxes at once, so the JIT's optimising compiler reaches the whole capture path
    // before the measured runs: with one small mailbox it was still compiling it (AES-GCM's GHASH
    // ran without its intrinsic) 30 s into the backfill of 100 mailboxes.
    Backfill warmed = backfill(http, base, token, warm.stream().map(ids::get).toList());
    System.out.printf(
        "warm-up backfill, %d mailboxes: %d seen, %d captured in %.1f s%n",
        warm.size(), warmed.seen(), warmed.captured(), warmed.seconds());
    Path jfr = data.resolve(provider + "-backfill.jfr");
    if (PROFILE) {
      ExchangeCaptureBench.jcmd(
          server, "JFR.start", "name=" + provider, "settings=profile", "filename=" + jfr);
    }
    Backfill one = backfill(http, base, token, List.of(ids.get(solo)));
    f.rows.put(
        "backfill, 1 mailbox (msg/s seen; captured)",
        String.format("%.0f; %.0f", one.seen() / one.seconds(), one.captured() / one.seconds()));
    f.rows.put("raw limit, 1 mailbox (msg/s)", String.format("%.0f", rawSolo.limit(writeSolo)));
    f.rows.put(
        "share of the raw limit, 1 mailbox",
        String.format("%.0f%%", 100 * one.seen() / one.seconds() / rawSolo.limit(writeSolo)));
    System.out.printf(
        "backfill, 1 mailbox: %d seen, %d captured in %.1f s: %.1f msg/s (%.1f captured/s); raw"
            + " limit %.1f msg/s (%s; H2 batch insert %.0f rows/s)%n",
        one.seen(),
        one.captured(),
        one.seconds(),
        one.seen() / one.seconds(),
        one.captured() / one.seconds(),
        rawSolo.limit(writeSolo),
        rawSolo,
        writeSolo);
    List<String> manyIds = many.stream().map(ids::get).toList();
    Map<String, double[]> callsBefore = calls(http, base, provider);
    Duration serverBefore = cpu(server.toHandle());
    Duration fakesBefore = cpu(ProcessHandle.current());
    Backfill all = backfill(http, base, token, manyIds);
    printCalls(provider, calls(http, base, provider), callsBefore, all.seconds());
    double serverCpu = cpu(server.toHandle()).minus(serverBefore).toMillis() / 1e3;
    double fakesCpu = cpu(ProcessHandle.current()).minus(fakesBefore).toMillis() / 1e3;
    if (PROFILE) {
      ExchangeCaptureBench.jcmd(server, "JFR.stop", "name=" + provider, "filename=" + jfr);
    }
    f.rows.put(
        "backfill, " + MAILBOXES + " mailboxes (msg/s seen; captured)",
        String.format("%.0f; %.0f", all.seen() / all.seconds(), all.captured() / all.seconds()));
    f.rows.put(
        "raw limit, " + MAILBOXES + " mailboxes (msg/s)",
        String.format("%.0f", rawMany.limit(writeMany)));
    f.rows.put(
        "share of the raw limit, " + MAILBOXES + " mailboxes",
        String.format("%.0f%%", 100 * all.seen() / all.seconds() / rawMany.limit(writeMany)));
    System.out.printf(
        "backfill, %d mailboxes at once: %d seen, %d captured in %.1f s: %.1f msg/s (%.1f"
            + " captured/s); raw limit %.1f msg/s (%s on %d threads; H2 batch insert %.0f"
            + " rows/s)%n",
        MAILBOXES,
        all.seen(),
        all.captured(),
        all.seconds(),
        all.seen() / all.seconds(),
        all.captured() / all.seconds(),
        rawMany.limit(writeMany),
        rawMany,
        READERS,
        writeMany);
    // The fakes answer from this JVM on the server's two cores; the server's own CPU per message
    // says what it would do on a node of its own, which the throughput above cannot.
    f.rows.put(
        "server CPU per 1,000 messages, " + MAILBOXES + " mailboxes (s)",
        String.format("%.2f", 1000 * serverCpu / all.seen()));
    f.rows.put(
        "CPU during it: server; fakes (cores)",
        String.format("%.2f; %.2f", serverCpu / all.seconds(), fakesCpu / all.seconds()));
    System.out.printf(
        "CPU during the backfill of %d mailboxes: server %.1f s (%.2f s per 1,000 messages seen,"
            + " %.2f cores on average), the fakes' JVM %.1f s (%.2f cores); the server's CPU per"
            + " message alone on %d cores would allow %.0f msg/s%n",
        MAILBOXES,
        serverCpu,
        1000 * serverCpu / all.seen(),
        serverCpu / all.seconds(),
        fakesCpu,
        fakesCpu / all.seconds(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().availableProcessors() * all.seen() / serverCpu);
    String live = latency(provider, http, base, token, fake, many, f);
    ExchangeCaptureBench.jcmd(server, "GC.run");
    Thread.sleep(1000);
    String heap = ExchangeCaptureBench.heap(data.resolve("gc.log"));
    System.out.println("server heap with " + (MAILBOXES + 2) + " mailboxes live: " + heap);
    f.rows.put("server heap (GC log, whole run so far)", heap.replaceAll(" \\(.*", ""));

    if (PROFILE && Files.exists(jfr)) {
      ExchangeCaptureBench.profile(jfr, WATCHED);
    }
    return f;
  }

  /**
   * The server's calls to the provider so far, from its metrics: operation → {calls, seconds}, all
   * outcomes together.
   */
  private static Map<String, double[]> calls(HttpClient http, String base, String provider)
      throws Exception {
    Map<String, double[]> calls = new TreeMap<>();
    for (String line : SyncBench.metrics(http, base)) {
      boolean count = line.startsWith("mailbridge_provider_calls_seconds_count{");
      boolean sum = line.startsWith("mailbridge_provider_calls_seconds_sum{");
      if ((count || sum) && SyncBench.label(line, "provider").equals(provider)) {
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        calls
                .computeIfAbsent(SyncBench.label(line, "operation"), k -> new double[2])[
                count ? 0 : 1] +=
            value;
      }
    }
    return calls;
  }

  /**
   * Where the capture jobs' time went: the time spent waiting for each kind of provider call during
   * the backfill, against the jobs' time (the pump's threads times the backfill's length), as the
   * server measured it.
   */
  private static void printCalls(
      String provider, Map<String, double[]> after, Map<String, double[]> before, double seconds) {
    System.out.printf(
        "%s calls during the backfill (the server's metrics; the job threads had %.0f s):%n",
        provider,
        seconds
            * Integer.parseInt(System.getenv().getOrDefault("MAILBRIDGE_JOBS_CONCURRENCY", "4")));
    after.forEach(
        (operation, now) -> {
          double[] was = before.getOrDefault(operation, new double[2]);
          double calls = now[0] - was[0];
          double spent = now[1] - was[1];
          if (calls > 0) {
            System.out.printf(
                "  %-24s %8.0f calls %8.1f s %8.1f ms each%n",
                operation, calls, spent, 1000 * spent / calls);
          }
        });
  }

  /** The CPU time a process has used so far, all its threads; zero where the OS does not say. */
  static Duration cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** The captured rows of these mailboxes, made as they are written. */
  private static Stream<Generated> rows(Map<String, List<Spec>> specs, List<String> accounts) {
    return accounts.stream()
        .flatMap(a -> specs.get(a).stream())
        .filter(Spec::matched)
        .map(s -> new Generated(s.account(), s.subject(), s.from(), s.received(), text(s)));
  }

  /**
   * The space the captured activities take in the server's H2 database (its {@code ACTIVITY…}
   * tables, by H2's {@code DISK_SPACE_USED}), per 1,000 activities; read once the server stopped.
   * H2's file size says little: it grows in steps and reuses freed pages.
   */
  static void databasePerThousand(Path data) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:h2:file:" + data.toAbsolutePath().resolve("mailbridge"), "sa", "");
        Statement s = c.createStatement()) {
      long bytes = 0;
      StringBuilder tables = new StringBuilder();
      try (ResultSet r =
          s.executeQuery(
              "SELECT TABLE_NAME, DISK_SPACE_USED('PUBLIC.\"' || TABLE_NAME || '\"') FROM"
                  + " INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME LIKE"
                  + " 'ACTIVITY%'")) {
        while (r.next()) {
          bytes += r.getLong(2);
          tables.append(String.format(" %s %.1f MB", r.getString(1), r.getLong(2) / 1e6));
        }
      }
      long activities;
      try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM ACTIVITY")) {
        r.next();
        activities = r.getLong(1);
      }
      System.out.printf(
          "database: %,d activities take %.1f MB (%s): %.1f MB per 1,000 captured messages%n",
          activities,
          bytes / 1e6,
          tables.toString().strip(),
          bytes / 1e6 * 1000 / Math.max(1, activities));
    }
  }

  static final List<String> WATCHED =
      List.of(
          "io.mailbridge.capture.control.CaptureSync.run",
          "io.mailbridge.capture.control.CapturePipeline.capture",
          "io.mailbridge.mailbox.graph.control.GraphChangeFeed.page",
          "io.mailbridge.mailbox.graph.control.GraphChangeFeed.read",
          "io.mailbridge.mailbox.gmail.control.GmailChangeFeed.page",
          "io.mailbridge.mailbox.gmail.control.GmailChangeFeed.read",
          "io.mailbridge.message.MimeMail.parse",
          "io.mailbridge.crm.control.ParticipantMatcher.match",
          "io.mailbridge.crm.control.ActivityStore.storeCapturedEmail");

  // --------------------------------------------------------------------------- raw limit

  /** What the plain client read: messages seen, captured (read whole), calls, bytes, time. */
  record RawRead(long seen, long whole, long calls, long bytes, double seconds) {

    /** Messages per second if reading and writing the captured rows took turns. */
    double limit(double rowsPerSecond) {
      return seen / (seconds + whole / rowsPerSecond);
    }

    @Override
    public String toString() {
      return String.format(
          "raw read %.1f msg/s: %d seen, %d whole, %d calls, %.0f MB in %.1f s",
          seen / seconds, seen, whole, calls, bytes / 1e6, seconds);
    }

    /**
     * The mailboxes read as capture reads them, by a plain HTTP client with each mailbox's own
     * token, on {@code threads} threads, one mailbox at a time each: the listing pages, each
     * message's description (Gmail's {@code format=metadata}; Graph's delta carries it), and the
     * whole message of those a contact takes part in, its bytes discarded.
     */
    static RawRead of(String provider, FakeProviders fake, List<String> accounts, int threads)
        throws Exception {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(accounts);
      AtomicLong seen = new AtomicLong();
      AtomicLong whole = new AtomicLong();
      AtomicLong calls = new AtomicLong();
      AtomicLong bytes = new AtomicLong();
      List<Exception> failures = new CopyOnWriteArrayList<>();
      List<Thread> readers = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        Thread reader =
            new Thread(
                () -> {
                  try {
                    for (String account; (account = queue.poll()) != null; ) {
                      Reader r = new Reader(http, fake, fake.accessTokenOf(account), calls, bytes);
                      if (provider.equals("graph")) {
                        r.graph(seen, whole);
                      } else {
                        r.gmail(seen, whole);
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
      return new RawRead(
          seen.get(), whole.get(), calls.get(), bytes.get(), (System.nanoTime() - start) / 1e9);
    }
  }

  /** One mailbox's plain reads. */
  private record Reader(
      HttpClient http, FakeProviders fake, String token, AtomicLong calls, AtomicLong bytes) {

    void graph(AtomicLong seen, AtomicLong whole) throws Exception {
      String since =
          DateTimeFormatter.ISO_INSTANT.format(
              Instant.now().minus(180, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS));
      for (String folder : List.of("inbox", "sentitems")) {
        String next =
            fake.base()
                + "/graph/v1.0/me/mailFolders/"
                + folder
                + "/messages/delta?"
                + "$select="
                + enc(
                    "subject,from,toRecipients,ccRecipients,receivedDateTime,sentDateTime,"
                        + "internetMessageId,categories,isDraft,conversationId")
                + "&$orderby="
                + enc("receivedDateTime desc")
                + "&$filter="
                + enc("receivedDateTime ge " + since);
        while (next != null) {
          JsonObject page =
              ExchangeCaptureBench.json(get(next, "odata.maxpagesize=" + GRAPH_PAGE, null));
          for (JsonObject m : page.getJsonArray("value").getValuesAs(JsonObject.class)) {
            seen.incrementAndGet();
            String id = m.getString("id");
            if (SPECS.get(id).matched()) {
              get(fake.base() + "/graph/v1.0/me/messages/" + id + "/$value", null, bytes);
              whole.incrementAndGet();
            }
          }
          next = page.containsKey("@odata.nextLink") ? page.getString("@odata.nextLink") : null;
        }
      }
    }

    private static final String METADATA =
        "format=metadata&metadataHeaders=From&metadataHeaders=To&metadataHeaders=Cc"
            + "&metadataHeaders=Subject&metadataHeaders=Date&metadataHeaders=Message-ID";

    void gmail(AtomicLong seen, AtomicLong whole) throws Exception {
      String api = fake.base() + "/google/gmail/v1/users/me/";
      get(api + "profile", null, null);
      long after = Instant.now().minus(180, ChronoUnit.DAYS).getEpochSecond();
      String pageToken = null;
      do {
        get(api + "labels", null, null);
        JsonObject page =
            ExchangeCaptureBench.json(
                get(
                    api
                        + "messages?q="
                        + enc("after:" + after + " (in:inbox OR in:sent)")
                        + "&maxResults="
                        + GMAIL_PAGE
                        + (pageToken == null ? "" : "&pageToken=" + enc(pageToken)),
                    null,
                    null));
        List<String> ids =
            page.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .map(m -> m.getString("id"))
                .toList();
        for (int from = 0; from < ids.size(); from += GMAIL_BATCH) {
          batch(ids.subList(from, Math.min(ids.size(), from + GMAIL_BATCH)), METADATA);
        }
        seen.addAndGet(ids.size());
        // What capture reads when the org stores no attachment bytes (the default), as it does.
        List<String> matched = ids.stream().filter(id -> SPECS.get(id).matched()).toList();
        for (int from = 0; from < matched.size(); from += GMAIL_BATCH) {
          batch(matched.subList(from, Math.min(matched.size(), from + GMAIL_BATCH)), "format=full");
        }
        whole.addAndGet(matched.size());
        pageToken = page.get("nextPageToken") instanceof JsonString s ? s.getString() : null;
      } while (pageToken != null);
    }

    /**
     * The messages' {@code messages.get} with {@code query} in one batch request, as capture reads
     * them: one {@code application/http} part per call (developers.google.com/gmail/api/guides
     * /batch).
     */
    private void batch(List<String> ids, String query) throws Exception {
      String boundary = "bench_batch";
      StringBuilder body = new StringBuilder();
      for (String id : ids) {
        body.append("--")
            .append(boundary)
            .append("\r\nContent-Type: application/http\r\nContent-ID: <")
            .append(id)
            .append(">\r\n\r\nGET /gmail/v1/users/me/messages/")
            .append(id)
            .append("?")
            .append(query)
            .append(" HTTP/1.1\r\n\r\n");
      }
      body.append("--").append(boundary).append("--\r\n");
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create(fake.base() + "/google/batch/gmail/v1"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "multipart/mixed; boundary=" + boundary)
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      calls.incrementAndGet();
      if (answer.statusCode() != 200 || answer.body().contains("HTTP/1.1 4")) {
        throw new IllegalStateException("a batch answered " + answer.statusCode());
      }
      bytes.addAndGet(answer.body().length());
    }

    /** GET with the mailbox's token; the body kept, or only counted when {@code discard}. */
    private String get(String url, String prefer, AtomicLong discard) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
      if (prefer != null) {
        request.header("Prefer", prefer);
      }
      HttpResponse<String> answer =
          http.send(
              request.build(),
              discard != null
                  ? ExchangeCaptureBench.discarding(discard)
                  : HttpResponse.BodyHandlers.ofString());
      calls.incrementAndGet();
      if (answer.statusCode() != 200) {
        throw new IllegalStateException(
            "GET " + URI.create(url).getPath() + " answered " + answer.statusCode());
      }
      if (answer.body() != null) {
        bytes.addAndGet(answer.body().length());
      }
      return answer.body();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ----------------------------------------------------------------------------- backfill

  record Backfill(long seen, long captured, long skipped, double seconds) {}

  /**
   * Switches capture on for these mailboxes (as their owner, one call each), then waits until every
   * one of them has finished its backfill; answers what they saw and captured and how long it took
   * from the first switch.
   */
  static Backfill backfill(HttpClient http, String base, String token, List<String> mailboxIds)
      throws Exception {
    long start = System.nanoTime();
    for (String id : mailboxIds) {
      AddinLogBench.send(
          http, "PUT", base + "/api/mailboxes/" + id + "/capture", token, "{\"enabled\":true}");
    }
    Set<String> wanted = Set.copyOf(mailboxIds);
    long deadline = start + TimeUnit.MINUTES.toNanos(120);
    while (System.nanoTime() < deadline) {
      List<JsonObject> mine = new ArrayList<>();
      for (JsonObject m : captureHealth(http, base, token)) {
        if (wanted.contains(m.getString("mailboxId"))) {
          mine.add(m);
        }
      }
      for (JsonObject m : mine) {
        if (m.getString("state").equals("error") || m.getString("state").equals("off")) {
          throw new IllegalStateException("a mailbox's capture failed: " + m);
        }
      }
      if (mine.size() == wanted.size()
          && mine.stream().allMatch(m -> m.getString("phase").equals("live"))) {
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Backfill(
            mine.stream().mapToLong(m -> m.getJsonNumber("seen").longValue()).sum(),
            mine.stream().mapToLong(m -> m.getJsonNumber("captured").longValue()).sum(),
            mine.stream().mapToLong(m -> m.getJsonNumber("skipped").longValue()).sum(),
            seconds);
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the backfill did not finish within two hours");
  }

  static List<JsonObject> captureHealth(HttpClient http, String base, String token)
      throws Exception {
    List<JsonObject> found = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page =
          ExchangeCaptureBench.json(
              AddinLogBench.send(
                  http,
                  "GET",
                  base
                      + "/api/admin/capture/mailboxes?limit=200"
                      + (cursor == null ? "" : "&cursor=" + cursor),
                  token,
                  ""));
      found.addAll(page.getJsonArray("items").getValuesAs(JsonObject.class));
      cursor = page.get("next") instanceof JsonString next ? next.getString() : null;
    } while (cursor != null);
    return found;
  }

  // ------------------------------------------------------------------------------ quotas

  /**
   * One more mailbox backfilled while the fakes impose the provider's quota (windows and allowances
   * divided by {@code bench.quota-scale}, so a small mailbox meets the same rate): the share of the
   * allowance the backfill used in the whole windows of its run, and the 429s the fake answered.
   */
  private static void quotaRun(
      String provider,
      HttpClient http,
      String base,
      String token,
      FakeProviders fake,
      String mailboxId,
      String mailboxAddress,
      Figures f)
      throws Exception {
    boolean graph = provider.equals("graph");
    long limit = graph ? graphLimit() : gmailLimit();
    Duration windowLength = graph ? graphWindow() : gmailWindow();
    String key = mailboxAddress.toLowerCase(java.util.Locale.ROOT);
    fake.quotas.limits.put(key, new ProviderQuotas.Limit(limit, windowLength, graph ? 4 : 0));
    Backfill run;
    long started = System.currentTimeMillis();
    try {
      run = backfill(http, base, token, List.of(mailboxId));
    } finally {
      fake.quotas.limits.remove(key);
    }
    ProviderQuotas quotas = fake.quotas;
    long units = quotas.unitsFor(mailboxAddress);
    long refused = quotas.refusedFor(mailboxAddress);
    double window = windowLength.toNanos() / 1e9;
    // Counted over the run's whole windows from its start: any window-long stretch admits at most
    // the allowance, and the last, partial one only holds what was left of the backfill.
    long wholeWindows = (long) Math.floor(run.seconds() / window);
    long windowMillis = windowLength.toMillis();
    long unitsInWhole =
        quotas.admittedAt.getOrDefault(key, new java.util.ArrayDeque<>()).stream()
            .filter(a -> a[0] - started < wholeWindows * windowMillis)
            .mapToLong(a -> a[1])
            .sum();
    double share =
        wholeWindows == 0 ? units / (double) limit : unitsInWhole / (double) (limit * wholeWindows);
    f.rows.put("quota used (backfill under quota)", String.format("%.0f%%", 100 * share));
    f.rows.put("429s (after the first)", refused + " (" + Math.max(0, refused - 1) + ")");
    System.out.printf(
        "under %s's quota (%d %s per %.1f s%s; scale 1/%d): %d seen, %d captured in %.1f s: %.1f"
            + " msg/s; %d requests (%d %s) admitted, %.0f%% of the allowance in the run's"
            + " whole windows; %d"
            + " answered 429 (%d over the concurrency)%n",
        provider,
        limit,
        graph ? "requests" : "units",
        window,
        graph ? ", 4 at once" : "",
        graph ? QUOTA_SCALE : gmailScale(),
        run.seen(),
        run.captured(),
        run.seconds(),
        run.seen() / run.seconds(),
        quotas.admittedFor(mailboxAddress),
        units,
        graph ? "requests" : "units",
        100 * share,
        refused,
        quotas.refusedAtOnceFor(mailboxAddress));
    timeline(quotas.admittedAt.get(key), started, windowLength);
  }

  /**
   * Units admitted per tenth of the window from the run's start, so one sees where the allowance
   * went unused (a gap) and where the window was full.
   */
  private static void timeline(java.util.Queue<long[]> admitted, long started, Duration window) {
    if (admitted == null || admitted.isEmpty()) {
      return;
    }
    long bucket = Math.max(1, window.toMillis() / 10);
    java.util.TreeMap<Long, Long> units = new java.util.TreeMap<>();
    for (long[] a : admitted) {
      units.merge((a[0] - started) / bucket, a[1], Long::sum);
    }
    StringBuilder line = new StringBuilder();
    for (long b = 0; b <= units.lastKey(); b++) {
      line.append(b % 10 == 0 ? " |" : " ").append(units.getOrDefault(b, 0L));
    }
    System.out.printf("units admitted per %d ms from the start:%s%n", bucket, line);
  }

  // ------------------------------------------------------------------------ notifications

  /**
   * {@code NOTIFICATIONS} new messages from a live contact, one every {@code NOTIFY_EVERY_MS} ms,
   * round robin over the many mailboxes: each put into the fake, then announced as the provider
   * would (Graph: a change notification with the subscription's clientState; Gmail: a Pub/Sub push
   * with a Google-signed OIDC token), and timed from the announcement to its first appearance on
   * the contact's timeline (polled every 50 ms).
   */
  private static String latency(
      String provider,
      HttpClient http,
      String base,
      String token,
      FakeProviders fake,
      List<String> accounts,
      Figures f)
      throws Exception {
    String sender = "live-" + provider + "@customer.example";
    String contact = ExchangeCaptureBench.contact(http, base, token, "Live", sender);
    Map<String, FakeProviders.GraphSubscription> subscriptions = new ConcurrentHashMap<>();
    if (provider.equals("graph")) {
      fake.graphSubscriptions.values().forEach(s -> subscriptions.put(s.account(), s));
    }
    String pushToken =
        provider.equals("gmail")
            ? fake.googlePushToken(
                PUSH_AUDIENCE, PUSH_SENDER, true, Instant.now().plus(2, ChronoUnit.HOURS), false)
            : null;
    Map<String, Long> seen = new ConcurrentHashMap<>();
    Map<String, Long> announced = new ConcurrentHashMap<>();
    Thread poller =
        new Thread(
            () -> {
              String url = base + "/api/records/contacts/" + contact + "/timeline?limit=100";
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  JsonObject page =
                      ExchangeCaptureBench.json(AddinLogBench.send(http, "GET", url, token, ""));
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
    int refused = 0;
    for (int i = 0; i < NOTIFICATIONS; i++) {
      String account = accounts.get(i % accounts.size());
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Spec spec =
          new Spec(
              account,
              1_000_000 + i,
              false,
              sender,
              true,
              now,
              2,
              0,
              Long.toHexString(System.nanoTime()) + ".live@" + DOMAIN,
              "Live " + provider + " " + i);
      String body;
      String path;
      String authorization = null;
      put(fake, provider, spec);
      if (provider.equals("graph")) {
        FakeProviders.GraphSubscription s = subscriptions.get(account);
        if (s == null) {
          throw new IllegalStateException("no Graph subscription for a live mailbox");
        }
        path = "/api/notify/graph";
        body = graphNotification(s);
      } else {
        path = "/api/notify/gmail";
        body = gmailPush(account);
        authorization = "Bearer " + pushToken;
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      long at = System.nanoTime();
      HttpResponse<String> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 202) {
        refused++;
        if (refused == 1) {
          System.out.println("notification answered " + answer.statusCode() + ": " + answer.body());
        }
      }
      announced.put(spec.subject(), at);
      Thread.sleep(NOTIFY_EVERY_MS);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (seen.keySet().stream().filter(announced::containsKey).count() < NOTIFICATIONS
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    poller.interrupt();
    List<Long> millis = new ArrayList<>();
    announced.forEach(
        (subject, at) -> {
          Long visible = seen.get(subject);
          if (visible != null) {
            millis.add(Math.max(0, (visible - at) / 1_000_000));
          }
        });
    System.out.printf(
        "notifications: %d to %d mailboxes, one every %d ms: %d not answered 202, %d seen on the"
            + " timeline%n",
        NOTIFICATIONS,
        Math.min(NOTIFICATIONS, accounts.size()),
        NOTIFY_EVERY_MS,
        refused,
        millis.size());
    if (!millis.isEmpty()) {
      long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
      LatencyReport.print("notification to timeline", 0, sorted, "");
      f.rows.put(
          "notification to timeline, median / p99 (ms)",
          sorted[sorted.length / 2]
              + " / "
              + sorted[(int) Math.ceil(sorted.length * 0.99) - 1]
              + (millis.size() < NOTIFICATIONS ? " (" + millis.size() + " seen)" : ""));
    }
    return contact;
  }

  private static String graphNotification(FakeProviders.GraphSubscription s) {
    // learn.microsoft.com/graph/change-notifications-delivery-webhooks: a
    // changeNotificationCollection
    return Json.createObjectBuilder()
        .add(
            "value",
            Json.createArrayBuilder()
                .add(
                    Json.createObjectBuilder()
                        .add("subscriptionId", s.id())
                        .add("subscriptionExpirationDateTime", s.expirationDateTime())
                        .add("changeType", "created")
                        .add("resource", "Users/" + s.account() + "/Messages/AAMkAD")
                        .add(
                            "resourceData",
                            Json.createObjectBuilder()
                                .add("@odata.type", "#Microsoft.Graph.Message")
                                .add("@odata.id", "Users/" + s.account() + "/Messages/AAMkAD")
                                .add("id", "AAMkAD"))
                        .add("clientState", s.clientState() == null ? "" : s.clientState())
                        .add("tenantId", "84bd8158-6d4d-4958-8b9f-9d6445542f95")))
        .build()
        .toString();
  }

  private static String gmailPush(String account) {
    // developers.google.com/gmail/api/guides/push: message.data is base64 {emailAddress, historyId}
    String data =
        Base64.getEncoder()
            .encodeToString(
                Json.createObjectBuilder()
                    .add("emailAddress", account)
                    .add("historyId", System.nanoTime())
                    .build()
                    .toString()
                    .getBytes(StandardCharsets.UTF_8));
    return Json.createObjectBuilder()
        .add(
            "message",
            Json.createObjectBuilder()
                .add("data", data)
                .add("messageId", String.valueOf(System.nanoTime()))
                .add("publishTime", Instant.now().toString()))
        .add("subscription", "projects/mailbridge-bench/subscriptions/gmail-push")
        .build()
        .toString();
  }

  // ------------------------------------------------------------------------------- table

  private static void table(List<Figures> figures) {
    System.out.printf(
        "%n%d + 1 mailboxes of %,d messages per provider, %,d contacts, %d notifications%n",
        MAILBOXES, MESSAGES, CONTACTS, NOTIFICATIONS);
    List<String> labels = new ArrayList<>();
    figures.forEach(
        f ->
            f.rows
                .keySet()
                .forEach(
                    k -> {
                      if (!labels.contains(k)) {
                        labels.add(k);
                      }
                    }));
    StringBuilder header = new StringBuilder(String.format("| %-48s |", ""));
    figures.forEach(f -> header.append(String.format(" %-28s |", f.provider)));
    System.out.println(header);
    for (String label : labels) {
      StringBuilder row = new StringBuilder(String.format("| %-48s |", label));
      figures.forEach(f -> row.append(String.format(" %-28s |", f.rows.getOrDefault(label, ""))));
      System.out.println(row);
    }
  }
}
