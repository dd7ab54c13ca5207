package io.mailbridge.platform.crypto.boundary;

import io.mailbridge.platform.crypto.control.KeyRotation;
import io.mailbridge.platform.security.control.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** An admin rotates its org's data key and sees which key is primary. */
@Path("admin/keys")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {

  @Inject KeyRotation rotation;
  @Inject Caller caller;

  @GET
  public KeyRotation.KeyStatus status() {
    return rotation.status(caller.orgId());
  }

  @POST
  @Path("rotate")
  public Response rotate() {
    return Response.accepted(rotation.rotate(caller.orgId())).build();
  }
}
