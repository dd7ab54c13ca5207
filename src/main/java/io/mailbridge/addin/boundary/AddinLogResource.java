package io.mailbridge.addin.boundary;

import io.mailbridge.addin.control.LogEmail;
import io.mailbridge.mailbox.control.MailboxChoice;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Logs the email open in Outlook to CRM records: {@code POST /api/addin/log}, over EWS with the
 * item's callback token (on-premises) or over Microsoft Graph ({@code "provider":"graph"}).
 */
@Path("addin/log")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AddinLogResource {

  static final int MAX_RECORDS = 50;
  static final int MAX_ATTACHMENTS = 50;
  private static final int MAX_TOKEN_LENGTH = 16 * 1024;

  @Inject LogEmail logging;
  @Inject Caller caller;

  /** The property the task pane writes into the item so it shows "Logged" later. */
  public record ExtendedProperty(String propertySetId, String name, String value) {}

  /**
   * The answer; {@code propertyWritten} says whether the server already wrote the property into the
   * message (Graph) or the task pane must (EWS, with UpdateItem).
   */
  public record LogResult(
      String activityId,
      boolean alreadyLogged,
      ExtendedProperty extendedProperty,
      boolean propertyWritten) {}

  /** Whether the message was logged: {@code {"activityId": id | null}}. */
  public record LoggedMark(String activityId) {}

  @GET
  @Path("graph")
  public LoggedMark loggedOverGraph(@QueryParam("itemId") String itemId) {
    if (itemId == null || itemId.isBlank() || itemId.length() > RequestFields.MAX_ID_LENGTH) {
      throw new InvalidField("itemId", "is required");
    }
    return new LoggedMark(
        logging.loggedActivity(
            caller.orgId(),
            caller.userId(),
            new MailboxChoice.OutlookOnMicrosoft365(caller.addinMailbox()),
            itemId));
  }

  @POST
  public LogResult log(JsonObject body) {
    if (body == null) {
      throw new InvalidRequest("invalid_json", "Send a JSON object");
    }
    String provider = RequestFields.text(body, "provider", 20, false);
    MailboxChoice mailbox;
    if ("graph".equals(provider)) {
      mailbox = new MailboxChoice.OutlookOnMicrosoft365(caller.addinMailbox());
    } else if (provider == null || provider.equals("ews")) {
      mailbox =
          new MailboxChoice.OutlookOnExchange(
              RequestFields.text(body, "ewsUrl", 2048, true),
              RequestFields.text(body, "callbackToken", MAX_TOKEN_LENGTH, true));
    } else {
      throw new InvalidField("provider", "must be \"ews\" or \"graph\"");
    }
    LogEmail.Logged logged =
        logging.log(
            caller.orgId(),
            caller.userId(),
            new LogEmail.Request(
                mailbox,
                RequestFields.text(body, "itemId", RequestFields.MAX_ID_LENGTH, true),
                RequestFields.ids(body, "recordIds", 1, MAX_RECORDS),
                RequestFields.ids(body, "attachmentIds", 0, MAX_ATTACHMENTS)));
    // Over Graph the server wrote the property already; over EWS the pane writes it (UpdateItem).
    return new LogResult(
        logged.activityId(),
        logged.alreadyLogged(),
        new ExtendedProperty(
            logged.mark().propertySetId(), logged.mark().name(), logged.activityId()),
        logged.mark().written());
  }
}
