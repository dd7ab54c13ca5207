package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.Activity;
import io.mailbridge.crm.entity.ActivityAttachment;
import io.mailbridge.crm.entity.ActivityType;
import io.mailbridge.crm.entity.AttachmentBlob;
import io.mailbridge.crm.entity.CrmRecord;
import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.message.CalendarEvent;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.platform.crypto.control.BlindIndex;
import io.mailbridge.platform.database.control.TransactionConnection;
import io.mailbridge.platform.problem.AttachmentTooLarge;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.problem.UpstreamFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** One attempt of the email storage path, in a transaction of its own (see ActivityStore). */
@ApplicationScoped
public class ActivityWriter {

  static final String MESSAGE_KEY = "message";
  static final String BLOB_KEY = "blob";
  static final String ITEM_KEY = "owned-item";
  private static final Pattern CONTENT_TYPE =
      Pattern.compile("^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$");

  @PersistenceContext EntityManager em;
  @Inject TransactionConnection connection;
  @Inject BlindIndex blindIndex;
  @Inject Records records;
  @Inject ActivityLinks links;
  @Inject ActivityOwners owners;
  @Inject RecordChanges changes;

  @Inject
  @ConfigProperty(name = "mailbridge.attachments.max-bytes", defaultValue = "26214400")
  long maxAttachmentBytes;

  Clock clock = Clock.systemUTC();

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public StoredActivity storeEmail(
      String orgId, MailMessage message, List<String> recordIds, String storedBy) {
    return storeLinked(orgId, message, checked(orgId, recordIds), storedBy);
  }

  /**
   * Stores a page of captured emails the same way, with no person as their logger, and records the
   * mailbox they were captured from as one of their owners. The records it links to are checked
   * once, the activities it may already hold are looked up through one prepared statement, and the
   * new activities, their links and owners are inserted in batches after one flush. An email whose
   * activity exists (or came twice in the page) gains its links and owner one by one, looking
   * first.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<StoredActivity> storeCapturedEmails(
      String orgId,
      List<ActivityStore.CapturedEmail> emails,
      String ownerUserId,
      String mailboxId) {
    Map<String, ActivityLinks.Link> byId = checkedOnce(orgId, emails);
    Instant now = clock.instant();
    List<String> keys = new ArrayList<>(emails.size());
    for (ActivityStore.CapturedEmail email : emails) {
      keys.add(blindIndex.forOrg(orgId, MESSAGE_KEY, email.message().identity()));
    }
    Map<String, Known> byKey = findByKeys(orgId, keys);
    List<StoredActivity> stored = new ArrayList<>(emails.size());
    List<ActivityLinks.Linking> newLinks = new ArrayList<>();
    List<String> newIds = new ArrayList<>();
    List<ActivityLinks.Linking> moreLinks = new ArrayList<>();
    List<String> knownIds = new ArrayList<>();
    for (int i = 0; i < emails.size(); i++) {
      MailMessage message = emails.get(i).message();
      List<ActivityLinks.Link> targets = emails.get(i).recordIds().stream().map(byId::get).toList();
      Known known = byKey.get(keys.get(i));
      if (known == null) {
        Activity activity = newEmail(orgId, keys.get(i), message, null);
        byKey.put(keys.get(i), new Known(activity.id(), activity.occurredAt()));
        newLinks.add(new ActivityLinks.Linking(activity.id(), activity.occurredAt(), targets));
        newIds.add(activity.id());
        stored.add(new StoredActivity(activity.id(), true));
      } else {
        moreLinks.add(new ActivityLinks.Linking(known.id(), known.occurredAt(), targets));
        knownIds.add(known.id());
        stored.add(new StoredActivity(known.id(), false));
      }
    }
    em.flush();
    links.addToNew(orgId, newLinks);
    owners.addToNew(orgId, newIds, ownerUserId, mailboxId, now);
    links.add(orgId, moreLinks);
    for (String known : knownIds) {
      owners.add(orgId, known, ownerUserId, mailboxId, now);
    }
    return stored;
  }

  /**
   * Takes back what capture took from one mailbox for this message (it became private there): the
   * mailbox stops being an owner, and the activity goes when nobody else has it.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean releaseCapturedEmail(String orgId, MailMessage message, String mailboxId) {
    Activity activity = findByKey(orgId, blindIndex.forOrg(orgId, MESSAGE_KEY, message.identity()));
    if (activity == null) {
      return false;
    }
    em.detach(activity); // deleted below by SQL, with its links, attachments and owners
    return owners.release(orgId, activity.id(), mailboxId);
  }

  /** Links to records checked before: they are only loaded (one of them may be gone since). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public StoredActivity storeEmail(LinkTargets checked, MailMessage message, String storedBy) {
    List<CrmRecord> targets = new ArrayList<>();
    for (String id : checked.recordIds()) {
      CrmRecord record = em.find(CrmRecord.class, id);
      if (record == null) {
        throw new NotFound("Record " + id);
      }
      targets.add(record);
    }
    return storeLinked(checked.orgId(), message, targets, storedBy);
  }

  /**
   * Every record the emails link to, by id, as a link, looked up through one prepared statement
   * that loads none of them; a missing one (or another org's) is NotFound.
   */
  private Map<String, ActivityLinks.Link> checkedOnce(
      String orgId, List<ActivityStore.CapturedEmail> emails) {
    Set<String> ids = new LinkedHashSet<>();
    emails.forEach(email -> ids.addAll(email.recordIds()));
    Map<String, RecordType> types = records.typesOf(orgId, ids);
    Map<String, ActivityLinks.Link> byId = new HashMap<>();
    for (String id : ids) {
      RecordType type = types.get(id);
      if (type == null) {
        throw new NotFound("Record " + id);
      }
      byId.put(id, new ActivityLinks.Link(type.name(), id));
    }
    return byId;
  }

  /** The org's records with these ids, in order; another org's id is as unknown as a wrong one. */
  public List<CrmRecord> checked(String orgId, List<String> recordIds) {
    List<CrmRecord> targets = new ArrayList<>();
    for (String id : recordIds) {
      targets.add(records.findAnyType(orgId, id).orElseThrow(() -> new NotFound("Record " + id)));
    }
    return targets;
  }

  private StoredActivity storeLinked(
      String orgId, MailMessage message, List<CrmRecord> targets, String storedBy) {
    String messageKey = blindIndex.forOrg(orgId, MESSAGE_KEY, message.identity());
    Activity activity =
        em.createQuery(
                "SELECT a FROM Activity a WHERE a.orgId = :org AND a.messageKey = :key",
                Activity.class)
            .setParameter("org", orgId)
            .setParameter("key", messageKey)
            .getResultStream()
            .findFirst()
            .orElse(null);
    boolean created = activity == null;
    if (created) {
      activity = newEmail(orgId, messageKey, message, storedBy);
      em.flush();
      links.addToNew(orgId, activity.id(), activity.occurredAt(), targets);
    } else {
      links.add(orgId, activity.id(), activity.occurredAt(), targets);
    }
    return new StoredActivity(activity.id(), created);
  }

  /** A new email activity with its attachments, persisted but not flushed. */
  private Activity newEmail(String orgId, String messageKey, MailMessage message, String storedBy) {
    Activity activity =
        new Activity(
            orgId,
            ActivityType.EMAIL,
            messageKey,
            message.occurredAt(),
            emailJson(message),
            storedBy,
            clock.instant());
    em.persist(activity);
    int n = 1;
    for (MailAttachment attachment : message.attachments()) {
      storeAttachment(orgId, activity.id(), n++, attachment);
    }
    return activity;
  }

  /**
   * Stores a calendar event once per org (by iCalendar UID, else provider id); storing it again
   * brings the stored copy up to date and adds the new links.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public StoredActivity storeEvent(
      String orgId, CalendarEvent event, List<String> recordIds, String storedBy) {
    return storeEventLinked(orgId, event, checked(orgId, recordIds), storedBy, null);
  }

  /**
   * Stores an event made in the CRM: the same path, with its series (rule and exceptions), which
   * providers' captures do not carry.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public StoredActivity storeCrmEvent(
      String orgId,
      CalendarEvent event,
      List<String> recordIds,
      String storedBy,
      EventSeries series) {
    return storeEventLinked(
        orgId,
        event,
        checked(orgId, recordIds),
        storedBy,
        series == null ? EventSeries.NONE : series);
  }

  /**
   * Changes a stored event in place (found by id, not by identity: the CRM's own edit, or event
   * sync writing what a calendar changed) and adds links; {@code series} null keeps the stored one.
   */
  @Transactional
  public void reviseEvent(
      String orgId, String activityId, CalendarEvent event, EventSeries series, List<String> add) {
    Activity activity = em.find(Activity.class, activityId);
    if (activity == null
        || !activity.orgId().equals(orgId)
        || activity.type() != ActivityType.EVENT) {
      throw new NotFound("Event");
    }
    List<CrmRecord> targets = checked(orgId, add);
    activity.revise(eventJson(event, kept(activity, series)), event.start());
    activity.allDay(event.allDay());
    activity.changed(changes.next(orgId));
    links.retime(activity.id(), event.start());
    em.flush();
    links.add(orgId, activity.id(), activity.occurredAt(), targets);
  }

  /**
   * Names a CRM event by the iCalendar UID a calendar gave it, so capture meets the same activity;
   * answers false (and leaves it) when another activity of the org already has that UID.
   */
  @Transactional
  public boolean adoptUid(String orgId, String activityId, String iCalUid) {
    Activity activity = em.find(Activity.class, activityId);
    if (activity == null || !activity.orgId().equals(orgId)) {
      throw new NotFound("Event");
    }
    String key = blindIndex.forOrg(orgId, MESSAGE_KEY, "ical:" + iCalUid.strip());
    Activity holder = findByKey(orgId, key);
    if (holder != null) {
      return holder.id().equals(activityId);
    }
    activity.rekey(key);
    jakarta.json.JsonObject doc = Activities.parse(activity.json());
    activity.revise(
        CrmJson.object(doc).add("iCalUid", iCalUid).build().toString(), activity.occurredAt());
    return true;
  }

  /**
   * Deletes an event and notes the deletion in the CRM's change feed with its maker, so event sync
   * can take it out of the calendar it put it in.
   */
  @Transactional
  public void deleteEvent(String orgId, String activityId) {
    Activity activity = em.find(Activity.class, activityId);
    if (activity == null
        || !activity.orgId().equals(orgId)
        || activity.type() != ActivityType.EVENT) {
      throw new NotFound("Event");
    }
    em.createNativeQuery(
            "INSERT INTO crm_event_removal (activity_id, org_id, created_by, change_seq, removed_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .setParameter(1, activity.id())
        .setParameter(2, orgId)
        .setParameter(3, activity.createdBy())
        .setParameter(4, changes.next(orgId))
        .setParameter(5, io.mailbridge.platform.base.SqlTime.utc(clock.instant()))
        .executeUpdate();
    em.detach(activity);
    // Its links, owners and attachment rows go with it (foreign keys cascade).
    em.createNativeQuery("DELETE FROM activity WHERE id = ? AND org_id = ?")
        .setParameter(1, activityId)
        .setParameter(2, orgId)
        .executeUpdate();
  }

  /**
   * Stores a meeting that capture found in a mailbox's calendar the same way, with no person as its
   * logger, and records the mailbox as one of its owners with the event's id there (keyed), which
   * is all Graph names when the event is removed.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public StoredActivity storeCapturedEvent(
      String orgId,
      CalendarEvent event,
      List<String> recordIds,
      String ownerUserId,
      String mailboxId,
      String itemId) {
    StoredActivity stored = storeEventLinked(orgId, event, checked(orgId, recordIds), null, null);
    owners.add(
        orgId,
        stored.id(),
        ownerUserId,
        mailboxId,
        itemKey(orgId, mailboxId, itemId),
        clock.instant());
    return stored;
  }

  /**
   * Stores a meeting event sync found in a calendar the way capture does (by iCalendar UID, the
   * mailbox as an owner that knows the event by {@code itemId}), with its series, in the caller's
   * transaction: sync has already taken the org's change counter in it, so a transaction of its own
   * would wait for the caller.
   */
  @Transactional
  public StoredActivity storeSyncedEvent(
      String orgId,
      CalendarEvent event,
      List<String> recordIds,
      String ownerUserId,
      String mailboxId,
      String itemId,
      EventSeries series) {
    StoredActivity stored = storeEventLinked(orgId, event, checked(orgId, recordIds), null, series);
    owners.add(
        orgId,
        stored.id(),
        ownerUserId,
        mailboxId,
        itemKey(orgId, mailboxId, itemId),
        clock.instant());
    return stored;
  }

  /**
   * Takes a captured meeting back from one mailbox, found by the event's id there (removed from the
   * calendar, or private now): the mailbox stops being an owner, and the activity goes when no
   * other mailbox has it and no person logged it. Answers whether it was deleted.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean releaseCapturedEvent(String orgId, String mailboxId, String itemId) {
    String activityId = owners.ownedItem(orgId, mailboxId, itemKey(orgId, mailboxId, itemId));
    if (activityId == null) {
      return false;
    }
    return owners.release(orgId, activityId, mailboxId);
  }

  private String itemKey(String orgId, String mailboxId, String itemId) {
    return blindIndex.forOrg(orgId, ITEM_KEY, mailboxId + ":" + itemId);
  }

  /** {@code series}: the series to store, null to keep what is stored. */
  private StoredActivity storeEventLinked(
      String orgId,
      CalendarEvent event,
      List<CrmRecord> targets,
      String storedBy,
      EventSeries series) {
    String key = blindIndex.forOrg(orgId, MESSAGE_KEY, event.identity());
    Activity activity = findByKey(orgId, key);
    boolean created = activity == null;
    if (created) {
      activity =
          new Activity(
              orgId,
              ActivityType.EVENT,
              key,
              event.start(),
              eventJson(event, series == null ? EventSeries.NONE : series),
              storedBy,
              clock.instant());
      em.persist(activity);
    } else {
      activity.revise(
          eventJson(keptDetails(activity, event), kept(activity, series)), event.start());
      links.retime(activity.id(), event.start());
    }
    activity.allDay(event.allDay());
    activity.changed(changes.next(orgId));
    em.flush();
    links.add(orgId, activity.id(), activity.occurredAt(), targets);
    return new StoredActivity(activity.id(), created);
  }

  /** Creates a task on the given records. */
  @Transactional
  public StoredActivity createTask(
      String orgId,
      String subject,
      LocalDate due,
      String status,
      List<String> recordIds,
      String createdBy) {
    if (subject == null || subject.isBlank()) {
      throw new InvalidField("subject", "is required");
    }
    List<CrmRecord> targets = checked(orgId, recordIds);
    JsonObjectBuilder json = CrmJson.object().add("subject", subject.strip());
    CrmJson.addNullable(json, "dueDate", due == null ? null : due.toString());
    CrmJson.addNullable(json, "status", status == null ? "OPEN" : status);
    Activity task =
        new Activity(
            orgId,
            ActivityType.TASK,
            null,
            due == null ? clock.instant() : due.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
            json.build().toString(),
            createdBy,
            clock.instant());
    em.persist(task);
    em.flush();
    links.add(orgId, task.id(), task.occurredAt(), targets);
    return new StoredActivity(task.id(), true);
  }

  /** An activity stored before, as a page of captured mail needs it. */
  private record Known(String id, Instant occurredAt) {}

  /**
   * The org's activities with these keys, by key. One prepared statement looked up once per key: it
   * uses the (org, key) unique index on every database, where an IN list on the key, its second
   * column, made H2 read every activity of the org.
   */
  private Map<String, Known> findByKeys(String orgId, List<String> keys) {
    try {
      return connection.run(
          c -> {
            Map<String, Known> byKey = new HashMap<>();
            try (PreparedStatement select =
                c.prepareStatement(
                    "SELECT id, occurred_at FROM activity WHERE org_id = ? AND message_key = ?")) {
              select.setString(1, orgId);
              for (String key : new LinkedHashSet<>(keys)) {
                select.setString(2, key);
                try (ResultSet rs = select.executeQuery()) {
                  if (rs.next()) {
                    byKey.put(
                        key,
                        new Known(
                            rs.getString(1),
                            SqlTime.instant(rs.getObject(2, java.time.LocalDateTime.class))));
                  }
                }
              }
            }
            return byKey;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot look up the page's activities", e);
    }
  }

  private Activity findByKey(String orgId, String key) {
    return em.createQuery(
            "SELECT a FROM Activity a WHERE a.orgId = :org AND a.messageKey = :key", Activity.class)
        .setParameter("org", orgId)
        .setParameter("key", key)
        .getResultStream()
        .findFirst()
        .orElse(null);
  }

  /**
   * A capture of a stored event keeps what its read cannot know: the text body (a calendar read
   * gives HTML) and the zone the event was made in (a read asks for UTC), so event sync does not
   * take a capture for a change of those fields.
   */
  private static CalendarEvent keptDetails(Activity activity, CalendarEvent e) {
    jakarta.json.JsonObject stored = Activities.parse(activity.json());
    String text = e.bodyText();
    if (text == null && stored.get("bodyText") instanceof jakarta.json.JsonString s) {
      text = s.getString();
    }
    String zone = e.timeZone();
    // An all-day event's midnights are in the zone it came with: that one stays beside them.
    if (!e.allDay()
        && (zone == null || zone.equalsIgnoreCase("UTC"))
        && stored.get("timeZone") instanceof jakarta.json.JsonString z) {
      zone = z.getString();
    }
    return new CalendarEvent(
        e.provider(),
        e.providerEventId(),
        e.iCalUid(),
        e.title(),
        e.start(),
        e.end(),
        zone,
        e.location(),
        e.organizer(),
        e.attendees(),
        e.onlineMeetingUrl(),
        e.onlineMeeting(),
        text,
        e.bodyHtml(),
        e.cancelled(),
        e.allDay());
  }

  /** The series an event keeps: the one given, or the stored one when null. */
  private static EventSeries kept(Activity activity, EventSeries series) {
    if (series != null) {
      return series;
    }
    jakarta.json.JsonObject stored = Activities.parse(activity.json());
    return new EventSeries(
        stored.get("recurrence") instanceof jakarta.json.JsonString s ? s.getString() : null,
        stored.get("exceptions") instanceof jakarta.json.JsonArray a ? a : null);
  }

  /** The event's document; {@code modifiedAt} is the last writer's time for sync's merge. */
  String eventJson(CalendarEvent e, EventSeries series) {
    JsonObjectBuilder json = eventFields(e);
    CrmJson.addNullable(json, "recurrence", series.rule());
    if (series.rule() != null && !series.exceptions().isEmpty()) {
      json.add("exceptions", series.exceptions());
    }
    json.add("modifiedAt", clock.instant().toString());
    return json.build().toString();
  }

  static JsonObjectBuilder eventFields(CalendarEvent e) {
    JsonObjectBuilder json = CrmJson.object();
    json.add("provider", e.provider());
    CrmJson.addNullable(json, "providerEventId", e.providerEventId());
    CrmJson.addNullable(json, "iCalUid", e.iCalUid());
    CrmJson.addNullable(json, "subject", e.title());
    json.add("start", e.start().toString());
    CrmJson.addNullable(json, "end", e.end() == null ? null : e.end().toString());
    CrmJson.addNullable(json, "timeZone", e.timeZone());
    CrmJson.addNullable(json, "location", e.location());
    if (e.organizer() == null) {
      json.addNull("organizer");
    } else {
      json.add("organizer", address(e.organizer()));
    }
    JsonArrayBuilder attendees = CrmJson.array();
    for (CalendarEvent.Attendee attendee : e.attendees()) {
      attendees.add(address(attendee.address()).add("response", attendee.response().name()));
    }
    json.add("attendees", attendees);
    CrmJson.addNullable(json, "onlineMeetingUrl", e.onlineMeetingUrl());
    json.add("onlineMeeting", e.onlineMeeting());
    json.add("cancelled", e.cancelled());
    CrmJson.addNullable(json, "bodyText", e.bodyText());
    CrmJson.addNullable(json, "bodyHtml", EmailHtmlSanitizer.sanitize(e.bodyHtml()));
    return json;
  }

  private void storeAttachment(String orgId, String activityId, int n, MailAttachment attachment) {
    if (!attachment.hasContent()) {
      String described =
          CrmJson.object()
              .add("name", safeName(attachment.name(), n))
              .add("contentType", safeContentType(attachment.contentType()))
              .add("size", Math.max(0, attachment.size()))
              .build()
              .toString();
      em.persist(new ActivityAttachment(orgId, activityId, n, null, described));
      return;
    }
    byte[] content = read(attachment);
    String sha256 = sha256(content);
    String contentKey = blindIndex.forOrg(orgId, BLOB_KEY, sha256);
    AttachmentBlob blob =
        em.createQuery(
                "SELECT b FROM AttachmentBlob b WHERE b.orgId = :org AND b.contentKey = :key",
                AttachmentBlob.class)
            .setParameter("org", orgId)
            .setParameter("key", contentKey)
            .getResultStream()
            .findFirst()
            .orElse(null);
    if (blob == null) {
      blob = new AttachmentBlob(orgId, contentKey, content, clock.instant());
      em.persist(blob);
      em.flush();
    }
    String meta =
        CrmJson.object()
            .add("name", safeName(attachment.name(), n))
            .add("contentType", safeContentType(attachment.contentType()))
            .add("size", content.length)
            .add("sha256", sha256)
            .build()
            .toString();
    em.persist(new ActivityAttachment(orgId, activityId, n, blob.id(), meta));
  }

  private byte[] read(MailAttachment attachment) {
    if (attachment.size() > maxAttachmentBytes) {
      throw tooLarge(attachment);
    }
    try (InputStream in = attachment.content().open()) {
      byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxAttachmentBytes + 1));
      if (content.length > maxAttachmentBytes) {
        throw tooLarge(attachment);
      }
      return content;
    } catch (IOException e) {
      throw new UpstreamFailure(
          "attachment_unreadable", "An attachment could not be read from the mailbox");
    }
  }

  private AttachmentTooLarge tooLarge(MailAttachment attachment) {
    return new AttachmentTooLarge(
        "attachment_too_large",
        "The attachment \""
            + safeName(attachment.name(), 0)
            + "\" is larger than the limit of "
            + maxAttachmentBytes / (1024 * 1024)
            + " MB");
  }

  static byte[] emailJson(MailMessage m) {
    return EmailDocument.of(m, EmailHtmlSanitizer.sanitize(m.htmlBody()));
  }

  private static JsonObjectBuilder address(MailAddress address) {
    JsonObjectBuilder json = CrmJson.object().add("email", address.email());
    CrmJson.addNullable(json, "name", address.name());
    return json;
  }

  static String safeName(String name, int n) {
    String cleaned = name == null ? "" : name.replaceAll("[\\p{Cntrl}/\\\\]", "_").strip();
    if (cleaned.isEmpty()) {
      cleaned = "attachment-" + n;
    }
    return cleaned.length() > 255 ? cleaned.substring(0, 255) : cleaned;
  }

  static String safeContentType(String contentType) {
    if (contentType == null) {
      return "application/octet-stream";
    }
    String base = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return CONTENT_TYPE.matcher(base).matches() ? base : "application/octet-stream";
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
