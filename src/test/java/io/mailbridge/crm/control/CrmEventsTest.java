package io.mailbridge.crm.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.platform.problem.InvalidField;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;

/** What the events API accepts for an all-day event's times, and what it keeps of them. */
class CrmEventsTest {

  private static JsonObjectBuilder event(String start, String end) {
    return Json.createObjectBuilder().add("subject", "Offsite").add("start", start).add("end", end);
  }

  private static JsonObject accepted(JsonObjectBuilder body) {
    return CrmEvents.timed(CrmEvents.checked(body.build(), true));
  }

  private static InvalidField refused(JsonObjectBuilder body) {
    return assertThrows(InvalidField.class, () -> accepted(body));
  }

  @Test
  void anAllDayEventsDatesAreKeptAsMidnightsInItsZone() {
    JsonObject paris =
        accepted(
            event("2026-12-08", "2026-12-10").add("allDay", true).add("timeZone", "Europe/Paris"));
    assertEquals("2026-12-07T23:00:00Z", paris.getString("start"));
    assertEquals("2026-12-09T23:00:00Z", paris.getString("end"));

    JsonObject utc = accepted(event("2026-12-08", "2026-12-09").add("allDay", true));
    assertEquals("2026-12-08T00:00:00Z", utc.getString("start"), "no zone: UTC's days");

    JsonObject instants =
        accepted(
            event("2026-12-07T23:00:00Z", "2026-12-08T23:00:00Z")
                .add("allDay", true)
                .add("timeZone", "Europe/Paris"));
    assertEquals("2026-12-07T23:00:00Z", instants.getString("start"), "midnights are taken");
  }

  @Test
  void anAllDayEventThatIsNotWholeDaysIsRefused() {
    assertEquals(
        "start",
        refused(event("2026-12-08T09:00:00Z", "2026-12-09T00:00:00Z").add("allDay", true)).field());
    // Midnight in UTC is 01:00 in Paris: not a whole day there.
    assertEquals(
        "start",
        refused(
                event("2026-12-08T00:00:00Z", "2026-12-09T00:00:00Z")
                    .add("allDay", true)
                    .add("timeZone", "Europe/Paris"))
            .field());
    assertEquals(
        "end", refused(event("2026-12-08", "2026-12-08").add("allDay", true)).field(), "no day");
    assertEquals("start", refused(event("2026-12-31x", "2027-01-01").add("allDay", true)).field());
  }

  @Test
  void allDayIsTrueOrFalseAndDatesAreForAllDayEventsOnly() {
    assertEquals("allDay", refused(event("2026-12-08", "2026-12-09").add("allDay", "yes")).field());
    assertEquals("allDay", refused(event("2026-12-08", "2026-12-09").add("allDay", 1)).field());
    assertEquals("start", refused(event("2026-12-08", "2026-12-09")).field());
    JsonObject timed =
        accepted(event("2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z").add("allDay", false));
    assertEquals("2026-12-08T09:00:00Z", timed.getString("start"));
  }
}
