package io.mailbridge.crm.boundary;

import io.mailbridge.crm.control.CrmEvents;
import io.mailbridge.platform.security.control.Caller;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * CRM events (EVENT activities) made, read, changed and deleted in the CRM: {@code /api/events}.
 */
@Path("events")
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {

  @Inject CrmEvents events;
  @Inject Caller caller;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(JsonObject body) {
    JsonObject created = events.create(caller.orgId(), caller.userId(), body);
    return Response.created(URI.create("/api/events/" + created.getString("id")))
        .entity(created)
        .build();
  }

  @GET
  @Path("{id}")
  public JsonObject get(@PathParam("id") String id) {
    return events.get(caller.orgId(), id);
  }

  @PATCH
  @Path("{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  public JsonObject update(@PathParam("id") String id, JsonObject body) {
    return events.update(caller.orgId(), id, body);
  }

  @DELETE
  @Path("{id}")
  public Response delete(@PathParam("id") String id) {
    events.delete(caller.orgId(), id);
    return Response.noContent().build();
  }
}
