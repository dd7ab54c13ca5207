package io.mailbridge.productivity.control;

import io.mailbridge.crm.control.ActivityDetail;
import io.mailbridge.crm.control.EmailStored;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import java.io.StringReader;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tracking on the CRM's activities: when a sent email is stored, the tracked email it carries the
 * tokens of is connected to its activity, and the activity's JSON then shows as {@code tracking}
 * the summary the rep reads at {@code GET /api/tracking/{id}} (opens and clicks by people, and
 * those of machines apart).
 */
@ApplicationScoped
public class ActivityTracking implements ActivityDetail {

  private static final Logger LOG = Logger.getLogger(ActivityTracking.class.getName());

  // Shaped as the API writes the summary (absent values as null), so both read the same.
  private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(true));

  @Inject EmailTracking tracking;

  void stored(@Observes EmailStored stored) {
    if (EmailTracking.tokensIn(stored.message().htmlBody()).isEmpty()) {
      // Most mail (all that capture reads from customers) carries no token: no transaction for it.
      return;
    }
    try {
      tracking.linkActivity(stored.orgId(), stored.activityId(), stored.message());
    } catch (RuntimeException e) {
      // The email is logged all the same; only its opens and clicks stay off the activity.
      LOG.log(
          Level.WARNING,
          "A stored email could not be connected to its tracking: {0}",
          e.getClass().getName());
    }
  }

  @Override
  public String field() {
    return "tracking";
  }

  @Override
  public JsonValue of(String orgId, String activityId) {
    return tracking
        .ofActivity(orgId, activityId)
        .map(summary -> (JsonValue) parse(jsonb.toJson(summary)))
        .orElse(null);
  }

  private static JsonValue parse(String json) {
    try (var reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }

  @PreDestroy
  void close() {
    try {
      jsonb.close();
    } catch (Exception e) {
      LOG.log(Level.FINE, "Closing JSON-B", e);
    }
  }
}
