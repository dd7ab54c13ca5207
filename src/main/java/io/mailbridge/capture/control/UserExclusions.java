package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureUserExclusions;
import io.mailbridge.platform.audit.control.AuditLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.time.Clock;

/** Each user's own capture exclusions: none until the user stores some, then those. */
@ApplicationScoped
public class UserExclusions {

  @PersistenceContext EntityManager em;
  @Inject AuditLog audit;

  Clock clock = Clock.systemUTC();

  /** The user's exclusions; none for a user of another org (or no user). */
  public CaptureExclusions of(String orgId, String userId) {
    if (userId == null) {
      return CaptureExclusions.NONE;
    }
    CaptureUserExclusions stored = em.find(CaptureUserExclusions.class, userId);
    if (stored == null || !stored.orgId().equals(orgId)) {
      return CaptureExclusions.NONE;
    }
    JsonObject lists = Json.createReader(new StringReader(stored.listsJson())).readObject();
    return new CaptureExclusions(
        OrgCaptureSettings.strings(lists, "excludedAddresses"),
        OrgCaptureSettings.strings(lists, "excludedDomains"));
  }

  /** Replaces the user's exclusions with these (already checked by {@link CaptureExclusions}). */
  @Transactional
  public CaptureExclusions replace(String orgId, String userId, CaptureExclusions exclusions) {
    CaptureUserExclusions stored = em.find(CaptureUserExclusions.class, userId);
    boolean created = stored == null;
    if (created) {
      stored = new CaptureUserExclusions(orgId, userId);
    }
    JsonObject lists =
        Json.createObjectBuilder()
            .add("excludedAddresses", OrgCaptureSettings.array(exclusions.excludedAddresses()))
            .add("excludedDomains", OrgCaptureSettings.array(exclusions.excludedDomains()))
            .build();
    stored.replace(lists.toString(), clock.instant());
    if (created) {
      em.persist(stored);
    }
    // The lists name people and customers: the audit says what changed, not to what.
    audit.record(orgId, userId, "capture.exclusions.replaced", userId, "ok", null);
    return exclusions;
  }
}
