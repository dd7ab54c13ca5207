package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class WindowsZonesTest {

  @Test
  void ianaZonesHaveTheWindowsIdsOfCldr() {
    assertEquals("Romance Standard Time", WindowsZones.windowsId("Europe/Paris"));
    assertEquals("W. Europe Standard Time", WindowsZones.windowsId("Europe/Berlin"));
    assertEquals("Pacific Standard Time", WindowsZones.windowsId("America/Los_Angeles"));
    assertEquals("Tokyo Standard Time", WindowsZones.windowsId("Asia/Tokyo"));
    assertEquals("UTC", WindowsZones.windowsId("Etc/UTC"));
    assertEquals("India Standard Time", WindowsZones.windowsId("Asia/Kolkata"));
    assertEquals("India Standard Time", WindowsZones.windowsId("Asia/Calcutta"), "an alias");
  }

  @Test
  void aZoneWindowsHasNoIdForHasNone() {
    assertNull(WindowsZones.windowsId("America/Ciudad_Juarez"), "newer than CLDR 42");
    assertNull(WindowsZones.windowsId("Mars/Olympus_Mons"));
    assertNull(WindowsZones.windowsId(null));
  }

  @Test
  void aWindowsIdStandsForCldrsZoneOfTheWorld() {
    assertEquals("Europe/Paris", WindowsZones.ianaZone("Romance Standard Time"));
    assertEquals("Europe/Berlin", WindowsZones.ianaZone("W. Europe Standard Time"));
    assertEquals("America/New_York", WindowsZones.ianaZone("Eastern Standard Time"));
    assertEquals("Etc/UTC", WindowsZones.ianaZone("UTC"));
    assertNull(WindowsZones.ianaZone("Middle Earth Standard Time"));
  }
}
