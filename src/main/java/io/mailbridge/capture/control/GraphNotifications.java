package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Graph's change notifications for captured mailboxes: each one whose subscription belongs to a
 * mailbox with capture on and whose {@code clientState} is that mailbox's secret only queues "sync
 * this mailbox" (coalesced); the sync reads from the stored cursor, so what a notification says
 * about the change is never trusted and a repeated, late or lost one changes nothing. Lifecycle
 * notifications (learn.microsoft.com/graph/change-notifications-lifecycle-events) arrive at the
 * same URL, checked the same way: {@code reauthorizationRequired} marks the subscription for
 * renewal, {@code subscriptionRemoved} forgets it so a new one is opened, {@code missed} (which
 * names no item) just runs the delta; in each case the queued sync does the work.
 */
@ApplicationScoped
public class GraphNotifications {

  private static final Logger LOG = Logger.getLogger(GraphNotifications.class.getName());

  @PersistenceContext EntityManager em;
  @Inject CaptureJobs jobs;

  java.time.Clock clock = java.time.Clock.systemUTC();

  /** How a delivery went: mailboxes whose sync was queued, notifications refused. */
  public record Received(int queued, int refused) {}

  @Transactional
  public Received receive(JsonObject body) {
    Set<String> mailboxes = new LinkedHashSet<>();
    int refused = 0;
    JsonValue value = body.get("value");
    if (value == null || value.getValueType() != JsonValue.ValueType.ARRAY) {
      throw new io.mailbridge.platform.problem.InvalidField("value", "must be an array");
    }
    for (JsonValue entry : value.asJsonArray()) {
      if (entry.getValueType() != JsonValue.ValueType.OBJECT) {
        refused++;
        continue;
      }
      JsonObject notification = entry.asJsonObject();
      CaptureCursor cursor = cursorOf(text(notification, "subscriptionId"));
      if (cursor == null
          || !cursor.enabled()
          || !sameSecret(cursor.clientState(), text(notification, "clientState"))) {
        refused++;
        continue;
      }
      String lifecycle = text(notification, "lifecycleEvent");
      if ("reauthorizationRequired".equals(lifecycle)) {
        cursor.renewalRequested(clock.instant());
      } else if ("subscriptionRemoved".equals(lifecycle)) {
        cursor.pushRemoved(clock.instant());
      }
      mailboxes.add(cursor.mailboxId()); // many for one mailbox: one request
    }
    for (String mailboxId : mailboxes) {
      CaptureCursor cursor = em.find(CaptureCursor.class, mailboxId);
      jobs.requestSync(cursor.orgId(), mailboxId);
    }
    if (refused > 0) {
      int count = refused;
      LOG.warning(
          () -> count + " Graph notification(s) refused: unknown subscription or client state");
    }
    return new Received(mailboxes.size(), refused);
  }

  private CaptureCursor cursorOf(String subscriptionId) {
    if (subscriptionId == null || subscriptionId.isBlank() || subscriptionId.length() > 200) {
      return null;
    }
    return em.createQuery(
            "SELECT c FROM CaptureCursor c WHERE c.subscriptionId = :id", CaptureCursor.class)
        .setParameter("id", subscriptionId)
        .getResultStream()
        .findFirst()
        .orElse(null);
  }

  private static String text(JsonObject json, String field) {
    JsonValue value = json.get(field);
    return value != null && value.getValueType() == JsonValue.ValueType.STRING
        ? json.getString(field)
        : null;
  }

  /** Constant time, so a caller cannot learn the secret from how long a refusal takes. */
  static boolean sameSecret(String expected, String presented) {
    return presented != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }
}
