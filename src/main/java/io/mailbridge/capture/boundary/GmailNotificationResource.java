package io.mailbridge.capture.boundary;

import io.mailbridge.capture.control.GmailNotifications;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * Gmail's push receiver, {@code POST /api/notify/gmail}, for a Cloud Pub/Sub push subscription with
 * authentication: 401 without a valid Google-signed OIDC token of the configured sender (nothing
 * queued); otherwise 202 when a sync was queued and 204 when the notification named no captured
 * mailbox or could not be read (both acknowledge the message, so Pub/Sub does not deliver it
 * again).
 */
@Path("notify/gmail")
@PermitAll
public class GmailNotificationResource {

  @Inject GmailNotifications notifications;

  @POST
  public Response receive(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
    int queued = notifications.receive(authorization, body);
    return queued > 0 ? Response.accepted().build() : Response.noContent().build();
  }
}
