package io.mailbridge.productivity.boundary;

import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.productivity.control.EmailTracking;
import io.mailbridge.productivity.control.EmailTracking.Prepared;
import io.mailbridge.productivity.control.EmailTracking.Summary;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * Tracking for the compose window: {@code POST /api/tracking/prepare} (pixel and tracked links for
 * an email about to be sent) and {@code GET /api/tracking/{id}} (what was seen of it).
 */
@Path("tracking")
@Produces(MediaType.APPLICATION_JSON)
public class TrackingResource {

  @Inject EmailTracking tracking;
  @Inject Caller caller;

  @POST
  @Path("prepare")
  @Consumes(MediaType.APPLICATION_JSON)
  public Prepared prepare(JsonObject body) {
    JsonValue html = body.get("html");
    if (!(html instanceof JsonString text)) {
      throw new InvalidField("html", "must be the email's HTML as a text");
    }
    return tracking.prepare(
        caller.orgId(),
        caller.userId(),
        text.getString(),
        texts(body, "recipients"),
        texts(body, "recordIds"));
  }

  @GET
  @Path("{id}")
  public Summary get(@PathParam("id") String id) {
    return tracking.summary(caller.orgId(), caller.userId(), id);
  }

  private static List<String> texts(JsonObject body, String field) {
    JsonValue value = body.get(field);
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw new InvalidField(field, "must be a list of texts");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof JsonString s)) {
        throw new InvalidField(field + "[" + i + "]", "must be a text");
      }
      out.add(s.getString());
    }
    return out;
  }
}
