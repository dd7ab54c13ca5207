package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.Activity;
import io.mailbridge.crm.entity.ActivityAttachment;
import io.mailbridge.crm.entity.ActivityType;
import io.mailbridge.crm.entity.AttachmentBlob;
import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads activities for the API: one activity, one attachment's bytes, a record's timeline. */
@ApplicationScoped
public class Activities {

  @PersistenceContext EntityManager em;
  @Inject ActivityLinks links;
  @Inject ActivityOwners owners;
  @Inject Records records;
  @Inject @Any Instance<ActivityDetail> details;

  /** An attachment ready to be sent. */
  public record Download(String name, String contentType, byte[] content) {}

  /** A page of a timeline. */
  public record TimelinePage(List<JsonObject> items, String next) {}

  public JsonObject get(String orgId, String id) {
    return view(find(orgId, id));
  }

  public Download attachment(String orgId, String activityId, int n) {
    Activity activity = find(orgId, activityId);
    ActivityAttachment attachment =
        em.createQuery(
                "SELECT a FROM ActivityAttachment a WHERE a.activityId = :activity AND a.n = :n",
                ActivityAttachment.class)
            .setParameter("activity", activity.id())
            .setParameter("n", n)
            .getResultStream()
            .findFirst()
            .orElseThrow(() -> new NotFound("Attachment"));
    JsonObject meta = parse(attachment.metaJson());
    if (attachment.blobId() == null) {
      throw new AttachmentNotStored(meta.getString("name"));
    }
    AttachmentBlob blob = em.find(AttachmentBlob.class, attachment.blobId());
    return new Download(meta.getString("name"), meta.getString("contentType"), blob.content());
  }

  public TimelinePage timeline(
      String orgId, RecordType type, String recordId, String cursor, int limit) {
    if (limit < 1 || limit > 200) {
      throw new InvalidField("limit", "must be between 1 and 200");
    }
    records.find(orgId, type, recordId);
    List<ActivityLinks.TimelineEntry> entries =
        links.timeline(orgId, recordId, decodeCursor(cursor), limit + 1);
    boolean more = entries.size() > limit;
    List<ActivityLinks.TimelineEntry> page = more ? entries.subList(0, limit) : entries;
    List<JsonObject> items = new ArrayList<>();
    for (ActivityLinks.TimelineEntry entry : page) {
      Activity activity = em.find(Activity.class, entry.activityId());
      if (activity != null) {
        items.add(view(activity));
      }
    }
    return new TimelinePage(items, more ? encodeCursor(page.get(page.size() - 1)) : null);
  }

  /** The activities a person logged (emails, meetings, tasks), newest first, in pages. */
  public TimelinePage loggedBy(String orgId, String userId, String cursor, int limit) {
    if (limit < 1 || limit > 200) {
      throw new InvalidField("limit", "must be between 1 and 200");
    }
    ActivityLinks.TimelineEntry after = decodeCursor(cursor);
    var query =
        em.createQuery(
                "SELECT a FROM Activity a WHERE a.orgId = :org AND a.createdBy = :user"
                    + (after == null
                        ? ""
                        : " AND (a.occurredAt < :at OR (a.occurredAt = :at AND a.id < :id))")
                    + " ORDER BY a.occurredAt DESC, a.id DESC",
                Activity.class)
            .setParameter("org", orgId)
            .setParameter("user", userId)
            .setMaxResults(limit + 1);
    if (after != null) {
      query.setParameter("at", after.occurredAt()).setParameter("id", after.activityId());
    }
    List<Activity> found = query.getResultList();
    boolean more = found.size() > limit;
    List<Activity> page = more ? found.subList(0, limit) : found;
    Activity last = page.isEmpty() ? null : page.get(page.size() - 1);
    return new TimelinePage(
        page.stream().map(this::view).toList(),
        more ? encodeCursor(new ActivityLinks.TimelineEntry(last.id(), last.occurredAt())) : null);
  }

  Activity find(String orgId, String id) {
    Activity activity = id == null ? null : em.find(Activity.class, id);
    if (activity == null || !activity.orgId().equals(orgId)) {
      throw new NotFound("Activity");
    }
    return activity;
  }

  /** The API's JSON for an activity: its document, attachments and links. */
  JsonObject view(Activity activity) {
    JsonObject data = parse(activity.json());
    JsonObjectBuilder view =
        CrmJson.object().add("id", activity.id()).add("type", activity.type().name());
    data.forEach(view::add);
    if (!data.containsKey("subject")) {
      view.add("subject", JsonValue.NULL);
    }
    if (activity.type() == ActivityType.EVENT) {
      view.add("allDay", activity.allDay());
    }
    JsonArrayBuilder attachments = CrmJson.array();
    for (ActivityAttachment attachment :
        em.createQuery(
                "SELECT a FROM ActivityAttachment a WHERE a.activityId = :activity ORDER BY a.n",
                ActivityAttachment.class)
            .setParameter("activity", activity.id())
            .getResultList()) {
      JsonObject meta = parse(attachment.metaJson());
      attachments.add(
          Json.createObjectBuilder(meta)
              .add("n", attachment.n())
              .add("stored", attachment.blobId() != null));
    }
    view.add("attachments", attachments);
    JsonArrayBuilder linkArray = CrmJson.array();
    for (ActivityLinks.Link link : links.of(activity.id())) {
      linkArray.add(CrmJson.object().add("type", link.type()).add("id", link.id()));
    }
    view.add("links", linkArray);
    JsonArrayBuilder ownerArray = CrmJson.array();
    for (ActivityOwners.Owner owner : owners.of(activity.id())) {
      ownerArray.add(
          CrmJson.object().add("userId", owner.userId()).add("mailboxId", owner.mailboxId()));
    }
    view.add("owners", ownerArray);
    for (ActivityDetail detail : details) {
      JsonValue value = detail.of(activity.orgId(), activity.id());
      view.add(detail.field(), value == null ? JsonValue.NULL : value);
    }
    view.add("occurredAt", activity.occurredAt().toString());
    if (activity.createdBy() == null) {
      view.addNull("loggedBy"); // captured by the server, not logged by a person
    } else {
      view.add("loggedBy", activity.createdBy());
    }
    return view.build();
  }

  static JsonObject parse(String json) {
    try (var reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }

  static String encodeCursor(ActivityLinks.TimelineEntry entry) {
    String raw = entry.occurredAt().toString() + "|" + entry.activityId();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  static ActivityLinks.TimelineEntry decodeCursor(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int bar = raw.indexOf('|');
      return new ActivityLinks.TimelineEntry(
          raw.substring(bar + 1), Instant.parse(raw.substring(0, bar)));
    } catch (RuntimeException e) {
      throw new InvalidField("cursor", "is not a cursor this API gave out");
    }
  }
}
