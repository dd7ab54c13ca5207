package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** Graph's Retry-After, which pauses the mailbox, read in both of its forms. */
class GraphRetryAfterTest {

  @Test
  void secondsAndHttpDatesAreRead() {
    assertEquals(Duration.ofSeconds(120), OutboundGraphClient.retryAfter("120"));
    assertEquals(Duration.ZERO, OutboundGraphClient.retryAfter("-3"));
    String inAMinute =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(90));
    Duration left = OutboundGraphClient.retryAfter(inAMinute);
    assertTrue(left.compareTo(Duration.ofSeconds(80)) > 0, left.toString());
    assertEquals(Duration.ZERO, OutboundGraphClient.retryAfter("Tue, 01 Dec 2020 08:00:00 GMT"));
  }

  @Test
  void noneOrUnreadableIsNone() {
    assertNull(OutboundGraphClient.retryAfter(null));
    assertNull(OutboundGraphClient.retryAfter(" "));
    assertNull(OutboundGraphClient.retryAfter("soon"));
  }
}
