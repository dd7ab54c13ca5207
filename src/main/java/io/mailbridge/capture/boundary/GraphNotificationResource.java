package io.mailbridge.capture.boundary;

import io.mailbridge.capture.control.GraphNotifications;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.problem.NotAllowed;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;

/**
 * Microsoft Graph's push receiver, {@code POST /api/notify/graph}: the subscription validation
 * handshake ({@code ?validationToken=} answered 200 {@code text/plain} with the token) and change
 * and lifecycle notifications (202 at once; the work is a queued job). Notifications with an
 * unknown subscription or a wrong {@code clientState} are refused (403) and change nothing.
 */
@Path("notify/graph")
@PermitAll
public class GraphNotificationResource {

  private static final int MAX_TOKEN = 1024;

  @Inject GraphNotifications notifications;

  @POST
  public Response receive(@QueryParam("validationToken") String validationToken, String body) {
    if (validationToken != null) {
      if (validationToken.isEmpty() || validationToken.length() > MAX_TOKEN) {
        throw new InvalidRequest("invalid_validation_token", "The validation token is not valid");
      }
      return Response.ok(validationToken, MediaType.TEXT_PLAIN_TYPE).build();
    }
    GraphNotifications.Received received = notifications.receive(parse(body));
    if (received.refused() > 0) {
      throw new NotAllowed(
          "notification_refused",
          "Notifications with an unknown subscription or a wrong clientState are refused");
    }
    return Response.accepted().build();
  }

  private static JsonObject parse(String body) {
    if (body == null || body.isBlank()) {
      throw new InvalidRequest("invalid_json", "Send Graph's notification collection");
    }
    try (var reader = Json.createReader(new StringReader(body))) {
      JsonStructure json = reader.read();
      if (!(json instanceof JsonObject object)) {
        throw new InvalidRequest("invalid_json", "Send Graph's notification collection");
      }
      return object;
    } catch (JsonException e) {
      throw new InvalidRequest("invalid_json", "The body is not JSON");
    }
  }
}
