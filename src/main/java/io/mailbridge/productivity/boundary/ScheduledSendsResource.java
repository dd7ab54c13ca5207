package io.mailbridge.productivity.boundary;

import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import io.mailbridge.productivity.control.OutgoingMessage;
import io.mailbridge.productivity.control.ScheduledSends;
import io.mailbridge.productivity.control.ScheduledSends.Draft;
import io.mailbridge.productivity.control.ScheduledSends.Owner;
import io.mailbridge.productivity.control.ScheduledSends.SendView;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Send later: {@code /api/scheduled-sends} (schedule, list, read, reschedule, cancel). */
@Path("scheduled-sends")
@Produces(MediaType.APPLICATION_JSON)
public class ScheduledSendsResource {

  private static final int MAX_ATTACHMENTS = 50;

  @Inject ScheduledSends sends;
  @Inject Caller caller;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response schedule(JsonObject body) {
    byte[] mime = body.containsKey("mime") ? base64(text(body, "mime", true), "mime") : null;
    OutgoingMessage.Fields fields = null;
    JsonValue message = body.get("message");
    if (message != null && message != JsonValue.NULL) {
      if (!(message instanceof JsonObject m)) {
        throw new InvalidField("message", "must be an object");
      }
      fields = fields(m);
    }
    Draft draft =
        new Draft(
            text(body, "mailboxId", false),
            time(body, "sendAt"),
            mime,
            fields,
            texts(body, "recordIds"));
    SendView created = sends.schedule(owner(), draft);
    return Response.status(Response.Status.CREATED).entity(created).build();
  }

  @GET
  public Page<SendView> list() {
    return new Page<>(sends.list(owner()), null);
  }

  @GET
  @Path("{id}")
  public SendView get(@PathParam("id") String id) {
    return sends.get(owner(), id);
  }

  @PATCH
  @Path("{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  public SendView reschedule(@PathParam("id") String id, JsonObject body) {
    return sends.reschedule(owner(), id, time(body, "sendAt"));
  }

  @DELETE
  @Path("{id}")
  public SendView cancel(@PathParam("id") String id) {
    return sends.cancel(owner(), id);
  }

  private Owner owner() {
    // An add-in session without a mailbox connection is Outlook on the org's Exchange server (the
    // Exchange Online sign-in records its connection on the session).
    return new Owner(
        caller.orgId(),
        caller.userId(),
        caller.addinMailbox(),
        caller.isThroughAddin() && caller.addinMailbox() == null);
  }

  private static OutgoingMessage.Fields fields(JsonObject m) {
    List<OutgoingMessage.Attachment> attachments = new ArrayList<>();
    JsonValue listed = m.get("attachments");
    if (listed != null && listed != JsonValue.NULL) {
      if (!(listed instanceof JsonArray array) || array.size() > MAX_ATTACHMENTS) {
        throw new InvalidField(
            "message.attachments", "must be a list of at most " + MAX_ATTACHMENTS);
      }
      for (JsonValue item : array) {
        if (!(item instanceof JsonObject a)) {
          throw new InvalidField("message.attachments", "must hold objects");
        }
        String contentType = text(a, "contentType", false);
        attachments.add(
            new OutgoingMessage.Attachment(
                text(a, "name", true),
                contentType == null ? "application/octet-stream" : contentType,
                base64(text(a, "content", true), "message.attachments.content")));
      }
    }
    return new OutgoingMessage.Fields(
        texts(m, "to"),
        texts(m, "cc"),
        texts(m, "bcc"),
        text(m, "subject", false),
        text(m, "text", false),
        text(m, "html", false),
        attachments);
  }

  private static Instant time(JsonObject body, String field) {
    String value = text(body, field, true);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidField(field, "must be a time like 2026-12-01T09:30:00Z");
    }
  }

  private static byte[] base64(String value, String field) {
    try {
      return Base64.getMimeDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidField(field, "must be base64");
    }
  }

  private static List<String> texts(JsonObject body, String field) {
    JsonValue value = body.get(field);
    if (value == null || value == JsonValue.NULL) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new InvalidField(field, "must be a list of texts");
    }
    List<String> out = new ArrayList<>();
    for (JsonValue item : array) {
      if (!(item instanceof JsonString s) || s.getString().isBlank()) {
        throw new InvalidField(field, "must be a list of texts");
      }
      out.add(s.getString().strip());
    }
    return out;
  }

  private static String text(JsonObject body, String field, boolean required) {
    JsonValue value = body.get(field);
    if (value == null || value == JsonValue.NULL) {
      if (required) {
        throw new InvalidField(field, "is required");
      }
      return null;
    }
    if (!(value instanceof JsonString s)) {
      throw new InvalidField(field, "must be a text");
    }
    return s.getString();
  }
}
