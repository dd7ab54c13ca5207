package io.mailbridge.platform.security.boundary;

import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.security.control.Orgs;
import io.mailbridge.platform.security.entity.Org;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** An admin reads and changes its org's settings: {@code GET/PATCH /api/admin/org}. */
@Path("admin/org")
@RolesAllowed("ADMIN")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class OrgSettingsResource {

  @Inject Orgs orgs;
  @Inject Caller caller;

  /** The settings as shown and changed; null in a change means unchanged. */
  public record OrgSettings(String id, String name) {
    static OrgSettings of(Org org) {
      return new OrgSettings(org.id(), org.name());
    }
  }

  @GET
  public OrgSettings get() {
    return OrgSettings.of(orgs.find(caller.orgId()));
  }

  @PATCH
  public OrgSettings change(OrgSettings change) {
    if (change == null) {
      throw new InvalidRequest("invalid_json", "Send {\"name\"}");
    }
    Org org =
        change.name() == null
            ? orgs.find(caller.orgId())
            : orgs.rename(caller.orgId(), caller.userId(), change.name());
    return OrgSettings.of(org);
  }
}
