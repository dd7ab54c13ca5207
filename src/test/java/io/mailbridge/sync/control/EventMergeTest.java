package io.mailbridge.sync.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.mailbox.control.EventFields;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code allDay} as one of the fields event sync merges. */
class EventMergeTest {

  private static final Instant DAY = Instant.parse("2026-12-07T23:00:00Z");
  private static final Instant NEXT = Instant.parse("2026-12-08T23:00:00Z");

  private static EventFields mail(String subject, boolean allDay) {
    return new EventFields(
        subject, DAY, NEXT, "Europe/Paris", null, null, List.of(), null, List.of(), false, allDay);
  }

  private static JsonObject crm(String subject, boolean allDay) {
    return Json.createObjectBuilder()
        .add("subject", subject)
        .add("start", DAY.toString())
        .add("end", NEXT.toString())
        .add("timeZone", "Europe/Paris")
        .add("allDay", allDay)
        .build();
  }

  @Test
  void anAllDayEventChangedInTheCrmStaysAllDayInTheCalendar() {
    JsonObject base = EventMerge.ofMail(mail("Trade fair", true));
    ContactMerge.Outcome outcome =
        ContactMerge.merge(
            EventMerge.FIELDS,
            base,
            EventMerge.ofCrm(crm("Trade fair (B12)", true)),
            EventMerge.ofMail(mail("Trade fair", true)),
            Instant.parse("2026-12-01T10:00:00Z"),
            Instant.parse("2026-12-01T09:00:00Z"));
    assertTrue(outcome.mailChanges());
    assertFalse(outcome.crmChanges());
    EventFields written = EventMerge.toMail(outcome.merged(), false, List.of());
    assertEquals("Trade fair (B12)", written.subject());
    assertTrue(written.allDay());
    assertEquals(DAY, written.start());
  }

  @Test
  void allDayMadeOnOneSideReachesTheOther() {
    JsonObject base = EventMerge.ofMail(mail("Trade fair", false));
    ContactMerge.Outcome outcome =
        ContactMerge.merge(
            EventMerge.FIELDS,
            base,
            EventMerge.ofCrm(crm("Trade fair", false)),
            EventMerge.ofMail(mail("Trade fair", true)),
            Instant.parse("2026-12-01T09:00:00Z"),
            Instant.parse("2026-12-01T10:00:00Z"));
    assertTrue(outcome.crmChanges());
    assertEquals(
        JsonValue.TRUE,
        EventMerge.toCrm(outcome.merged(), List.of()).get("allDay"),
        "the CRM event becomes all-day");
  }

  @Test
  void agreedFieldsStoredBeforeAllDayExistedAgreeWithATimedEvent() {
    JsonObject before =
        Json.createObjectBuilder(EventMerge.ofCrm(crm("Kickoff", false))).remove("allDay").build();
    assertTrue(
        ContactMerge.same(EventMerge.FIELDS, EventMerge.ofCrm(crm("Kickoff", false)), before));
    assertFalse(
        ContactMerge.same(EventMerge.FIELDS, EventMerge.ofCrm(crm("Kickoff", true)), before));
  }
}
