package io.mailbridge.platform.audit.boundary;

import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.audit.control.AuditLog.AuditPosition;
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

/** The org's audit trail, newest first: {@code GET /api/admin/audit}. */
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
      @QueryParam("cursor") String cursor, @QueryParam("limit") @DefaultValue("50") int limit) {
    if (limit < 1 || limit > 200) {
      throw new InvalidField("limit", "must be between 1 and 200");
    }
    List<AuditEvent> rows = audit.page(caller.orgId(), position(cursor), limit + 1);
    boolean more = rows.size() > limit;
    List<AuditEvent> shown = rows.subList(0, Math.min(limit, rows.size()));
    String next = null;
    if (more) {
      AuditEvent last = shown.get(shown.size() - 1);
      next = cursorOf(last);
    }
    return new Page<>(shown.stream().map(AuditEventView::of).toList(), next);
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
