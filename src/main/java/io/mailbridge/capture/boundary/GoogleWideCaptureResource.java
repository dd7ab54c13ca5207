package io.mailbridge.capture.boundary;

import io.mailbridge.capture.control.OrgWideCapture;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Org-wide capture of Google Workspace for the org's admins: {@code GET/PUT
 * /api/admin/capture/google} with {@code {serviceAccountKey (write-only), users:[…]}}.
 */
@Path("admin/capture/google")
@RolesAllowed("ADMIN")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class GoogleWideCaptureResource {

  private static final String SHAPE =
      "Send {\"serviceAccountKey\":{…the key file…},\"users\":[\"ada@example.com\", …]}";

  @Inject OrgWideCapture orgWide;
  @Inject Caller caller;

  @GET
  public OrgWideCapture.GoogleScope get() {
    return orgWide.viewGoogle(caller.orgId());
  }

  @PUT
  public OrgWideCapture.GoogleScope replace(String body) {
    JsonObject json = parse(body);
    JsonValue key = json.get("serviceAccountKey");
    String keyJson;
    if (key == null || key == JsonValue.NULL) {
      keyJson = null;
    } else if (key instanceof JsonObject file) {
      keyJson = file.toString();
    } else if (key instanceof JsonString text) {
      keyJson = text.getString();
    } else {
      throw new InvalidField("serviceAccountKey", "must be the service account's JSON key file");
    }
    JsonValue given = json.get("users");
    List<String> users = new ArrayList<>();
    if (given != null && given != JsonValue.NULL) {
      if (!(given instanceof JsonArray array)) {
        throw new InvalidField("users", "must be a list of mail addresses");
      }
      for (int i = 0; i < array.size(); i++) {
        if (!(array.get(i) instanceof JsonString address)) {
          throw new InvalidField("users[" + i + "]", "is not a mail address");
        }
        users.add(address.getString());
      }
    }
    return orgWide.replaceGoogle(caller.orgId(), caller.userId(), keyJson, users);
  }

  private static JsonObject parse(String body) {
    if (body == null || body.isBlank()) {
      throw new InvalidRequest("invalid_json", SHAPE);
    }
    try (var reader = Json.createReader(new StringReader(body))) {
      JsonStructure json = reader.read();
      if (!(json instanceof JsonObject object)) {
        throw new InvalidRequest("invalid_json", SHAPE);
      }
      return object;
    } catch (InvalidRequest e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidRequest("invalid_json", "The body is not JSON. " + SHAPE);
    }
  }
}
