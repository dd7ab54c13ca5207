package io.mailbridge.capture.boundary;

import io.mailbridge.capture.control.CaptureHealth;
import io.mailbridge.capture.control.CaptureSwitch;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Capture of one mailbox on or off: {@code PUT /api/mailboxes/{id}/capture {enabled}}. */
@Path("mailboxes/{id}/capture")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class MailboxCaptureResource {

  @Inject CaptureSwitch captureSwitch;
  @Inject Caller caller;

  /** The switch as sent. */
  public record Body(Boolean enabled) {}

  @PUT
  public CaptureHealth switchTo(@PathParam("id") String id, Body body) {
    if (body == null || body.enabled() == null) {
      throw new InvalidField("enabled", "is required (true or false)");
    }
    return captureSwitch.switchTo(
        caller.orgId(), caller.userId(), caller.isAdmin(), id, body.enabled());
  }
}
