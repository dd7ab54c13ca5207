package io.mailbridge.capture.boundary;

import io.mailbridge.capture.control.GoogleCalendarNotifications;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * Google Calendar's push receiver, {@code POST /api/notify/google-calendar}, the address of every
 * calendar channel capture opens: 202 when a change queued a sync, 200 for the channel's opening
 * message, 403 for an unknown channel or a wrong token (nothing queued). Google reads any 2xx as
 * delivered and retries other answers with back-off.
 */
@Path("notify/google-calendar")
@PermitAll
public class GoogleCalendarNotificationResource {

  @Inject GoogleCalendarNotifications notifications;

  @POST
  public Response receive(
      @HeaderParam("X-Goog-Channel-ID") String channelId,
      @HeaderParam("X-Goog-Channel-Token") String token,
      @HeaderParam("X-Goog-Resource-State") String state) {
    return switch (notifications.receive(channelId, token, state)) {
      case SYNC_QUEUED -> Response.accepted().build();
      case NOTED -> Response.ok().build();
    };
  }
}
