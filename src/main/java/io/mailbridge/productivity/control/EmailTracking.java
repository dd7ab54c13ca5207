package io.mailbridge.productivity.control;

import io.mailbridge.crm.control.RecordFields;
import io.mailbridge.crm.control.Records;
import io.mailbridge.mailbox.control.SendingMailboxes;
import io.mailbridge.message.MailMessage;
import io.mailbridge.platform.base.OpaqueId;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.productivity.control.ProductivitySwitches.Switches;
import io.mailbridge.productivity.control.TrackingTokens.Target;
import io.mailbridge.productivity.entity.TrackedEmail;
import io.mailbridge.productivity.entity.TrackingEvent;
import io.mailbridge.productivity.entity.TrackingEvent.Kind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Open and click tracking: prepares an email (pixel and tracked links) when the org has tracking on
 * and no recipient is internal, records what the pixel and the links see (machines flagged, see
 * {@link MachineOpens}), and sums it up for the rep who prepared the email and on the CRM activity
 * the sent email became.
 */
@ApplicationScoped
public class EmailTracking {

  static final int MAX_RECIPIENTS = 500;
  static final int MAX_RECORDS = 50;
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,253}$");
  // The tokens of the pixel and of tracked links, wherever the public URL put them.
  private static final Pattern TOKEN_IN_HTML =
      Pattern.compile("/t/[oc]/([oc]\\.[A-Za-z0-9_-]{22}(?:\\.[0-9]{1,4})?\\.[A-Za-z0-9_-]{22})");

  @PersistenceContext EntityManager em;
  @Inject ProductivitySwitches switches;
  @Inject TrackingTokens tokens;
  @Inject Users users;
  @Inject Records records;
  @Inject MailbridgeSettings settings;
  @Inject SendingMailboxes mailboxes;

  @Inject
  @ConfigProperty(name = "mailbridge.tracking.machine-window", defaultValue = "PT10S")
  Duration machineWindow;

  @Inject
  @ConfigProperty(name = "mailbridge.tracking.max-events", defaultValue = "1000")
  int maxEvents;

  Clock clock = Clock.systemUTC();

  /**
   * The email as it should be sent: tracked (with its id) or, with the reason, exactly as given.
   * Reasons: {@code tracking_off} (the org's switch), {@code internal_recipient}.
   */
  public record Prepared(boolean tracked, String reason, String id, String html, int links) {}

  @Transactional
  public Prepared prepare(
      String orgId, String userId, String html, List<String> recipients, List<String> recordIds) {
    if (html == null) {
      throw new InvalidField("html", "is required");
    }
    List<String> addresses = addresses(recipients);
    List<String> chosen = recordIds(orgId, recordIds);
    Switches orgSwitches = switches.of(orgId);
    if (!orgSwitches.trackingEnabled()) {
      return new Prepared(false, "tracking_off", null, html, 0);
    }
    for (String address : addresses) {
      if (isInternal(orgId, address, orgSwitches.internalDomains())) {
        return new Prepared(false, "internal_recipient", null, html, 0);
      }
    }
    String id = OpaqueId.next();
    String base = settings.publicUrl();
    TrackedLinks.Rewritten rewritten =
        TrackedLinks.rewrite(
            html, n -> base + "/t/c/" + tokens.click(id, n), base + "/t/o/" + tokens.open(id));
    JsonArrayBuilder links = Json.createArrayBuilder();
    rewritten.links().forEach(links::add);
    JsonArrayBuilder records = Json.createArrayBuilder();
    chosen.forEach(records::add);
    String data =
        Json.createObjectBuilder().add("links", links).add("recordIds", records).build().toString();
    em.persist(new TrackedEmail(id, orgId, userId, clock.instant(), data));
    return new Prepared(true, null, id, rewritten.html(), rewritten.links().size());
  }

  /**
   * An internal recipient: at one of the org's internal domains (or a sub-domain), or the login
   * address of one of the org's users.
   */
  boolean isInternal(String orgId, String address, List<String> internalDomains) {
    if (isAtDomain(address, internalDomains)) {
      return true;
    }
    return users.findByLoginEmail(address).filter(u -> u.orgId().equals(orgId)).isPresent();
  }

  static boolean isAtDomain(String address, List<String> domains) {
    String domain = address.substring(address.lastIndexOf('@') + 1);
    return domains.stream().anyMatch(d -> domain.equals(d) || domain.endsWith("." + d));
  }

  /** Records an open of a verified token's email; anything else is ignored (the pixel shows). */
  @Transactional
  public void open(String token, String userAgent) {
    tokens
        .verify(token)
        .filter(Target::isOpen)
        .flatMap(t -> email(t.emailId()))
        .ifPresent(email -> record(email, Kind.OPEN, -1, userAgent));
  }

  /**
   * Where a verified click token leads (the link that was in the email), recording the click; empty
   * for a token this server did not make or whose email is gone.
   */
  @Transactional
  public Optional<URI> click(String token, String userAgent) {
    Optional<Destination> destination = destination(token);
    destination.ifPresent(d -> record(d.email(), Kind.CLICK, d.link(), userAgent));
    return destination.map(Destination::url);
  }

  /** Where a click token leads, without recording anything (for {@code HEAD}). */
  public Optional<URI> peek(String token) {
    return destination(token).map(Destination::url);
  }

  private record Destination(TrackedEmail email, int link, URI url) {}

  private Optional<Destination> destination(String token) {
    Optional<Target> target = tokens.verify(token).filter(t -> !t.isOpen());
    if (target.isEmpty()) {
      return Optional.empty();
    }
    Optional<TrackedEmail> email = email(target.get().emailId());
    if (email.isEmpty()) {
      return Optional.empty();
    }
    List<String> links = links(email.get());
    int n = target.get().link();
    return n < links.size()
        ? Optional.of(new Destination(email.get(), n, URI.create(links.get(n))))
        : Optional.empty();
  }

  private void record(TrackedEmail email, Kind kind, int link, String userAgent) {
    // An org that turned tracking off stops recording; its links keep working.
    if (!switches.of(email.orgId()).trackingEnabled()) {
      return;
    }
    long count =
        em.createQuery(
                "SELECT COUNT(e) FROM TrackingEvent e WHERE e.trackedEmailId = :id", Long.class)
            .setParameter("id", email.id())
            .getSingleResult();
    Instant lastMachine =
        em.createQuery(
                "SELECT MAX(e.occurredAt) FROM TrackingEvent e WHERE e.trackedEmailId = :id"
                    + " AND e.machineReason IS NOT NULL",
                Instant.class)
            .setParameter("id", email.id())
            .getSingleResult();
    if (count >= maxEvents) {
      return; // enough to tell the story; a flood of fetches must not grow the table
    }
    Instant now = clock.instant();
    String reason =
        MachineOpens.reason(userAgent, email.preparedAt(), lastMachine, now, machineWindow)
            .orElse(null);
    em.persist(new TrackingEvent(email.orgId(), email.id(), kind, link, reason, now));
  }

  /** What was seen of one tracked email. */
  public record Summary(
      String id, Instant preparedAt, List<String> recordIds, Opens opens, List<LinkClicks> links) {}

  /** Opens by people (count, first, last) and how many fetches were machines'. */
  public record Opens(int count, Instant first, Instant last, int machineCount) {}

  /** Clicks on one link by people, and by machines. */
  public record LinkClicks(
      int n, String url, int count, Instant first, Instant last, int machineCount) {}

  /** The summary of an email the asker prepared; anyone else's is "not found". */
  public Summary summary(String orgId, String userId, String id) {
    return summary(
        email(id)
            .filter(e -> e.orgId().equals(orgId) && e.userId().equals(userId))
            .orElseThrow(() -> new NotFound("Tracked email")));
  }

  /**
   * The summary of the tracked email that was stored as this CRM activity, if one was; the same
   * summary {@link #summary(String, String, String)} gives its rep.
   */
  public Optional<Summary> ofActivity(String orgId, String activityId) {
    return em.createQuery(
            "SELECT t FROM TrackedEmail t WHERE t.orgId = :org AND t.activityId = :activity"
                + " ORDER BY t.preparedAt DESC, t.id DESC",
            TrackedEmail.class)
        .setParameter("org", orgId)
        .setParameter("activity", activityId)
        .setMaxResults(1)
        .getResultStream()
        .findFirst()
        .map(this::summary);
  }

  /**
   * Connects a stored email to the tracked email whose pixel or links it carries, when it is a send
   * and not a received copy: marked as sent by its mailbox's owner, or from the login or a mailbox
   * address of the rep who prepared it. A recipient's reply that quotes the email carries the same
   * tokens but is neither. The first such activity stays (storing the same message again ends in
   * the same activity anyway).
   *
   * @return whether a tracked email was connected to the activity
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean linkActivity(String orgId, String activityId, MailMessage message) {
    Optional<TrackedEmail> found =
        tokensIn(message.htmlBody()).stream()
            .map(tokens::verify)
            .flatMap(Optional::stream)
            .map(Target::emailId)
            .distinct()
            .map(this::email)
            .flatMap(Optional::stream)
            .filter(e -> e.orgId().equals(orgId) && e.activityId() == null)
            .findFirst();
    if (found.isEmpty() || !sentBy(found.get(), message)) {
      return false;
    }
    return em.createQuery(
                "UPDATE TrackedEmail t SET t.activityId = :activity WHERE t.id = :id"
                    + " AND t.orgId = :org AND t.activityId IS NULL")
            .setParameter("activity", activityId)
            .setParameter("id", found.get().id())
            .setParameter("org", orgId)
            .executeUpdate()
        == 1;
  }

  /** The tracking tokens of an email's HTML, pixel first; a few are enough to find the email. */
  static List<String> tokensIn(String html) {
    List<String> found = new ArrayList<>();
    if (html == null || !html.contains("/t/")) {
      return found;
    }
    Matcher m = TOKEN_IN_HTML.matcher(html);
    while (m.find() && found.size() < 10) {
      found.add(m.group(1));
    }
    found.sort((a, b) -> Boolean.compare(b.startsWith("o."), a.startsWith("o.")));
    return found;
  }

  private boolean sentBy(TrackedEmail email, MailMessage message) {
    if (message.ownerSent()) {
      return true;
    }
    String from = message.from() == null ? null : message.from().email();
    if (from == null) {
      return false;
    }
    Set<String> own = new java.util.HashSet<>();
    users.findActive(email.orgId(), email.userId()).ifPresent(u -> own.add(lower(u.email())));
    mailboxes.ofUser(email.orgId(), email.userId()).forEach(m -> own.add(lower(m.address())));
    return own.contains(lower(from));
  }

  private static String lower(String address) {
    return address == null ? "" : address.strip().toLowerCase(Locale.ROOT);
  }

  private Summary summary(TrackedEmail email) {
    String id = email.id();
    List<TrackingEvent> events =
        em.createQuery(
                "SELECT e FROM TrackingEvent e WHERE e.trackedEmailId = :id"
                    + " ORDER BY e.occurredAt",
                TrackingEvent.class)
            .setParameter("id", id)
            .getResultList();
    List<String> links = links(email);
    List<LinkClicks> clicks = new ArrayList<>();
    for (int n = 0; n < links.size(); n++) {
      Counted counted = count(events, Kind.CLICK, n);
      clicks.add(
          new LinkClicks(
              n, links.get(n), counted.people, counted.first, counted.last, counted.machines));
    }
    Counted opens = count(events, Kind.OPEN, -1);
    return new Summary(
        email.id(),
        email.preparedAt(),
        strings(data(email), "recordIds"),
        new Opens(opens.people, opens.first, opens.last, opens.machines),
        clicks);
  }

  private record Counted(int people, Instant first, Instant last, int machines) {}

  private static Counted count(List<TrackingEvent> events, Kind kind, int link) {
    int people = 0;
    int machines = 0;
    Instant first = null;
    Instant last = null;
    for (TrackingEvent e : events) {
      if (e.kind() != kind || e.linkIndex() != link) {
        continue;
      }
      if (e.isMachine()) {
        machines++;
      } else {
        people++;
        first = first == null ? e.occurredAt() : first;
        last = e.occurredAt();
      }
    }
    return new Counted(people, first, last, machines);
  }

  private Optional<TrackedEmail> email(String id) {
    return Optional.ofNullable(id == null ? null : em.find(TrackedEmail.class, id));
  }

  private static List<String> links(TrackedEmail email) {
    return strings(data(email), "links");
  }

  private static JsonObject data(TrackedEmail email) {
    try (var reader = Json.createReader(new StringReader(email.dataJson()))) {
      return reader.readObject();
    }
  }

  private static List<String> strings(JsonObject data, String field) {
    return data.getJsonArray(field).getValuesAs(JsonString.class).stream()
        .map(JsonString::getString)
        .toList();
  }

  private static List<String> addresses(List<String> recipients) {
    if (recipients == null || recipients.isEmpty()) {
      throw new InvalidField("recipients", "name at least one address");
    }
    if (recipients.size() > MAX_RECIPIENTS) {
      throw new InvalidField("recipients", "at most " + MAX_RECIPIENTS + " addresses");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < recipients.size(); i++) {
      String raw = recipients.get(i);
      String address = raw == null ? "" : RecordFields.normalizeEmail(raw);
      if (address.length() > 320 || !EMAIL.matcher(address).matches()) {
        throw new InvalidField("recipients[" + i + "]", "is not an email address");
      }
      out.add(address.toLowerCase(Locale.ROOT));
    }
    return new ArrayList<>(out);
  }

  private List<String> recordIds(String orgId, List<String> ids) {
    if (ids == null) {
      return List.of();
    }
    if (ids.size() > MAX_RECORDS) {
      throw new InvalidField("recordIds", "at most " + MAX_RECORDS + " records");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      if (id == null || records.viewAnyType(orgId, id).isEmpty()) {
        throw new InvalidField("recordIds[" + i + "]", "no such record");
      }
      out.add(id);
    }
    return new ArrayList<>(out);
  }
}
