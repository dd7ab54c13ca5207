package io.mailbridge.crm.boundary;

import io.mailbridge.crm.control.ParticipantContext;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;

/** The CRM records of an email's participants, for the add-in's side panel. */
@Path("addin/context")
@Produces(MediaType.APPLICATION_JSON)
public class AddinContextResource {

  @Inject ParticipantContext context;
  @Inject Caller caller;

  @GET
  public JsonObject context(@QueryParam("emails") String emails) {
    if (emails == null || emails.isBlank()) {
      throw new InvalidField("emails", "is required: a comma-separated list of addresses");
    }
    List<String> list =
        Arrays.stream(emails.split(",")).map(String::strip).filter(e -> !e.isEmpty()).toList();
    return context.of(caller.orgId(), list);
  }
}
