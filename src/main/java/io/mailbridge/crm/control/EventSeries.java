package io.mailbridge.crm.control;

import jakarta.json.JsonArray;
import jakarta.json.JsonValue;

/**
 * What makes a CRM event a series: its RFC 5545 rule and its exceptions (occurrences moved or
 * cancelled, each {@code {"originalStart", "cancelled": true}} or {@code {"originalStart", "start",
 * "end"}}); {@link #NONE} for a single event. Providers' captures carry neither, so storing a
 * capture keeps the series stored before.
 */
public record EventSeries(String rule, JsonArray exceptions) {

  public static final EventSeries NONE = new EventSeries(null, JsonValue.EMPTY_JSON_ARRAY);

  public EventSeries {
    exceptions = exceptions == null ? JsonValue.EMPTY_JSON_ARRAY : exceptions;
  }
}
