package io.mailbridge.platform.security.boundary;

import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.platform.web.boundary.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** An admin lists, creates, changes and disables the users of its own org. */
@Path("admin/users")
@RolesAllowed("ADMIN")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AdminUsersResource {

  @Inject Users users;
  @Inject Caller caller;

  @GET
  public Page<UserView> list(
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit,
      @QueryParam("email") String email) {
    if (limit < 1 || limit > 200) {
      throw new InvalidField("limit", "must be between 1 and 200");
    }
    if (email != null && !email.isBlank()) {
      if (email.length() > 320) {
        throw new InvalidField("email", "must have at most 320 characters");
      }
      // An exact lookup: one page with the one user, or none.
      return new Page<>(
          users.findByEmail(caller.orgId(), email).map(UserView::of).stream().toList(), null);
    }
    List<AppUser> found = users.page(caller.orgId(), cursor, limit + 1);
    boolean more = found.size() > limit;
    List<AppUser> page = more ? found.subList(0, limit) : found;
    return new Page<>(
        page.stream().map(UserView::of).toList(), more ? page.get(page.size() - 1).id() : null);
  }

  @GET
  @Path("{id}")
  public UserView get(@PathParam("id") String id) {
    return UserView.of(users.find(caller.orgId(), id));
  }

  @POST
  public Response create(Users.NewUser request) {
    if (request == null) {
      throw new InvalidRequest("invalid_json", "Send {email, displayName, role, password}");
    }
    AppUser created = users.create(caller.orgId(), request, caller.userId());
    return Response.created(URI.create("/api/admin/users/" + created.id()))
        .entity(UserView.of(created))
        .build();
  }

  @PATCH
  @Path("{id}")
  public UserView change(@PathParam("id") String id, Users.UserChange change) {
    if (change == null) {
      throw new InvalidRequest("invalid_json", "Send the fields to change");
    }
    return UserView.of(users.change(caller.orgId(), caller.userId(), id, change));
  }
}
