package io.mailbridge.mailbox.boundary;

import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.RevokeConnection;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The caller's own connected mailboxes: {@code GET /api/mailboxes}, {@code DELETE …/{id}}. */
@Path("mailboxes")
@Produces(MediaType.APPLICATION_JSON)
public class MailboxesResource {

  @Inject MailboxConnections connections;
  @Inject RevokeConnection revoke;
  @Inject Caller caller;

  @GET
  public Page<ConnectionView> list() {
    return new Page<>(
        connections.ofUser(caller.orgId(), caller.userId()).stream()
            .map(ConnectionView::of)
            .toList(),
        null);
  }

  @DELETE
  @Path("{id}")
  public RevokeConnection.Revoked disconnect(@PathParam("id") String id) {
    return revoke.byOwner(caller.orgId(), caller.userId(), id);
  }
}
