package io.mailbridge.productivity.control;

import io.mailbridge.platform.problem.Conflict;
import java.util.List;

/**
 * The slot a recipient picked can no longer be booked (someone else booked the offer first, or the
 * rep's calendar filled it since); carries the slots that still can.
 */
public class SlotTaken extends Conflict {

  private final transient List<FreeSlots.Slot> remaining;

  public SlotTaken(List<FreeSlots.Slot> remaining) {
    super(
        "slot_taken",
        remaining.isEmpty()
            ? "This time is no longer available, and no other time is left"
            : "This time is no longer available; please pick another");
    this.remaining = List.copyOf(remaining);
  }

  /** The slots that can still be booked, in order. */
  public List<FreeSlots.Slot> remaining() {
    return remaining;
  }
}
