package io.mailbridge.addin.boundary;

import io.mailbridge.addin.control.GmailParticipants;
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
 * The Gmail extension's backend: {@code POST /api/gmail/log} and {@code GET
 * /api/gmail/context?messageId=}, read through the rep's connected Gmail mailbox.
 */
@Path("gmail")
@Produces(MediaType.APPLICATION_JSON)
public class GmailResource {

  private static final int MAX_ID_LENGTH = 256;

  @Inject LogEmail logging;
  @Inject GmailParticipants participants;
  @Inject Caller caller;

  /** The answer; {@code label} says whether Gmail now shows "Logged to CRM" on the message. */
  public record LogResult(String activityId, boolean alreadyLogged, Label label) {}

  /** The Gmail label a logged message gets. */
  public record Label(String name, boolean added) {}

  @POST
  @Path("log")
  @Consumes(MediaType.APPLICATION_JSON)
  public LogResult log(JsonObject body) {
    if (body == null) {
      throw new InvalidRequest("invalid_json", "Send a JSON object");
    }
    LogEmail.Logged logged =
        logging.log(
            caller.orgId(),
            caller.userId(),
            new LogEmail.Request(
                new MailboxChoice.Gmail(RequestFields.text(body, "mailboxId", 64, false)),
                gmailId(RequestFields.text(body, "messageId", MAX_ID_LENGTH, true), "messageId"),
                RequestFields.ids(body, "recordIds", 1, AddinLogResource.MAX_RECORDS),
                RequestFields.ids(body, "attachmentIds", 0, AddinLogResource.MAX_ATTACHMENTS)));
    return new LogResult(
        logged.activityId(),
        logged.alreadyLogged(),
        new Label(logged.mark().name(), logged.mark().written()));
  }

  @GET
  @Path("context")
  public JsonObject context(
      @QueryParam("messageId") String messageId, @QueryParam("mailboxId") String mailboxId) {
    if (messageId == null || messageId.isBlank()) {
      throw new InvalidField("messageId", "is required");
    }
    return participants.of(
        caller.orgId(), caller.userId(), mailboxId, gmailId(messageId, "messageId"));
  }

  /** Gmail ids are hexadecimal; anything else would only be sent to Google to be refused. */
  private static String gmailId(String id, String field) {
    if (id.length() > MAX_ID_LENGTH || !id.matches("[A-Za-z0-9_-]+")) {
      throw new InvalidField(field, "is not a Gmail message id");
    }
    return id;
  }
}
