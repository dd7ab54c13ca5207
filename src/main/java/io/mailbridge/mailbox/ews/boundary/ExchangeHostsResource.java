package io.mailbridge.mailbox.ews.boundary;

import io.mailbridge.mailbox.control.ExchangeHostEntry;
import io.mailbridge.mailbox.ews.control.ExchangeHosts;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/** The org's Exchange allow-list: {@code [{"host","plainHttp","privateAddress"}]}. */
@Path("admin/exchange/hosts")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class ExchangeHostsResource {

  @Inject ExchangeHosts hosts;
  @Inject Caller caller;

  @GET
  public List<ExchangeHostEntry> list() {
    return hosts.list(caller.orgId());
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  public List<ExchangeHostEntry> replace(JsonValue body) {
    if (!(body instanceof JsonArray array)) {
      throw new InvalidRequest(
          "invalid_json", "Send a JSON array of {\"host\",\"plainHttp\",\"privateAddress\"}");
    }
    List<ExchangeHostEntry> entries = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof JsonObject entry)) {
        throw new InvalidField("[" + i + "]", "must be an object");
      }
      entries.add(
          new ExchangeHostEntry(
              entry.get("host") instanceof jakarta.json.JsonString s ? s.getString() : null,
              flag(entry, "plainHttp", i),
              flag(entry, "privateAddress", i)));
    }
    return hosts.replace(caller.orgId(), entries);
  }

  private static boolean flag(JsonObject entry, String name, int index) {
    JsonValue value = entry.get(name);
    if (value == null || value == JsonValue.NULL || value == JsonValue.FALSE) {
      return false;
    }
    if (value == JsonValue.TRUE) {
      return true;
    }
    throw new InvalidField("[" + index + "]." + name, "must be true or false");
  }
}
