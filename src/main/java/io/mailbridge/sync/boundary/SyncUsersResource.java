package io.mailbridge.sync.boundary;

import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import io.mailbridge.sync.control.SyncStatus;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Every user's contact sync for the org's admins, paged: {@code GET /api/admin/sync/users}. */
@Path("admin/sync/users")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class SyncUsersResource {

  @Inject SyncStatus status;
  @Inject Caller caller;

  @GET
  public Page<SyncStatus.UserStatus> list(
      @QueryParam("cursor") String cursor, @QueryParam("limit") @DefaultValue("50") int limit) {
    if (limit < 1 || limit > 200) {
      throw new InvalidField("limit", "must be between 1 and 200");
    }
    SyncStatus.StatusPage page = status.page(caller.orgId(), cursor, limit);
    return new Page<>(page.items(), page.next());
  }
}
