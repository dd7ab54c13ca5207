package io.mailbridge.mailbox.ews.boundary;

import io.mailbridge.mailbox.ews.control.DiagnosisStep;
import io.mailbridge.mailbox.ews.control.ExchangeDiagnosis;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The Exchange connectivity debug tool: {@code POST /api/admin/exchange/diagnose} {@code {host |
 * email, identityToken?, impersonate?}} answers {@code {steps:[{name, ok, detail, fix}]}}.
 */
@Path("admin/exchange/diagnose")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class ExchangeDiagnosisResource {

  @Inject ExchangeDiagnosis diagnosis;
  @Inject Caller caller;

  /** The report: the steps in the order they ran. */
  public record DiagnosisReport(List<DiagnosisStep> steps) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public DiagnosisReport diagnose(JsonValue body) {
    if (!(body instanceof JsonObject json)) {
      throw new InvalidRequest("invalid_json", "Send a JSON object");
    }
    return new DiagnosisReport(
        diagnosis.diagnose(
            caller.orgId(),
            text(json, "host"),
            text(json, "email"),
            text(json, "identityToken"),
            text(json, "impersonate")));
  }

  private static String text(JsonObject json, String field) {
    JsonValue value = json.get(field);
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (!(value instanceof JsonString s) || s.getString().length() > 16_384) {
      throw new InvalidField(field, "must be a string");
    }
    return s.getString().isBlank() ? null : s.getString();
  }
}
