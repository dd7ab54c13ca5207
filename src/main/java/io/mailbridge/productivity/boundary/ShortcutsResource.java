package io.mailbridge.productivity.boundary;

import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import io.mailbridge.productivity.control.MergeFields.Rendered;
import io.mailbridge.productivity.control.Shortcuts;
import io.mailbridge.productivity.control.Shortcuts.Asker;
import io.mailbridge.productivity.control.Shortcuts.Scope;
import io.mailbridge.productivity.control.Shortcuts.ShortcutView;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Text shortcuts: {@code /api/shortcuts} (CRUD) and {@code POST /api/shortcuts/{id}/render}. */
@Path("shortcuts")
@Produces(MediaType.APPLICATION_JSON)
public class ShortcutsResource {

  @Inject Shortcuts shortcuts;
  @Inject Caller caller;

  @GET
  public Page<ShortcutView> list() {
    return new Page<>(shortcuts.list(asker()), null);
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(JsonObject body) {
    ShortcutView created =
        shortcuts.create(asker(), scope(body), text(body, "name"), text(body, "text"));
    return Response.status(Response.Status.CREATED).entity(created).build();
  }

  @GET
  @Path("{id}")
  public ShortcutView get(@PathParam("id") String id) {
    return shortcuts.get(asker(), id);
  }

  @PUT
  @Path("{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  public ShortcutView replace(@PathParam("id") String id, JsonObject body) {
    return shortcuts.replace(asker(), id, text(body, "name"), text(body, "text"));
  }

  @DELETE
  @Path("{id}")
  public Response delete(@PathParam("id") String id) {
    shortcuts.delete(asker(), id);
    return Response.noContent().build();
  }

  @POST
  @Path("{id}/render")
  @Consumes(MediaType.APPLICATION_JSON)
  public Rendered render(@PathParam("id") String id, JsonObject body) {
    return shortcuts.render(asker(), id, optionalText(body, "recordId"));
  }

  /**
   * The caller; writing the org's shortcuts is administration, which the add-in's cookie does not
   * open (as for {@code /api/admin}), so an admin in the task pane acts as a user there.
   */
  private Asker asker() {
    return new Asker(caller.orgId(), caller.userId(), caller.isAdmin() && !caller.isThroughAddin());
  }

  private static Scope scope(JsonObject body) {
    String scope = optionalText(body, "scope");
    if (scope == null) {
      return null;
    }
    try {
      return Scope.valueOf(scope);
    } catch (IllegalArgumentException e) {
      throw new InvalidField("scope", "must be USER or ORG");
    }
  }

  private static String text(JsonObject body, String field) {
    String value = optionalText(body, field);
    if (value == null) {
      throw new InvalidField(field, "is required");
    }
    return value;
  }

  private static String optionalText(JsonObject body, String field) {
    JsonValue value = body.get(field);
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (!(value instanceof JsonString s)) {
      throw new InvalidField(field, "must be a text");
    }
    return s.getString();
  }
}
