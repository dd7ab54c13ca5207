package io.mailbridge.addin.boundary;

import io.mailbridge.addin.control.LogExchangeEmail;
import io.mailbridge.platform.config.control.ApiProblem;
import io.mailbridge.platform.security.control.Caller;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Logs the email open in Outlook to CRM records: {@code POST /api/addin/log}. */
@Path("addin/log")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AddinLogResource {

  static final int MAX_RECORDS = 50;
  static final int MAX_ATTACHMENTS = 50;
  private static final int MAX_TOKEN_LENGTH = 16 * 1024;

  @Inject LogExchangeEmail logging;
  @Inject Caller caller;

  /** The property the task pane writes into the item so it shows "Logged" later. */
  public record ExtendedProperty(String propertySetId, String name, String value) {}

  /** The answer. */
  public record LogResult(
      String activityId, boolean alreadyLogged, ExtendedProperty extendedProperty) {}

  @POST
  public LogResult log(JsonObject body) {
    if (body == null) {
      throw ApiProblem.badRequest("invalid_json", "Send a JSON object");
    }
    String provider = RequestFields.text(body, "provider", 20, false);
    if (provider != null && !provider.equals("ews")) {
      throw ApiProblem.invalidField("provider", "only \"ews\" is supported");
    }
    LogExchangeEmail.Request request =
        new LogExchangeEmail.Request(
            RequestFields.text(body, "ewsUrl", 2048, true),
            RequestFields.text(body, "callbackToken", MAX_TOKEN_LENGTH, true),
            RequestFields.text(body, "itemId", RequestFields.MAX_ID_LENGTH, true),
            RequestFields.ids(body, "recordIds", 1, MAX_RECORDS),
            RequestFields.ids(body, "attachmentIds", 0, MAX_ATTACHMENTS));
    LogExchangeEmail.Logged logged = logging.log(caller.orgId(), caller.userId(), request);
    return new LogResult(
        logged.activityId(),
        logged.alreadyLogged(),
        new ExtendedProperty(logged.propertySetId(), logged.propertyName(), logged.activityId()));
  }
}
