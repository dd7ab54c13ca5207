package io.mailbridge.capture.boundary;

import io.mailbridge.capture.control.CaptureExclusions;
import io.mailbridge.capture.control.UserExclusions;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The signed-in user's own capture exclusions: {@code GET/PUT /api/capture/exclusions}. */
@Path("capture/exclusions")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CaptureExclusionsResource {

  @Inject UserExclusions exclusions;
  @Inject Caller caller;

  /** The lists as sent; a list left out is empty. */
  public record Body(List<String> excludedAddresses, List<String> excludedDomains) {}

  @GET
  public CaptureExclusions get() {
    return exclusions.of(caller.orgId(), caller.userId());
  }

  @PUT
  public CaptureExclusions replace(Body body) {
    if (body == null) {
      throw new InvalidRequest("invalid_json", "Send the exclusions as a JSON object");
    }
    return exclusions.replace(
        caller.orgId(),
        caller.userId(),
        new CaptureExclusions(body.excludedAddresses(), body.excludedDomains()));
  }
}
