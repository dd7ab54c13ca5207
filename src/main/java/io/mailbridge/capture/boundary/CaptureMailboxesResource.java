package io.mailbridge.capture.boundary;

import io.mailbridge.capture.control.CaptureHealth;
import io.mailbridge.capture.control.CaptureMailboxes;
import io.mailbridge.capture.control.CapturePurge;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Capture of the org's mailboxes for admins: health, paged, optionally by {@code ?state=}, and
 * purging what was captured from one mailbox.
 */
@Path("admin/capture/mailboxes")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class CaptureMailboxesResource {

  @Inject CaptureMailboxes mailboxes;
  @Inject CapturePurge purge;
  @Inject Caller caller;

  @GET
  public Page<CaptureHealth> list(
      @QueryParam("state") String state,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    if (limit < 1 || limit > 200) {
      throw new InvalidField("limit", "must be between 1 and 200");
    }
    List<CaptureHealth> found = mailboxes.page(caller.orgId(), state, cursor, limit + 1);
    boolean more = found.size() > limit;
    List<CaptureHealth> page = more ? found.subList(0, limit) : found;
    return new Page<>(page, more ? page.get(page.size() - 1).mailboxId() : null);
  }

  /** Deletes what was captured from the mailbox and switches its capture off. */
  @POST
  @Path("{id}/purge")
  public CapturePurge.Purged purge(@PathParam("id") String id) {
    return purge.purge(caller.orgId(), caller.userId(), id);
  }
}
