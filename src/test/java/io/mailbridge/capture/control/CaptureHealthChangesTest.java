package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.capture.control.CaptureHealthChanges.Before;
import io.mailbridge.capture.control.CaptureHealthChanges.Said;
import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CaptureState;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class CaptureHealthChangesTest {

  private static final Instant START = Instant.parse("2026-12-01T09:00:00Z");

  private static CaptureCursor backfilling() {
    CaptureCursor c = new CaptureCursor("m1", "o1", "u1", "graph", "secret", START);
    c.switchOn(START.minusSeconds(86_400), START);
    return c;
  }

  private static List<String> actions(List<Said> said) {
    return said.stream().map(Said::action).toList();
  }

  @Test
  void theEndOfTheBackfillIsSaidOnceWithItsCounts() {
    CaptureCursor c = backfilling();
    Before before = Before.of(c);
    c.advanced("{}", false, 10, 6, 4, true, START.plusSeconds(60));
    assertEquals(List.of(), CaptureHealthChanges.changes(before, c), "a page is no news");

    before = Before.of(c);
    c.advanced("{}", true, 5, 3, 2, true, START.plusSeconds(120));
    List<Said> said = CaptureHealthChanges.changes(before, c);
    assertEquals(List.of("capture.backfilled"), actions(said));
    assertEquals(
        "The backfill is done (15 items seen, 9 captured, 6 skipped by the capture policy);"
            + " capture follows the mailbox's changes now",
        said.get(0).detail());

    before = Before.of(c);
    c.advanced("{}", true, 1, 1, 0, true, START.plusSeconds(180));
    assertEquals(List.of(), CaptureHealthChanges.changes(before, c), "live pages are no news");
  }

  @Test
  void aBackfillThatEndsWithoutPushSaysBothAndPushComingBackIsSaid() {
    CaptureCursor c = backfilling();
    c.noPush("Graph could not reach the notification URL", START);
    Before before = Before.of(c);
    c.advanced("{}", true, 1, 1, 0, true, START.plusSeconds(60));
    List<Said> said = CaptureHealthChanges.changes(before, c);
    assertEquals(List.of("capture.backfilled", "capture.polling"), actions(said));
    assertEquals("Graph could not reach the notification URL", said.get(1).detail());
    assertEquals(c.reason(), said.get(1).detail(), "the sentence health shows");

    before = Before.of(c);
    c.subscribed("sub-1", START.plusSeconds(86_400), START.plusSeconds(120));
    assertEquals(CaptureState.LIVE, c.state());
    said = CaptureHealthChanges.changes(before, c);
    assertEquals(List.of("capture.live"), actions(said));
    assertEquals(CaptureHealthChanges.PUSH_BACK, said.get(0).detail());
  }

  @Test
  void aFailureIsSaidOnceAStallWithItsReasonAndTheNextPageSaysItGoesOn() {
    CaptureCursor c = backfilling();
    Before before = Before.of(c);
    c.failedOnce(START);
    c.stopped(CaptureState.ERROR, "Graph answered 503", START);
    List<Said> said = CaptureHealthChanges.changes(before, c);
    assertEquals(List.of("capture.error"), actions(said));
    assertEquals("Graph answered 503", said.get(0).detail());
    assertEquals(Level.WARNING, said.get(0).level());

    before = Before.of(c);
    c.stopped(CaptureState.ERROR, "Graph answered 502", START.plusSeconds(30));
    assertEquals(List.of(), CaptureHealthChanges.changes(before, c), "the same trouble again");

    before = Before.of(c);
    c.stopped(CaptureState.STALLED, "The last 5 runs failed in a row", START.plusSeconds(60));
    said = CaptureHealthChanges.changes(before, c);
    assertEquals(List.of("capture.stalled"), actions(said));
    assertEquals("stalled", said.get(0).outcome());
    assertEquals("The last 5 runs failed in a row", said.get(0).detail());

    before = Before.of(c);
    c.advanced("{}", false, 1, 1, 0, true, START.plusSeconds(90));
    said = CaptureHealthChanges.changes(before, c);
    assertEquals(List.of("capture.resumed"), actions(said));
    assertEquals(CaptureHealthChanges.RESUMED, said.get(0).detail());
  }

  @Test
  void reauthorizationAndAGoneMailboxAreSaidButPacingAndASwitchOffAreNot() {
    CaptureCursor c = backfilling();
    Before before = Before.of(c);
    c.paced(START.plusSeconds(5), "Mailbridge paces capture", START);
    assertEquals(List.of(), CaptureHealthChanges.changes(before, c));
    before = Before.of(c);
    c.advanced("{}", false, 1, 1, 0, true, START.plusSeconds(6));
    assertEquals(List.of(), CaptureHealthChanges.changes(before, c), "paced is no trouble");

    before = Before.of(c);
    c.stopped(CaptureState.REAUTH_REQUIRED, "Connect it again", START.plusSeconds(10));
    List<Said> said = CaptureHealthChanges.changes(before, c);
    assertEquals(List.of("capture.reauth_required"), actions(said));
    assertEquals("reauth_required", said.get(0).outcome());

    before = Before.of(c);
    c.switchOff(START.plusSeconds(20));
    assertEquals(List.of(), CaptureHealthChanges.changes(before, c), "a person switched it off");

    c.switchOn(START, START.plusSeconds(30));
    before = Before.of(c);
    c.switchOff(START.plusSeconds(40));
    c.stopped(CaptureState.OFF, "The mailbox's user was deleted", START.plusSeconds(40));
    said = CaptureHealthChanges.changes(before, c);
    assertEquals(List.of("capture.off"), actions(said));
    assertEquals("The mailbox's user was deleted", said.get(0).detail());
  }
}
