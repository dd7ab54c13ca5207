package io.mailbridge.productivity.control;

import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.control.Records.TypedView;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotAllowed;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.productivity.control.MergeFields.Rendered;
import io.mailbridge.productivity.entity.Shortcut;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.text.Collator;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Text shortcuts of a user and of the org: an org shortcut is written by an admin and seen by
 * everyone in the org, a user's own only by that user; anything else is "not found".
 */
@ApplicationScoped
public class Shortcuts {

  static final int MAX_NAME = 100;
  static final int MAX_TEXT = 20_000;
  static final int MAX_PER_OWNER = 500;

  @PersistenceContext EntityManager em;
  @Inject Records records;
  @Inject Users users;
  @Inject AuditLog audit;

  Clock clock = Clock.systemUTC();

  /** Who asks: their org, their id and whether they administer the org. */
  public record Asker(String orgId, String userId, boolean admin) {}

  /** Whose a shortcut is. */
  public enum Scope {
    USER,
    ORG
  }

  /** A shortcut as the API shows it. */
  public record ShortcutView(String id, String name, String text, Scope scope, Instant updatedAt) {
    static ShortcutView of(Shortcut s) {
      return new ShortcutView(
          s.id(), s.name(), s.text(), s.isOrgWide() ? Scope.ORG : Scope.USER, s.updatedAt());
    }
  }

  /** The org's shortcuts and the asker's own, by name. */
  public List<ShortcutView> list(Asker asker) {
    Collator byName = Collator.getInstance(Locale.ROOT);
    return em.createQuery(
            "SELECT s FROM Shortcut s WHERE s.orgId = :org"
                + " AND (s.ownerId IS NULL OR s.ownerId = :user)",
            Shortcut.class)
        .setParameter("org", asker.orgId())
        .setParameter("user", asker.userId())
        .getResultStream()
        .map(ShortcutView::of)
        .sorted(Comparator.comparing(ShortcutView::name, byName).thenComparing(ShortcutView::id))
        .toList();
  }

  public ShortcutView get(Asker asker, String id) {
    return ShortcutView.of(visible(asker, id));
  }

  @Transactional
  public ShortcutView create(Asker asker, Scope scope, String name, String text) {
    Scope chosen = scope == null ? Scope.USER : scope;
    if (chosen == Scope.ORG && !asker.admin()) {
      throw new NotAllowed("Only administrators create shortcuts for the whole organisation");
    }
    String owner = chosen == Scope.ORG ? null : asker.userId();
    var counting =
        em.createQuery(
                "SELECT COUNT(s) FROM Shortcut s WHERE s.orgId = :org AND "
                    + (owner == null ? "s.ownerId IS NULL" : "s.ownerId = :owner"),
                Long.class)
            .setParameter("org", asker.orgId());
    if (owner != null) {
      counting.setParameter("owner", owner);
    }
    long count = counting.getSingleResult();
    if (count >= MAX_PER_OWNER) {
      throw new InvalidField("scope", "at most " + MAX_PER_OWNER + " shortcuts each");
    }
    Shortcut shortcut = new Shortcut(asker.orgId(), owner, asker.userId(), clock.instant());
    shortcut.write(validName(name), validText(text), clock.instant());
    em.persist(shortcut);
    if (owner == null) {
      audit.record(
          asker.orgId(), asker.userId(), "shortcut.create", shortcut.id(), "ok", "Org shortcut");
    }
    return ShortcutView.of(shortcut);
  }

  @Transactional
  public ShortcutView replace(Asker asker, String id, String name, String text) {
    Shortcut shortcut = writable(asker, id);
    shortcut.write(validName(name), validText(text), clock.instant());
    if (shortcut.isOrgWide()) {
      audit.record(
          asker.orgId(), asker.userId(), "shortcut.change", id, "ok", "Org shortcut changed");
    }
    return ShortcutView.of(shortcut);
  }

  @Transactional
  public void delete(Asker asker, String id) {
    Shortcut shortcut = writable(asker, id);
    em.remove(shortcut);
    if (shortcut.isOrgWide()) {
      audit.record(
          asker.orgId(), asker.userId(), "shortcut.delete", id, "ok", "Org shortcut deleted");
    }
  }

  /**
   * The shortcut's text with merge fields from the CRM record {@code recordId} (and the records it
   * links to) and from the asker; without a record, every field takes its default.
   */
  public Rendered render(Asker asker, String id, String recordId) {
    Shortcut shortcut = visible(asker, id);
    Map<String, JsonObject> objects = new HashMap<>();
    if (recordId != null) {
      TypedView record =
          records
              .viewAnyType(asker.orgId(), recordId)
              .orElseThrow(() -> new InvalidField("recordId", "no such record"));
      objects.putAll(mergeObjects(asker.orgId(), record));
    }
    AppUser me = users.find(asker.orgId(), asker.userId());
    var sender = Json.createObjectBuilder();
    if (me.displayName() != null) {
      sender.add("displayName", me.displayName());
    }
    if (me.email() != null) {
      sender.add("email", me.email());
    }
    objects.put("me", sender.build());
    return MergeFields.render(shortcut.text(), objects);
  }

  /** The objects a record fills: itself under its own name, and the records it links to. */
  private Map<String, JsonObject> mergeObjects(String orgId, TypedView record) {
    Map<String, JsonObject> objects = new HashMap<>();
    JsonObject fields = record.fields();
    switch (record.type()) {
      case "contacts" -> objects.put("contact", fields);
      case "leads" -> {
        objects.put("lead", fields);
        // A lead has no account yet, only the company it named: that is its account's name.
        String company = MergeFields.value(fields, "company");
        if (company != null) {
          objects.put("account", Json.createObjectBuilder().add("name", company).build());
        }
      }
      case "accounts" -> objects.put("account", fields);
      case "opportunities" -> objects.put("opportunity", fields);
      case "cases" -> objects.put("case", fields);
      default -> {
        // A record type this version does not know fills nothing.
      }
    }
    linked(orgId, fields, "contactId").ifPresent(c -> objects.putIfAbsent("contact", c));
    linked(orgId, fields, "accountId").ifPresent(a -> objects.putIfAbsent("account", a));
    return objects;
  }

  private Optional<JsonObject> linked(String orgId, JsonObject fields, String link) {
    String id = fields.get(link) instanceof jakarta.json.JsonString s ? s.getString() : null;
    return id == null ? Optional.empty() : records.viewAnyType(orgId, id).map(TypedView::fields);
  }

  /** The shortcut if the asker may see it; another user's or another org's is "not found". */
  private Shortcut visible(String orgId, String userId, String id) {
    Shortcut shortcut = id == null ? null : em.find(Shortcut.class, id);
    if (shortcut == null
        || !shortcut.orgId().equals(orgId)
        || !(shortcut.isOrgWide() || shortcut.ownerId().equals(userId))) {
      throw new NotFound("Shortcut");
    }
    return shortcut;
  }

  private Shortcut visible(Asker asker, String id) {
    return visible(asker.orgId(), asker.userId(), id);
  }

  private Shortcut writable(Asker asker, String id) {
    Shortcut shortcut = visible(asker, id);
    if (shortcut.isOrgWide() && !asker.admin()) {
      throw new NotAllowed("Only administrators change the organisation's shortcuts");
    }
    return shortcut;
  }

  static String validName(String name) {
    String trimmed = name == null ? "" : name.strip();
    if (trimmed.isEmpty() || trimmed.length() > MAX_NAME) {
      throw new InvalidField("name", "must have 1 to " + MAX_NAME + " characters");
    }
    return trimmed;
  }

  static String validText(String text) {
    if (text == null || text.isBlank() || text.length() > MAX_TEXT) {
      throw new InvalidField("text", "must have 1 to " + MAX_TEXT + " characters");
    }
    List<String> problems = MergeFields.problems(text);
    if (!problems.isEmpty()) {
      throw new InvalidField("text", problems.get(0));
    }
    return text;
  }
}
