package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CursorPositionsTest {

  private static final List<String> FOLDERS = List.of("inbox", "sentitems");

  /** Stores and reads back, as every job run does. */
  private static CursorPositions roundTrip(CursorPositions p) {
    return CursorPositions.parse(p.toJson(), FOLDERS);
  }

  @Test
  void aFreshCursorBackfillsEveryFolderInOrder() {
    CursorPositions p = CursorPositions.parse(null, FOLDERS);
    assertEquals(Optional.of("inbox"), p.nextDue());
    assertNull(p.folder("inbox").position());
    assertFalse(p.allBackfilled());
  }

  @Test
  void pagesMoveOnWithinARoundAndTheDeltaLinkEndsTheFoldersTurn() {
    CursorPositions p = CursorPositions.parse(null, FOLDERS);
    p.advance("inbox", "next-1", false);
    p = roundTrip(p);
    assertEquals(Optional.of("inbox"), p.nextDue());
    assertEquals("next-1", p.folder("inbox").position());
    p.advance("inbox", "delta-1", true);
    p = roundTrip(p);
    assertEquals(Optional.of("sentitems"), p.nextDue());
    assertTrue(p.folder("inbox").backfilled());
    assertFalse(p.allBackfilled());
    p.advance("sentitems", "delta-s", true);
    p = roundTrip(p);
    assertTrue(p.allBackfilled());
    assertFalse(p.anyDue());
  }

  @Test
  void aNewRoundStartsEveryFolderFromItsDeltaLink() {
    CursorPositions p = CursorPositions.parse(null, FOLDERS);
    p.advance("inbox", "delta-1", true);
    p.advance("sentitems", "delta-s", true);
    p.startRound();
    p = roundTrip(p);
    assertEquals(Optional.of("inbox"), p.nextDue());
    assertEquals("delta-1", p.folder("inbox").position());
    assertTrue(p.allBackfilled(), "a later round does not undo the backfill");
  }

  @Test
  void aRoundStartedAgainMidBackfillResumesFromTheNextLinkNotFromScratch() {
    CursorPositions p = CursorPositions.parse(null, FOLDERS);
    p.advance("inbox", "next-7", false);
    p.startRound(); // a notification or restart queued a new sync
    assertEquals("next-7", p.folder("inbox").position());
  }

  @Test
  void anExpiredPositionRestartsOnlyThatFolder() {
    CursorPositions p = CursorPositions.parse(null, FOLDERS);
    p.advance("inbox", "delta-1", true);
    p.advance("sentitems", "delta-s", true);
    p.restart("sentitems");
    p = roundTrip(p);
    assertEquals(Optional.of("sentitems"), p.nextDue());
    assertNull(p.folder("sentitems").position());
    assertEquals("delta-1", p.folder("inbox").position());
    assertTrue(p.allBackfilled());
  }

  @Test
  void aFolderTheFeedAddedLaterStartsItsOwnBackfill() {
    CursorPositions p = CursorPositions.parse(null, List.of("inbox"));
    p.advance("inbox", "delta-1", true);
    CursorPositions grown = CursorPositions.parse(p.toJson(), FOLDERS);
    assertEquals(Optional.of("sentitems"), grown.nextDue());
    assertFalse(grown.allBackfilled());
  }

  @Test
  void aRefusedFolderEndsItsTurnUnreadAndStartsAfreshNextRound() {
    List<String> withCalendar = List.of("inbox", "sentitems", "calendar");
    CursorPositions p = CursorPositions.parse(null, withCalendar);
    p.advance("inbox", "delta-1", true);
    p.advance("sentitems", "delta-s", true);
    p.skip("calendar");
    p = CursorPositions.parse(p.toJson(), withCalendar);
    assertFalse(p.anyDue());
    assertTrue(p.allBackfilled(), "the mail folders go live without the calendar");
    p.startRound();
    assertEquals(Optional.of("inbox"), p.nextDue());
    assertNull(p.folder("calendar").position(), "the calendar's window is read from its start");
    assertTrue(p.folder("calendar").due());
  }
}
