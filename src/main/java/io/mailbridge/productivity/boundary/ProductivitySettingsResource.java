package io.mailbridge.productivity.boundary;

import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.productivity.control.ProductivitySwitches;
import io.mailbridge.productivity.control.ProductivitySwitches.Switches;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/** The org's productivity switches: {@code GET/PUT /api/admin/productivity/settings}. */
@Path("admin/productivity/settings")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class ProductivitySettingsResource {

  @Inject ProductivitySwitches switches;
  @Inject Caller caller;

  @GET
  public Switches get() {
    return switches.of(caller.orgId());
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  public Switches replace(JsonObject body) {
    JsonValue tracking = body.get("trackingEnabled");
    if (tracking != JsonValue.TRUE && tracking != JsonValue.FALSE) {
      throw new InvalidField("trackingEnabled", "must be true or false");
    }
    return switches.change(
        caller.orgId(), caller.userId(), tracking == JsonValue.TRUE, domains(body));
  }

  private static List<String> domains(JsonObject body) {
    JsonValue value = body.get("internalDomains");
    if (value == null || value == JsonValue.NULL) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new InvalidField("internalDomains", "must be a list of domain names");
    }
    List<String> domains = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof JsonString text)) {
        throw new InvalidField("internalDomains[" + i + "]", "must be a domain name");
      }
      domains.add(text.getString());
    }
    return domains;
  }
}
