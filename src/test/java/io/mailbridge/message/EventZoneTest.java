package io.mailbridge.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** How an event's zone name reads: its IANA zone, UTC for anything else. */
class EventZoneTest {

  @Test
  void anIanaNameIsItsZoneAndAnythingElseIsUtc() {
    assertEquals(ZoneId.of("Europe/Paris"), EventZone.of("Europe/Paris"));
    assertEquals(ZoneOffset.UTC, EventZone.of(null));
    assertEquals(ZoneOffset.UTC, EventZone.of(" "));
    // A Windows name, as Graph passes through in originalStartTimeZone.
    assertEquals(ZoneOffset.UTC, EventZone.of("W. Europe Standard Time"));
  }
}
