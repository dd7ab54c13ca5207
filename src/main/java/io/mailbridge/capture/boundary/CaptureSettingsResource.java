package io.mailbridge.capture.boundary;

import io.mailbridge.capture.control.CaptureRules;
import io.mailbridge.capture.control.OrgCaptureSettings;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The org's capture settings for its admins: {@code GET/PUT /api/admin/capture/settings}. */
@Path("admin/capture/settings")
@RolesAllowed("ADMIN")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CaptureSettingsResource {

  @Inject OrgCaptureSettings settings;
  @Inject Caller caller;

  /** The settings as sent; a field left out takes its default. */
  public record Body(
      Integer backfillDays,
      Integer retentionDays,
      Boolean captureInternal,
      Boolean captureAutomated,
      Boolean captureUnmatched,
      Boolean storeAttachments,
      List<String> internalDomains,
      List<String> excludedAddresses,
      List<String> excludedDomains,
      String privateCategory,
      Boolean retainLoggedActivities) {

    CaptureRules rules() {
      CaptureRules d = CaptureRules.DEFAULTS;
      return new CaptureRules(
          backfillDays == null ? d.backfillDays() : backfillDays,
          retentionDays == null ? d.retentionDays() : retentionDays,
          captureInternal == null ? d.captureInternal() : captureInternal,
          captureAutomated == null ? d.captureAutomated() : captureAutomated,
          captureUnmatched == null ? d.captureUnmatched() : captureUnmatched,
          storeAttachments == null ? d.storeAttachments() : storeAttachments,
          internalDomains,
          excludedAddresses,
          excludedDomains,
          privateCategory == null ? d.privateCategory() : privateCategory,
          retainLoggedActivities == null ? d.retainLoggedActivities() : retainLoggedActivities);
    }
  }

  @GET
  public CaptureRules get() {
    return settings.of(caller.orgId());
  }

  @PUT
  public CaptureRules replace(Body body) {
    if (body == null) {
      throw new InvalidRequest("invalid_json", "Send the capture settings as a JSON object");
    }
    return settings.replace(caller.orgId(), caller.userId(), body.rules());
  }
}
