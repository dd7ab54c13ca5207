package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CaptureState;
import io.mailbridge.capture.entity.GoogleCaptureScope;
import io.mailbridge.capture.entity.OrgCaptureScope;
import io.mailbridge.capture.entity.OrgMailbox;
import io.mailbridge.mailbox.control.AppOnlyMailboxes;
import io.mailbridge.mailbox.control.DelegatedMailboxes;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.crypto.control.BlindIndex;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Org-wide capture, no rep consenting: of Microsoft 365 with the org's app (app-only; the admin
 * lists users or names a group) and of Google Workspace with a service account's domain-wide
 * delegation (the admin uploads its key and lists users). Each user becomes a captured mailbox with
 * a cursor of its own, read through the same sync job as connected mailboxes. Taking a user off the
 * list stops its capture in the same transaction, and its provider is asked to stop pushing its
 * changes ({@link PushStops}); a group's members are read again by a job, at each change of the
 * choice and then every {@code mailbridge.capture.org-wide.members-interval}. The users of the
 * org's Exchange server ({@link ExchangeUsers}) are captured org-wide the same way; each provider
 * has its own list.
 */
@ApplicationScoped
public class OrgWideCapture {

  public static final String MEMBERS = "capture.org-members";
  static final String INDEX_KIND = "capture-org-mailbox";
  static final String EWS_INDEX_KIND = "capture-org-mailbox-ews";
  static final String GOOGLE_INDEX_KIND = "capture-org-mailbox-google";
  static final String UNLISTED = "Taken off the org-wide capture list";
  private static final Pattern ADDRESS = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,255}$");
  private static final Pattern GUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  @PersistenceContext EntityManager em;
  @Inject AppOnlyMailboxes appOnly;
  @Inject DelegatedMailboxes delegated;
  @Inject BlindIndex blindIndex;
  @Inject OrgCaptureSettings settings;
  @Inject CaptureJobs captureJobs;
  @Inject JobStore jobs;
  @Inject AuditLog audit;
  @Inject Users users;
  @Inject PushStops push;

  /** At most this many users are captured org-wide per org (a list, or a group's members). */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.org-wide.max-users", defaultValue = "1000")
  int maxUsers;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.org-wide.members-interval", defaultValue = "PT1H")
  Duration membersInterval;

  Clock clock = Clock.systemUTC();

  /** At most this many users are captured org-wide per org. */
  public int maxUsers() {
    return maxUsers;
  }

  /** One captured user as the admin sees it, with its capture health. */
  public record Captured(
      String mailboxId, String address, boolean viaGroup, CaptureHealth capture) {}

  /** The org's choice, the tenant read, and the users captured now. */
  public record Scope(
      List<String> users,
      String group,
      String tenantId,
      Instant membersReadAt,
      String problem,
      List<Captured> mailboxes) {}

  /** What the admin chose: a list of addresses, or a group, or nothing (nobody is captured). */
  public record Choice(List<String> users, String group) {}

  public Scope view(String orgId) {
    OrgCaptureScope scope = em.find(OrgCaptureScope.class, orgId);
    Choice choice = scope == null ? new Choice(List.of(), null) : parse(scope.chosenJson());
    String tenant;
    try {
      tenant = appOnly.tenant(orgId);
    } catch (DomainProblem notYet) {
      tenant = null;
    }
    List<Captured> captured = captured(orgId, MailboxKind.GRAPH);
    return new Scope(
        choice.group() == null ? choice.users() : null,
        choice.group(),
        tenant,
        scope == null ? null : scope.membersReadAt(),
        scope == null ? null : scope.problem(),
        captured);
  }

  /**
   * Replaces the org's choice. Listed users are captured from now on (backfill first), users no
   * longer listed stop at once; a group is read by a job queued here.
   */
  @Transactional
  public Scope replace(String orgId, String adminId, Choice wanted) {
    Choice choice = validated(wanted);
    if (choice.group() != null || !choice.users().isEmpty()) {
      appOnly.tenant(orgId); // 409 in words without a Microsoft app or a consented tenant
    }
    Instant now = clock.instant();
    OrgCaptureScope scope = em.find(OrgCaptureScope.class, orgId);
    if (scope == null) {
      scope = new OrgCaptureScope(orgId);
      scope.chosen(json(choice), adminId, now);
      em.persist(scope);
    } else {
      scope.chosen(json(choice), adminId, now);
    }
    if (choice.group() == null) {
      Map<String, String> listed = new LinkedHashMap<>();
      choice.users().forEach(u -> listed.put(u, u));
      reconcile(orgId, adminId, MailboxKind.GRAPH, listed, false, now);
    } else {
      // Listed users not in the group stop now; the group's members come with the job.
      for (OrgMailbox m : active(orgId, MailboxKind.GRAPH)) {
        if (!m.viaGroup()) {
          unlist(m, now);
        }
      }
      requestMembers(orgId);
    }
    em.flush();
    audit.record(
        orgId,
        adminId,
        "capture.org_wide_changed",
        null,
        "ok",
        choice.group() != null
            ? "Microsoft 365: a group"
            : "Microsoft 365: " + choice.users().size() + " users");
    return view(orgId);
  }

  /** Queues a read of the org's group (one job per org however often asked). */
  public void requestMembers(String orgId) {
    jobs.enqueue(NewJob.of(MEMBERS, orgId, orgId).dedupedBy(MEMBERS + ":" + orgId));
  }

  /** Orgs whose choice was last read before {@code now} minus the members interval. */
  public List<String> membersDue(Instant now) {
    return em.createQuery(
            "SELECT s.orgId FROM OrgCaptureScope s WHERE s.membersReadAt IS NULL"
                + " OR s.membersReadAt < :before",
            String.class)
        .setParameter("before", now.minus(membersInterval))
        .setMaxResults(500)
        .getResultList();
  }

  /**
   * Makes the org's captured users exactly {@code wanted} (address → the user Graph reads) among
   * those a group brought in ({@code viaGroup}) or those listed: new ones start their backfill,
   * missing ones stop at once.
   */
  void reconcile(
      String orgId,
      String adminId,
      MailboxKind kind,
      Map<String, String> wanted,
      boolean viaGroup,
      Instant now) {
    Map<String, Listed> listed = new LinkedHashMap<>();
    wanted.forEach(
        (address, user) -> listed.put(address, new Listed(user, crmUserAt(orgId, address))));
    reconcile(orgId, kind, adminId, listed, viaGroup, now);
  }

  /**
   * A user to capture: whom the provider reads ({@code readAs}) and whom its activities name as
   * owner (null: the admin who listed it, kept while it stays listed).
   */
  record Listed(String readAs, String ownerUserId) {}

  /**
   * Makes the org's users captured by {@code kind}'s provider exactly {@code wanted} (address → how
   * it is read) among those a group brought in ({@code viaGroup}) or those listed: new ones start
   * their backfill, missing ones stop at once.
   */
  void reconcile(
      String orgId,
      MailboxKind kind,
      String adminId,
      Map<String, Listed> wanted,
      boolean viaGroup,
      Instant now) {
    Map<String, String> byIndex = new LinkedHashMap<>();
    wanted.forEach((address, user) -> byIndex.put(index(orgId, kind, address), address));
    for (OrgMailbox m : active(orgId, kind)) {
      if (!byIndex.containsKey(index(orgId, kind, m.address())) || m.viaGroup() != viaGroup) {
        unlist(m, now);
      }
    }
    Instant since = now.minus(Duration.ofDays(settings.of(orgId).backfillDays()));
    for (Map.Entry<String, String> e : byIndex.entrySet()) {
      String address = e.getValue();
      Listed how = wanted.get(address);
      OrgMailbox m =
          em.createQuery(
                  "SELECT m FROM OrgMailbox m WHERE m.orgId = :org AND m.addressIndex = :index",
                  OrgMailbox.class)
              .setParameter("org", orgId)
              .setParameter("index", e.getKey())
              .getResultStream()
              .findFirst()
              .orElse(null);
      if (m == null) {
        m = new OrgMailbox(orgId, kind.provider(), e.getKey(), address, now);
        m.listed(
            how.readAs(), viaGroup, how.ownerUserId() != null ? how.ownerUserId() : adminId, now);
        em.persist(m);
      } else {
        String owner =
            how.ownerUserId() != null ? how.ownerUserId() : m.active() ? m.ownerUserId() : adminId;
        m.listed(how.readAs(), viaGroup, owner, now);
      }
      CaptureCursor cursor = em.find(CaptureCursor.class, m.id());
      if (cursor == null) {
        cursor =
            new CaptureCursor(
                m.id(), orgId, m.ownerUserId(), kind.provider(), CaptureSwitch.clientState(), now);
        em.persist(cursor);
      }
      if (!cursor.enabled()) {
        cursor.switchOn(since, now);
        em.flush();
        captureJobs.requestSync(orgId, m.id());
      }
    }
  }

  /** The org's enabled Mailbridge user signing in with {@code address}, who owns its capture. */
  private String crmUserAt(String orgId, String address) {
    return users
        .findByEmail(orgId, address)
        .filter(u -> !u.isDisabled())
        .map(AppUser::id)
        .orElse(null);
  }

  private void unlist(OrgMailbox m, Instant now) {
    CaptureCursor cursor = em.find(CaptureCursor.class, m.id());
    if (cursor != null && cursor.pushOpen()) {
      // Before the mailbox counts as unlisted: the provider is told while it is still reachable.
      push.stop(cursor);
      cursor.pushStopped(now);
    }
    m.unlisted(now);
    if (cursor != null) {
      cursor.switchOff(now);
      cursor.stopped(CaptureState.OFF, UNLISTED, now);
    }
  }

  /** Each provider has its own list; one address may be on several. */
  String index(String orgId, MailboxKind kind, String address) {
    String indexKind =
        switch (kind) {
          case GMAIL -> GOOGLE_INDEX_KIND;
          case EXCHANGE -> EWS_INDEX_KIND;
          case GRAPH -> INDEX_KIND;
        };
    return blindIndex.forOrg(orgId, indexKind, BlindIndex.normalize(address));
  }

  /** The org's users captured now by {@code kind}'s provider. */
  List<OrgMailbox> active(String orgId, MailboxKind kind) {
    return em.createQuery(
            "SELECT m FROM OrgMailbox m WHERE m.orgId = :org AND m.provider = :provider"
                + " AND m.active = true ORDER BY m.id",
            OrgMailbox.class)
        .setParameter("org", orgId)
        .setParameter("provider", kind.provider())
        .getResultList();
  }

  private List<Captured> captured(String orgId, MailboxKind kind) {
    List<Captured> captured = new ArrayList<>();
    for (OrgMailbox m : active(orgId, kind)) {
      CaptureCursor cursor = em.find(CaptureCursor.class, m.id());
      captured.add(
          new Captured(
              m.id(),
              m.address(),
              m.viaGroup(),
              cursor == null
                  ? CaptureHealth.never(m.id(), m.ownerUserId(), kind.provider())
                  : CaptureHealth.of(cursor)));
    }
    return captured;
  }

  // ------------------------------------------------------------------ Google Workspace

  /** The org's Google Workspace capture as admins see it: never the key itself. */
  public record GoogleScope(
      String clientEmail,
      String keyId,
      String clientId,
      String scope,
      List<String> users,
      List<Captured> mailboxes) {}

  public GoogleScope viewGoogle(String orgId) {
    GoogleCaptureScope scope = em.find(GoogleCaptureScope.class, orgId);
    return new GoogleScope(
        scope == null ? null : scope.clientEmail(),
        scope == null ? null : scope.keyId(),
        scope == null ? null : scope.clientId(),
        // As the Admin console's domain-wide delegation takes them: comma-separated.
        DelegatedMailboxes.SCOPE + "," + DelegatedMailboxes.CALENDAR_SCOPE,
        scope == null ? List.of() : parseUsers(scope.usersJson()),
        captured(orgId, MailboxKind.GMAIL));
  }

  /**
   * Stores the service account's key file ({@code keyJson}; null keeps the stored one) and the
   * users captured with it: listed users start their backfill, users no longer listed stop at once.
   */
  @Transactional
  public GoogleScope replaceGoogle(
      String orgId, String adminId, String keyJson, List<String> wantedUsers) {
    List<String> users = validated(new Choice(wantedUsers, null)).users();
    GoogleCaptureScope scope = em.find(GoogleCaptureScope.class, orgId);
    DelegatedMailboxes.ServiceAccount account = null;
    if (keyJson != null) {
      account = delegated.serviceAccount(keyJson); // 400 naming the field
    } else if (scope == null || !scope.hasKey()) {
      throw new InvalidField(
          "serviceAccountKey", "is required: the service account's JSON key file from Google");
    }
    Instant now = clock.instant();
    JsonArrayBuilder list = Json.createArrayBuilder();
    users.forEach(list::add);
    if (scope == null) {
      scope = new GoogleCaptureScope(orgId);
      scope.key(keyJson, account.clientEmail(), account.keyId(), account.clientId());
      scope.listed(list.build().toString(), adminId, now);
      em.persist(scope);
    } else {
      if (account != null) {
        scope.key(keyJson, account.clientEmail(), account.keyId(), account.clientId());
      }
      scope.listed(list.build().toString(), adminId, now);
    }
    Map<String, String> listed = new LinkedHashMap<>();
    users.forEach(u -> listed.put(u, u));
    reconcile(orgId, adminId, MailboxKind.GMAIL, listed, false, now);
    em.flush();
    audit.record(
        orgId,
        adminId,
        "capture.org_wide_changed",
        null,
        "ok",
        "Google Workspace: "
            + users.size()
            + " users"
            + (account != null ? ", new service account key " + account.keyId() : ""));
    return viewGoogle(orgId);
  }

  private static List<String> parseUsers(String json) {
    return Json.createReader(new StringReader(json))
        .readArray()
        .getValuesAs(JsonString.class)
        .stream()
        .map(JsonString::getString)
        .toList();
  }

  /** The admin's choice checked: addresses, or a group id or mail; fields named in 400s. */
  Choice validated(Choice wanted) {
    if (wanted.group() != null && wanted.users() != null) {
      throw new InvalidField("group", "send either users or group, not both");
    }
    if (wanted.group() != null) {
      String group = wanted.group().strip();
      if (!GUID.matcher(group).matches() && !ADDRESS.matcher(group).matches()) {
        throw new InvalidField("group", "must be a group's object id (a GUID) or its mail address");
      }
      return new Choice(List.of(), group.toLowerCase(Locale.ROOT));
    }
    Set<String> users = new LinkedHashSet<>();
    List<String> given = wanted.users() == null ? List.of() : wanted.users();
    for (int i = 0; i < given.size(); i++) {
      String u = given.get(i) == null ? "" : given.get(i).strip().toLowerCase(Locale.ROOT);
      if (!ADDRESS.matcher(u).matches()) {
        throw new InvalidField("users[" + i + "]", "is not a mail address");
      }
      users.add(u);
    }
    if (users.size() > maxUsers) {
      throw new InvalidField("users", "at most " + maxUsers + " users are captured org-wide");
    }
    return new Choice(List.copyOf(users), null);
  }

  static String json(Choice choice) {
    if (choice.group() != null) {
      return Json.createObjectBuilder().add("group", choice.group()).build().toString();
    }
    JsonArrayBuilder users = Json.createArrayBuilder();
    choice.users().forEach(users::add);
    return Json.createObjectBuilder().add("users", users).build().toString();
  }

  static Choice parse(String json) {
    JsonObject o = Json.createReader(new StringReader(json)).readObject();
    if (o.containsKey("group")) {
      return new Choice(List.of(), o.getString("group"));
    }
    return new Choice(
        o.getJsonArray("users").getValuesAs(JsonString.class).stream()
            .map(JsonString::getString)
            .toList(),
        null);
  }
}
