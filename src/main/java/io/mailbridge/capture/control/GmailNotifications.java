package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.mailbox.control.GooglePushSenders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Gmail's change notifications, delivered by Cloud Pub/Sub push: once the sender is proved (a
 * Google-signed OIDC token of the configured push subscription), a notification only queues "sync
 * this mailbox" (coalesced) for each captured Gmail mailbox of the address it names. The sync reads
 * from the stored history id, so the notification's own {@code historyId} is never trusted, and a
 * repeated, late or lost one changes nothing. An envelope Mailbridge cannot use is acknowledged all
 * the same (Pub/Sub would otherwise deliver it again for days; the poll is the safety net); only a
 * body that is not JSON at all, which Pub/Sub never sends, is a 400.
 */
@ApplicationScoped
public class GmailNotifications {

  private static final Logger LOG = Logger.getLogger(GmailNotifications.class.getName());
  private static final int MAX_ADDRESS = 254;

  @PersistenceContext EntityManager em;
  @Inject GooglePushSenders senders;
  @Inject CaptureJobs jobs;

  /**
   * Handles one push delivery; answers how many mailboxes' syncs it queued.
   *
   * @throws io.mailbridge.platform.problem.NotAuthenticated when the sender is not proved; nothing
   *     is queued then
   */
  @Transactional
  public int receive(String authorization, JsonObject envelope) {
    senders.verify(authorization);
    String address = addressOf(envelope);
    if (address == null) {
      LOG.warning("A Gmail push without a usable emailAddress was acknowledged and ignored");
      return 0;
    }
    List<CaptureCursor> cursors =
        em.createQuery(
                "SELECT c FROM CaptureCursor c WHERE c.subscriptionId = :channel"
                    + " AND c.enabled = true",
                CaptureCursor.class)
            .setParameter("channel", GooglePushSenders.channelOf(address))
            .getResultList();
    for (CaptureCursor cursor : cursors) {
      jobs.requestSync(cursor.orgId(), cursor.mailboxId());
    }
    if (cursors.isEmpty()) {
      // An address no captured mailbox has (switched off since, or another deployment's topic).
      LOG.fine("A Gmail push for a mailbox capture does not follow was acknowledged");
    }
    return cursors.size();
  }

  /**
   * The lower-cased {@code emailAddress} of the Pub/Sub envelope's {@code message.data} (base64 of
   * {@code {"emailAddress","historyId"}}), or null when the envelope carries no usable one.
   */
  static String addressOf(JsonObject envelope) {
    JsonObject message = objectAt(envelope, "message");
    if (message == null || !(message.get("data") instanceof JsonString data)) {
      return null;
    }
    try {
      String decoded =
          new String(Base64.getDecoder().decode(data.getString().strip()), StandardCharsets.UTF_8);
      JsonValue notification;
      try (var inner = Json.createReader(new StringReader(decoded))) {
        notification = inner.readValue();
      }
      if (!(notification instanceof JsonObject n)
          || !(n.get("emailAddress") instanceof JsonString address)) {
        return null;
      }
      String value = address.getString().strip().toLowerCase(Locale.ROOT);
      return value.isEmpty() || value.length() > MAX_ADDRESS || !value.contains("@") ? null : value;
    } catch (JsonException | IllegalArgumentException e) {
      return null;
    }
  }

  private static JsonObject objectAt(JsonValue value, String field) {
    return value instanceof JsonObject o && o.get(field) instanceof JsonObject inner ? inner : null;
  }
}
