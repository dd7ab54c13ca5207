package io.mailbridge.mailbox.ews.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * The Windows time-zone ids Exchange names a calendar item's zone by ({@code StartTimeZone Id}),
 * and the IANA zones the CRM carries, after CLDR's windowsZones (the resource {@code
 * windows-zones.tsv}).
 */
final class WindowsZones {

  private static final Map<String, String> WINDOWS_BY_IANA = new HashMap<>();
  private static final Map<String, String> IANA_BY_WINDOWS = new HashMap<>();

  static {
    try (InputStream in = WindowsZones.class.getResourceAsStream("windows-zones.tsv");
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\t", 2);
        String[] zones = parts[1].split(" ");
        IANA_BY_WINDOWS.put(parts[0], zones[0]);
        for (String zone : zones) {
          WINDOWS_BY_IANA.put(zone, parts[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private WindowsZones() {}

  /**
   * The Windows id of an IANA zone, or null when Windows has none (or the zone is unknown): such a
   * series goes to Exchange in UTC.
   */
  static String windowsId(String iana) {
    if (iana == null) {
      return null;
    }
    String found = WINDOWS_BY_IANA.get(iana);
    if (found != null) {
      return found;
    }
    try {
      // An id the JDK knows by another name (an alias CLDR lists under its canonical one).
      return WINDOWS_BY_IANA.get(ZoneId.of(iana).normalized().getId());
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The IANA zone a Windows id stands for (CLDR's zone for the world), or null. */
  static String ianaZone(String windowsId) {
    return windowsId == null ? null : IANA_BY_WINDOWS.get(windowsId);
  }
}
