package io.mailbridge.mailbox.boundary;

import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.RevokeConnection;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Every connected mailbox of the org, for an admin to review and revoke. */
@Path("admin/connections")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class AdminConnectionsResource {

  @Inject MailboxConnections connections;
  @Inject RevokeConnection revoke;
  @Inject Caller caller;

  @GET
  public Page<ConnectionView> list(
      @QueryParam("cursor") String cursor, @QueryParam("limit") @DefaultValue("50") int limit) {
    if (limit < 1 || limit > 200) {
      throw new InvalidField("limit", "must be between 1 and 200");
    }
    List<MailboxConnection> rows = connections.pageOfOrg(caller.orgId(), cursor, limit + 1);
    boolean more = rows.size() > limit;
    List<ConnectionView> items =
        rows.stream().limit(limit).map(c -> ConnectionView.of(c, connections)).toList();
    return new Page<>(items, more ? items.get(items.size() - 1).id() : null);
  }

  @DELETE
  @Path("{id}")
  public RevokeConnection.Revoked revoke(@PathParam("id") String id) {
    return revoke.byAdmin(caller.orgId(), caller.userId(), id);
  }
}
