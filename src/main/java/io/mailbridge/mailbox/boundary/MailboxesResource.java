package io.mailbridge.mailbox.boundary;

import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.MailboxStatus;
import io.mailbridge.mailbox.control.RevokeConnection;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The caller's own connected mailboxes: {@code GET /api/mailboxes}, {@code GET …/{id}}, {@code
 * DELETE …/{id}}.
 */
@Path("mailboxes")
@Produces(MediaType.APPLICATION_JSON)
public class MailboxesResource {

  @Inject MailboxConnections connections;
  @Inject RevokeConnection revoke;
  @Inject Caller caller;
  @Inject @Any Instance<MailboxStatus> statuses;

  @GET
  public Page<ConnectionView> list() {
    return new Page<>(
        connections.ofUser(caller.orgId(), caller.userId()).stream()
            .map(c -> ConnectionView.of(c, connections))
            .toList(),
        null);
  }

  /**
   * One connected mailbox (its owner's, or any of the org's for an admin), with what other parts
   * report about it, e.g. capture health as {@code capture}.
   */
  @GET
  @Path("{id}")
  public Map<String, Object> get(@PathParam("id") String id) {
    MailboxConnection connection =
        caller.isAdmin()
            ? connections.inOrg(caller.orgId(), id)
            : connections.ownedBy(caller.orgId(), caller.userId(), id);
    ConnectionView view = ConnectionView.of(connection, connections);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", view.id());
    json.put("userId", view.userId());
    json.put("provider", view.provider());
    json.put("address", view.address());
    json.put("scopes", view.scopes());
    json.put("state", view.state());
    json.put("createdAt", view.createdAt());
    json.put("lastUsedAt", view.lastUsedAt());
    json.put("canSend", view.canSend());
    json.put("canUseCalendar", view.canUseCalendar());
    json.put("reconnect", view.reconnect());
    for (MailboxStatus status : statuses) {
      json.put(status.field(), status.of(caller.orgId(), id));
    }
    return json;
  }

  @DELETE
  @Path("{id}")
  public RevokeConnection.Revoked disconnect(@PathParam("id") String id) {
    return revoke.byOwner(caller.orgId(), caller.userId(), id);
  }
}
