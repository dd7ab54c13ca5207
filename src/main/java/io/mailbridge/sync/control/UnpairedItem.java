package io.mailbridge.sync.control;

/**
 * What a pull does with a mailbox item that has no pair, from Mailbridge's mark on it. A marked
 * item is one Mailbridge created whose answer was lost (the push rolled back, so no pair was kept),
 * or a second copy a retried push made: it never becomes a CRM record of its own.
 */
final class UnpairedItem {

  /** The item's fate. */
  enum Fate {
    /** Unmarked: a person made it; it becomes a CRM record (when the direction says so). */
    IMPORT,
    /** Its record has no pair for this user: paired with it, as if the create had answered. */
    PAIR,
    /** Its record is paired with another item of this user: a duplicate Mailbridge made. */
    DELETE,
    /**
     * A mark of a record this org does not have (deleted since, not synced, or another org's): left
     * alone, unpaired and not imported, so nothing is made from it and nothing a person may still
     * want is deleted.
     */
    LEAVE
  }

  private UnpairedItem() {}

  static Fate fate(boolean marked, boolean recordPaired, boolean recordKnown) {
    if (!marked) {
      return Fate.IMPORT;
    }
    if (recordPaired) {
      return Fate.DELETE;
    }
    return recordKnown ? Fate.PAIR : Fate.LEAVE;
  }
}
