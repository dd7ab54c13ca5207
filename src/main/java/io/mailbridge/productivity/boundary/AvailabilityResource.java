package io.mailbridge.productivity.boundary;

import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.productivity.control.Availability;
import io.mailbridge.productivity.control.Availability.Booked;
import io.mailbridge.productivity.control.Availability.OfferRequest;
import io.mailbridge.productivity.control.Availability.OfferView;
import io.mailbridge.productivity.control.Availability.Owner;
import io.mailbridge.productivity.control.BookingThrottle;
import io.mailbridge.productivity.control.FreeSlots.WorkingHours;
import io.mailbridge.productivity.control.SlotTaken;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Insert availability: {@code POST /api/availability} (the caller's free slots, offered through a
 * booking link) and the public {@code POST /api/availability/{id}/book} the booking page calls.
 */
@Path("availability")
@Produces(MediaType.APPLICATION_JSON)
public class AvailabilityResource {

  @Inject Availability availability;
  @Inject BookingThrottle throttle;
  @Inject Caller caller;
  @Context HttpServletRequest http;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response offer(JsonObject body) {
    OfferRequest request =
        new OfferRequest(
            integer(body, "durationMinutes"),
            integer(body, "days"),
            text(body, "mailboxId", false),
            text(body, "timeZone", false),
            workingHours(body.get("workingHours")));
    // An add-in session without a mailbox connection is Outlook on the org's Exchange server (the
    // Exchange Online sign-in records its connection on the session), as for send later.
    OfferView offer =
        availability.offer(
            new Owner(
                caller.orgId(),
                caller.userId(),
                caller.addinMailbox(),
                caller.isThroughAddin() && caller.addinMailbox() == null),
            request);
    return Response.status(Response.Status.CREATED).entity(offer).build();
  }

  /** Public: the token of the booking link is the authority. */
  @POST
  @PermitAll
  @Path("{id}/book")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response book(@PathParam("id") String id, JsonObject body) {
    throttle.check(http.getRemoteAddr());
    String token = text(body, "token", true);
    Instant start = slotStart(body.get("slot"));
    String name = text(body, "name", true);
    String email = text(body, "email", true);
    try {
      Booked booked = availability.book(id, token, start, name, email);
      return Response.ok(booked).build();
    } catch (SlotTaken taken) {
      JsonArrayBuilder slots = Json.createArrayBuilder();
      taken
          .remaining()
          .forEach(
              s ->
                  slots.add(
                      Json.createObjectBuilder()
                          .add("start", s.start().toString())
                          .add("end", s.end().toString())));
      return Response.status(Response.Status.CONFLICT)
          .entity(
              Json.createObjectBuilder()
                  .add("error", taken.code())
                  .add("message", taken.getMessage())
                  .add("slots", slots)
                  .build())
          .build();
    }
  }

  /** A slot is named by its start: the text itself, or an object with {@code start}. */
  private static Instant slotStart(JsonValue value) {
    JsonValue start = value instanceof JsonObject o ? o.get("start") : value;
    if (!(start instanceof JsonString s)) {
      throw new InvalidField(
          "slot", "must be the start of an offered time, like 2026-12-01T09:00:00Z");
    }
    try {
      return Instant.parse(s.getString());
    } catch (DateTimeParseException e) {
      throw new InvalidField(
          "slot", "must be the start of an offered time, like 2026-12-01T09:00:00Z");
    }
  }

  private static WorkingHours workingHours(JsonValue value) {
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (!(value instanceof JsonObject hours)) {
      throw new InvalidField("workingHours", "must be an object {start, end, days}");
    }
    LocalTime start = time(hours, "start", WorkingHours.OFFICE.start());
    LocalTime end = time(hours, "end", WorkingHours.OFFICE.end());
    if (!end.isAfter(start)) {
      throw new InvalidField("workingHours.end", "must be after workingHours.start");
    }
    Set<DayOfWeek> days = WorkingHours.OFFICE.days();
    JsonValue listed = hours.get("days");
    if (listed != null && listed != JsonValue.NULL) {
      if (!(listed instanceof JsonArray array) || array.isEmpty() || array.size() > 7) {
        throw new InvalidField("workingHours.days", "must be a list of days like MONDAY");
      }
      days = EnumSet.noneOf(DayOfWeek.class);
      for (JsonValue day : array) {
        days.add(day(day));
      }
    }
    return new WorkingHours(days, start, end);
  }

  private static DayOfWeek day(JsonValue value) {
    if (value instanceof JsonString s) {
      String name = s.getString().strip().toUpperCase(Locale.ROOT);
      for (DayOfWeek day : DayOfWeek.values()) {
        if (day.name().equals(name) || day.name().substring(0, 3).equals(name)) {
          return day;
        }
      }
    }
    throw new InvalidField("workingHours.days", "must be a list of days like MONDAY");
  }

  private static LocalTime time(JsonObject body, String field, LocalTime otherwise) {
    String value = text(body, field, false);
    if (value == null) {
      return otherwise;
    }
    try {
      return LocalTime.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidField("workingHours." + field, "must be a time like 09:00");
    }
  }

  private static Integer integer(JsonObject body, String field) {
    JsonValue value = body.get(field);
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (!(value instanceof JsonNumber n) || !n.isIntegral()) {
      throw new InvalidField(field, "must be a whole number");
    }
    try {
      return n.intValueExact();
    } catch (ArithmeticException e) {
      throw new InvalidField(field, "is out of range");
    }
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
