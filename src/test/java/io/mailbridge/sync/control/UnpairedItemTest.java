package io.mailbridge.sync.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.sync.control.UnpairedItem.Fate;
import org.junit.jupiter.api.Test;

/** What a pull does with an unpaired item, by its mark and its record. */
class UnpairedItemTest {

  @Test
  void anUnmarkedItemIsImportedWhateverElseHolds() {
    assertEquals(Fate.IMPORT, UnpairedItem.fate(false, false, false));
    assertEquals(Fate.IMPORT, UnpairedItem.fate(false, true, true));
  }

  @Test
  void aMarkedItemIsPairedWithItsRecordWhenTheRecordHasNoPairYet() {
    assertEquals(Fate.PAIR, UnpairedItem.fate(true, false, true));
  }

  @Test
  void aMarkedItemWhoseRecordIsPairedElsewhereIsADuplicate() {
    assertEquals(Fate.DELETE, UnpairedItem.fate(true, true, true));
    assertEquals(Fate.DELETE, UnpairedItem.fate(true, true, false));
  }

  @Test
  void aMarkOfARecordTheOrgDoesNotHaveLeavesTheItemAlone() {
    assertEquals(Fate.LEAVE, UnpairedItem.fate(true, false, false));
  }
}
