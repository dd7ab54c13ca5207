package io.mailbridge.message;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The zone an event's times are shown in, read from the name the CRM or a provider gives it: the
 * IANA zone it names, or UTC when it names none (or one Java does not know, such as a Windows name
 * Graph passes through), so a strange name never fails a read.
 */
public final class EventZone {

  private EventZone() {}

  public static ZoneId of(String name) {
    if (name == null || name.isBlank()) {
      return ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      return ZoneOffset.UTC;
    }
  }
}
