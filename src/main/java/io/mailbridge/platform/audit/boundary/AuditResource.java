package io.mailbridge.platform.audit.boundary;

import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.audit.control.AuditLog.AuditChoices;
import io.mailbridge.platform.audit.control.AuditLog.AuditPosition;
import io.mailbridge.platform.audit.control.AuditLog.AuditQuery;
import io.mailbridge.platform.audit.entity.AuditEvent;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;

/** The org's audit trail, newest first and optionally filtered: {@code GET /api/admin/audit}. */
@Path("admin/audit")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

  @Inject AuditLog audit;
  @Inject Caller caller;

  /** One event as an admin reads it. */
  public record AuditEventView(
      String id,
      Instant occurredAt,
      String actorUserId,
      String action,
      String subjectId,
      String outcome,
      String detail) {
    static AuditEventView of(AuditEvent event) {
      return new AuditEventView(
          event.id(),
          event.occurredAt(),
          event.actorUserId(),
          event.action(),
          event.subjectId(),
          event.outcome(),
          event.detail());
    }
  }

  @GET
  public Page<AuditEventView> list(
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit,
      @QueryParam("action") String action,
      @QueryParam("outcome") String outcome,
      @QueryParam("from") String from,
      @QueryParam("to") String to) {
    if (limit < 1 || limit > 200) {
      throw new InvalidField("limit", "must be between 1 and 200");
    }
    AuditQuery query = query(action, outcome, from, to);
    List<AuditEvent> rows = audit.page(caller.orgId(), query, position(cursor), limit + 1);
    boolean more = rows.size() > limit;
    List<AuditEvent> shown = rows.subList(0, Math.min(limit, rows.size()));
    String next = null;
    if (more) {
      AuditEvent last = shown.get(shown.size() - 1);
      next = cursorOf(last);
    }
    return new Page<>(shown.stream().map(AuditEventView::of).toList(), next);
  }

  /** The actions and outcomes recorded in the org, so a filter can offer all of them. */
  @GET
  @Path("actions")
  public AuditChoices actions() {
    return audit.choices(caller.orgId());
  }

  /** The filter of a list request; blank parameters mean any. */
  static AuditQuery query(String action, String outcome, String from, String to) {
    Instant start = instant("from", from);
    Instant end = instant("to", to);
    if (start != null && end != null && !start.isBefore(end)) {
      throw new InvalidField("to", "must be later than from");
    }
    return new AuditQuery(name("action", action, 64), name("outcome", outcome, 32), start, end);
  }

  private static String name(String parameter, String value, int maxLength) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String name = value.strip();
    if (name.length() > maxLength) {
      throw new InvalidField(parameter, "must have at most " + maxLength + " characters");
    }
    return name;
  }

  private static Instant instant(String parameter, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new InvalidField(parameter, "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
    }
  }

  private static String cursorOf(AuditEvent event) {
    String raw = event.occurredAt() + "|" + event.id();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static AuditPosition position(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int bar = raw.indexOf('|');
      if (bar < 0) {
        throw new IllegalArgumentException();
      }
      return new AuditPosition(Instant.parse(raw.substring(0, bar)), raw.substring(bar + 1));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new InvalidField("cursor", "is not a cursor this list gave out");
    }
  }
}
