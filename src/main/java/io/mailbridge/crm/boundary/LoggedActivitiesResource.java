package io.mailbridge.crm.boundary;

import io.mailbridge.crm.control.Activities;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/activities}: what the caller logged, newest first ("My activity"). */
@Path("activities")
public class LoggedActivitiesResource {

  @Inject Activities activities;
  @Inject Caller caller;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Page<JsonObject> mine(
      @QueryParam("cursor") String cursor, @QueryParam("limit") @DefaultValue("50") int limit) {
    Activities.TimelinePage page =
        activities.loggedBy(caller.orgId(), caller.userId(), cursor, limit);
    return new Page<>(page.items(), page.next());
  }
}
