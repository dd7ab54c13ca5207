package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mailbridge.capture.entity.CaptureCursor;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CaptureHealthTest {

  private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");

  private static CaptureCursor backfilling() {
    CaptureCursor c = new CaptureCursor("m1", "o1", "u1", "graph", "secret", START);
    c.switchOn(START.minusSeconds(86_400), START);
    return c;
  }

  @Test
  void percentAndEtaFollowThePaceOfThePagesReadSinceTheEstimate() {
    CaptureCursor c = backfilling();
    c.estimated(400, START);
    assertNull(CaptureHealth.eta(c), "no page read yet");
    assertEquals(0, CaptureHealth.percent(c));
    // 100 of 400 in 10 minutes: 300 left, 30 more minutes
    c.advanced("{}", false, 100, 80, 20, true, START.plusSeconds(600));
    assertEquals(25, CaptureHealth.percent(c));
    assertEquals(START.plusSeconds(2400), CaptureHealth.eta(c));
    // more than estimated (a folder read again): never 100 while backfilling
    c.advanced("{}", false, 400, 0, 0, true, START.plusSeconds(900));
    assertEquals(99, CaptureHealth.percent(c));
    assertEquals(START.plusSeconds(900), CaptureHealth.eta(c));
    // live: no estimate shown
    c.advanced("{}", true, 0, 0, 0, false, START.plusSeconds(960));
    assertNull(CaptureHealth.percent(c));
    assertNull(CaptureHealth.eta(c));
  }

  @Test
  void withoutACountThereIsNoPercentNorEta() {
    CaptureCursor c = backfilling();
    c.estimated(-1, START);
    c.advanced("{}", false, 50, 50, 0, true, START.plusSeconds(60));
    assertNull(CaptureHealth.percent(c));
    assertNull(CaptureHealth.eta(c));
  }
}
