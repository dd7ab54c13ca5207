package io.mailbridge.platform.audit.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.platform.audit.control.AuditLog.AuditQuery;
import io.mailbridge.platform.problem.InvalidField;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The audit list's filter parameters as a request gives them. */
class AuditResourceTest {

  @Test
  void blankFiltersMeanAny() {
    assertEquals(AuditQuery.ALL, AuditResource.query(null, " ", "", null));
  }

  @Test
  void filtersAreTakenAsGiven() {
    AuditQuery query =
        AuditResource.query(
            " mailbox.connect ", "refused", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00+01:00");
    assertEquals("mailbox.connect", query.action());
    assertEquals("refused", query.outcome());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), query.from());
    assertEquals(Instant.parse("2026-01-31T23:00:00Z"), query.to(), "an offset is honoured");
  }

  @Test
  void aBadInstantNamesItsParameter() {
    InvalidField from =
        assertThrows(InvalidField.class, () -> AuditResource.query(null, null, "yesterday", null));
    assertEquals("from", from.field());
    assertEquals("invalid_field", from.code());
    InvalidField to =
        assertThrows(InvalidField.class, () -> AuditResource.query(null, null, null, "2026-01-01"));
    assertEquals("to", to.field());
  }

  @Test
  void anEmptyOrReversedPeriodIsRefused() {
    InvalidField reversed =
        assertThrows(
            InvalidField.class,
            () -> AuditResource.query(null, null, "2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z"));
    assertEquals("to", reversed.field());
    assertThrows(
        InvalidField.class,
        () -> AuditResource.query(null, null, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"));
    assertNull(AuditResource.query(null, null, "2026-01-01T00:00:00Z", null).to());
  }

  @Test
  void overlongNamesAreRefused() {
    assertEquals(
        "action",
        assertThrows(
                InvalidField.class, () -> AuditResource.query("a".repeat(65), null, null, null))
            .field());
    assertEquals(
        "outcome",
        assertThrows(
                InvalidField.class, () -> AuditResource.query(null, "o".repeat(33), null, null))
            .field());
  }
}
