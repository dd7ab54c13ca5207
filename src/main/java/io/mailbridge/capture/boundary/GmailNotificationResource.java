package io.mailbridge.capture.boundary;

import io.mailbridge.capture.control.GmailNotifications;
import io.mailbridge.platform.problem.InvalidRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;

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
    int queued = notifications.receive(authorization, parse(body));
    return queued > 0 ? Response.accepted().build() : Response.noContent().build();
  }

  /**
   * The body as a JSON object, checked before the token like every JSON endpoint's: Pub/Sub always
   * sends an object, so a 400 here never makes it deliver a real message again.
   */
  private static JsonObject parse(String body) {
    if (body == null || body.isBlank()) {
      throw new InvalidRequest("invalid_json", "Send Pub/Sub's push envelope");
    }
    try (var reader = Json.createReader(new StringReader(body))) {
      JsonStructure json = reader.read();
      if (!(json instanceof JsonObject object)) {
        throw new InvalidRequest("invalid_json", "Send Pub/Sub's push envelope");
      }
      return object;
    } catch (JsonException e) {
      throw new InvalidRequest("invalid_json", "The body is not JSON");
    }
  }
}
