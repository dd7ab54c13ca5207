package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureSettings;
import io.mailbridge.platform.audit.control.AuditLog;
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
import java.util.List;

/** Each org's capture settings: defaults until an admin stores their own, then those. */
@ApplicationScoped
public class OrgCaptureSettings {

  @PersistenceContext EntityManager em;
  @Inject AuditLog audit;

  Clock clock = Clock.systemUTC();

  public CaptureRules of(String orgId) {
    CaptureSettings stored = em.find(CaptureSettings.class, orgId);
    if (stored == null) {
      return CaptureRules.DEFAULTS;
    }
    JsonObject lists = Json.createReader(new StringReader(stored.listsJson())).readObject();
    return new CaptureRules(
        stored.backfillDays(),
        stored.retentionDays(),
        stored.captureInternal(),
        stored.captureAutomated(),
        stored.captureUnmatched(),
        stored.storeAttachments(),
        strings(lists, "internalDomains"),
        strings(lists, "excludedAddresses"),
        strings(lists, "excludedDomains"),
        lists.getString("privateCategory", CaptureRules.DEFAULT_PRIVATE_CATEGORY),
        stored.retainLogged());
  }

  /** Replaces the org's settings with these (already checked by {@link CaptureRules}). */
  @Transactional
  public CaptureRules replace(String orgId, String actorUserId, CaptureRules rules) {
    CaptureSettings stored = em.find(CaptureSettings.class, orgId);
    boolean created = stored == null;
    if (created) {
      stored = new CaptureSettings(orgId);
    }
    JsonObject lists =
        Json.createObjectBuilder()
            .add("internalDomains", array(rules.internalDomains()))
            .add("excludedAddresses", array(rules.excludedAddresses()))
            .add("excludedDomains", array(rules.excludedDomains()))
            .add("privateCategory", rules.privateCategory())
            .build();
    stored.replace(
        rules.backfillDays(),
        rules.retentionDays(),
        rules.captureInternal(),
        rules.captureAutomated(),
        rules.captureUnmatched(),
        rules.storeAttachments(),
        rules.retainLoggedActivities(),
        lists.toString(),
        clock.instant());
    if (created) {
      em.persist(stored);
    }
    // The lists name people and customers: the audit says what changed, not to what.
    audit.record(orgId, actorUserId, "capture.settings.replaced", orgId, "ok", null);
    return rules;
  }

  static List<String> strings(JsonObject json, String field) {
    return json.containsKey(field)
        ? json.getJsonArray(field).getValuesAs(JsonString.class).stream()
            .map(JsonString::getString)
            .toList()
        : List.of();
  }

  static JsonArrayBuilder array(List<String> values) {
    JsonArrayBuilder array = Json.createArrayBuilder();
    values.forEach(array::add);
    return array;
  }
}
