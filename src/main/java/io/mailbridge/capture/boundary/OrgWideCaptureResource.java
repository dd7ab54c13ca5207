package io.mailbridge.capture.boundary;

import io.mailbridge.capture.control.OrgWideCapture;
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

/**
 * Org-wide capture of Microsoft 365 for the org's admins: {@code GET/PUT
 * /api/admin/capture/microsoft} with {@code {users:[…]}} or {@code {group}}.
 */
@Path("admin/capture/microsoft")
@RolesAllowed("ADMIN")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class OrgWideCaptureResource {

  @Inject OrgWideCapture orgWide;
  @Inject Caller caller;

  /** The admin's choice: the users' addresses, or a group's object id or mail address. */
  public record Body(List<String> users, String group) {}

  @GET
  public OrgWideCapture.Scope get() {
    return orgWide.view(caller.orgId());
  }

  @PUT
  public OrgWideCapture.Scope replace(Body body) {
    if (body == null) {
      throw new InvalidRequest("invalid_json", "Send {\"users\":[…]} or {\"group\":\"…\"}");
    }
    return orgWide.replace(
        caller.orgId(), caller.userId(), new OrgWideCapture.Choice(body.users(), body.group()));
  }
}
