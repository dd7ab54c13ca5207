package io.mailbridge.crm.boundary;

import io.mailbridge.crm.control.Activities;
import io.mailbridge.crm.control.RecordImport;
import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;

/** CRUD, search, CSV import and timelines of accounts, contacts, leads, opportunities and cases. */
@Path("records/{type}")
@Produces(MediaType.APPLICATION_JSON)
public class RecordsResource {

  @Inject Records records;
  @Inject RecordImport recordImport;
  @Inject Activities activities;
  @Inject Caller caller;

  @GET
  public Page<JsonObject> list(
      @PathParam("type") String type,
      @QueryParam("q") String query,
      @QueryParam("email") String email,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    Records.RecordPage page = records.page(caller.orgId(), type(type), query, email, cursor, limit);
    return new Page<>(page.items(), page.next());
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(@PathParam("type") String type, JsonObject body) {
    RecordType recordType = type(type);
    JsonObject created = records.create(caller.orgId(), recordType, body, caller.userId());
    return Response.created(
            URI.create("/api/records/" + recordType.path() + "/" + created.getString("id")))
        .entity(created)
        .build();
  }

  @GET
  @Path("{id}")
  public JsonObject get(@PathParam("type") String type, @PathParam("id") String id) {
    return records.get(caller.orgId(), type(type), id);
  }

  @PUT
  @Path("{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  public JsonObject update(
      @PathParam("type") String type, @PathParam("id") String id, JsonObject body) {
    return records.update(caller.orgId(), type(type), id, body);
  }

  /** Gives the record to another user: {@code {"userId"}}. */
  @PUT
  @Path("{id}/owner")
  @Consumes(MediaType.APPLICATION_JSON)
  public JsonObject giveTo(
      @PathParam("type") String type, @PathParam("id") String id, JsonObject body) {
    if (body == null) {
      throw new InvalidRequest("invalid_json", "Send the new owner as {\"userId\": …}");
    }
    if (body.containsKey("userId") && !(body.get("userId") instanceof JsonString)) {
      throw new InvalidField("userId", "must be a user's id");
    }
    return records.giveTo(
        caller.orgId(),
        type(type),
        id,
        caller.userId(),
        caller.isAdmin(),
        body.getString("userId", null));
  }

  /** The caller follows the record. */
  @PUT
  @Path("{id}/follow")
  public Response follow(@PathParam("type") String type, @PathParam("id") String id) {
    records.follow(caller.orgId(), type(type), id, caller.userId(), true);
    return Response.noContent().build();
  }

  /** The caller stops following the record. */
  @DELETE
  @Path("{id}/follow")
  public Response unfollow(@PathParam("type") String type, @PathParam("id") String id) {
    records.follow(caller.orgId(), type(type), id, caller.userId(), false);
    return Response.noContent().build();
  }

  @DELETE
  @Path("{id}")
  public Response delete(@PathParam("type") String type, @PathParam("id") String id) {
    records.delete(caller.orgId(), type(type), id);
    return Response.noContent().build();
  }

  @POST
  @Path("import")
  @Consumes({"text/csv", MediaType.TEXT_PLAIN})
  public RecordImport.Report importCsv(
      @PathParam("type") String type,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      InputStream body) {
    return recordImport.importCsv(
        caller.orgId(), caller.userId(), type(type), idempotencyKey, body);
  }

  @GET
  @Path("{id}/timeline")
  public Page<JsonObject> timeline(
      @PathParam("type") String type,
      @PathParam("id") String id,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    Activities.TimelinePage page =
        activities.timeline(caller.orgId(), type(type), id, cursor, limit);
    return new Page<>(page.items(), page.next());
  }

  private static RecordType type(String path) {
    return RecordType.fromPath(path).orElseThrow(() -> new NotFound("Record type " + path));
  }
}
