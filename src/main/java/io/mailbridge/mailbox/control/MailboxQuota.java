package io.mailbridge.mailbox.control;

import java.time.Duration;

/**
 * One mailbox's share of a provider's per-mailbox limits, as this node spends it: a rolling budget
 * of units per window (Graph counts requests, Gmail quota units), a cap on requests in flight, and
 * a pause the provider asked for (Retry-After). Times are epoch milliseconds handed in by the
 * caller, so the arithmetic needs no clock of its own.
 *
 * <p>The window is kept in {@value #SLOTS} slots plus one: units spent in a slot count until the
 * slot's end plus the window, never earlier, so whatever moment the provider starts its window at,
 * this mailbox never spent more than the budget inside it. Memory stays the same however many
 * requests a mailbox makes.
 */
public final class MailboxQuota {

  static final int SLOTS = 60;

  /** What a request may do now: go (it was counted), or wait; {@code inFlight} says for what. */
  public record Turn(boolean taken, long waitMillis, boolean inFlight) {
    static final Turn TAKEN = new Turn(true, 0, false);

    static Turn budget(long waitMillis) {
      return new Turn(false, Math.max(1, waitMillis), false);
    }

    /** The cap on requests in flight is reached: the wait ends when one of them ends. */
    static final Turn FULL = new Turn(false, 0, true);
  }

  private final long budget;
  private final long windowMillis;
  private final long slotMillis;
  private final int concurrent;
  private final long[] units = new long[SLOTS + 1];
  private final long[] slotOf = new long[SLOTS + 1];
  private int inFlight;
  private long pausedUntil;
  private long taken;
  private String startedFolder;
  private long takenWhenPageStarted;
  // What the last page of each folder cost; a mailbox has a handful of folders.
  private final java.util.Map<String, Long> lastPageCost = new java.util.HashMap<>();

  /**
   * @param budget units this node may spend per window (already under the provider's limit)
   * @param window the provider's window
   * @param concurrent requests at most in flight at once; 0 for no cap
   */
  public MailboxQuota(long budget, Duration window, int concurrent) {
    if (budget < 1 || window.toMillis() < SLOTS || concurrent < 0) {
      throw new IllegalArgumentException("A quota needs a budget, a window and a cap");
    }
    this.budget = budget;
    this.windowMillis = window.toMillis();
    // Rounded up, so that the ring's slots always cover the window (see liveSince).
    this.slotMillis = (windowMillis + SLOTS - 1) / SLOTS;
    this.concurrent = concurrent;
    java.util.Arrays.fill(slotOf, Long.MIN_VALUE);
  }

  public long budget() {
    return budget;
  }

  /**
   * Counts {@code cost} units and one request in flight at {@code now} if the budget, the cap and
   * the provider's pause allow it; otherwise answers how long until they would. A request costing
   * more than the whole budget waits for an empty window, then goes.
   */
  public synchronized Turn take(long cost, long now) {
    long paused = pausedUntil - now;
    if (paused > 0) {
      return Turn.budget(paused);
    }
    long wait = waitFor(cost, now);
    if (wait > 0) {
      return Turn.budget(wait);
    }
    if (concurrent > 0 && inFlight >= concurrent) {
      return Turn.FULL;
    }
    long slot = now / slotMillis;
    int at = (int) (slot % units.length);
    if (slotOf[at] != slot) {
      slotOf[at] = slot;
      units[at] = 0;
    }
    units[at] += Math.min(cost, budget);
    taken += Math.min(cost, budget);
    inFlight++;
    return Turn.TAKEN;
  }

  /**
   * A request counted by {@link #take} of {@code cost} at {@code takenAt} ended at {@code now}: its
   * units move to the slot it ended in, then its place in flight is freed. The provider counts a
   * call when it runs it, somewhere between the request leaving and its answer arriving (a batch's
   * calls one after the other), so counting it from its answer keeps this node's window from
   * freeing its units before the provider's does.
   */
  public synchronized void release(long cost, long takenAt, long now) {
    long from = takenAt / slotMillis;
    long to = now / slotMillis;
    long counted = Math.min(cost, budget);
    if (to > from) {
      int was = (int) (from % units.length);
      if (slotOf[was] == from) {
        units[was] -= counted;
      }
      int at = (int) (to % units.length);
      if (slotOf[at] != to) {
        slotOf[at] = to;
        units[at] = 0;
      }
      units[at] += counted;
    }
    release();
  }

  /** One request counted by {@link #take} ended: its place in flight is free again. */
  public synchronized void release() {
    if (inFlight > 0) {
      inFlight--;
    }
    notifyAll();
  }

  /** How long from {@code now} until {@code cost} units fit in the budget (0: they fit now). */
  public synchronized long headroom(long cost, long now) {
    return Math.max(Math.max(pausedUntil - now, 0), waitFor(cost, now));
  }

  /**
   * What the mailbox's next page of {@code folder} will likely cost: what its last page of that
   * folder did (the units counted from {@link #pageStarted} to the next page), at least one unit
   * and at most {@code most}; {@code most} before a page was seen. A page spends well under its
   * worst case (Graph reads the MIME only of the messages it captures), and waiting for the worst
   * case leaves budget unspent.
   */
  public synchronized long likelyPageCost(String folder, long most) {
    if (startedFolder != null) {
      lastPageCost.put(startedFolder, taken - takenWhenPageStarted);
      startedFolder = null;
    }
    Long last = lastPageCost.get(folder);
    return last == null ? most : Math.max(1, Math.min(most, last));
  }

  /** A page of {@code folder} is read from now on; what is counted until the next is its cost. */
  public synchronized void pageStarted(String folder) {
    startedFolder = folder;
    takenWhenPageStarted = taken;
  }

  /** The provider asked to wait until {@code until}: nothing more goes before then. */
  public synchronized void pause(long until) {
    pausedUntil = Math.max(pausedUntil, until);
  }

  /** Units counted in the window at {@code now}. */
  public synchronized long spent(long now) {
    long sum = 0;
    for (int i = 0; i < units.length; i++) {
      if (live(slotOf[i], now)) {
        sum += units[i];
      }
    }
    return sum;
  }

  /** The units that fit in the budget at {@code now} (none while the provider's pause lasts). */
  public synchronized long room(long now) {
    return pausedUntil > now ? 0 : Math.max(0, budget - spent(now));
  }

  /** Nothing counted, nothing in flight, no pause: the quota can be forgotten. */
  public synchronized boolean idle(long now) {
    return inFlight == 0 && pausedUntil <= now && spent(now) == 0;
  }

  /** Waits on this quota's monitor for a request to end, at most {@code millis}. */
  public synchronized void awaitRelease(long millis) throws InterruptedException {
    if (millis > 0) {
      wait(millis);
    }
  }

  private boolean live(long slot, long now) {
    // Units of a slot count until its end plus the window: conservative by up to one slot.
    return slot != Long.MIN_VALUE && (slot + 1) * slotMillis + windowMillis > now;
  }

  private long waitFor(long cost, long now) {
    long need = Math.min(cost, budget);
    long spent = spent(now);
    if (spent + need <= budget) {
      return 0;
    }
    // Oldest slots leave the window first; find the first moment enough has left.
    long[] order = slotOf.clone();
    java.util.Arrays.sort(order);
    long freed = 0;
    for (long slot : order) {
      if (!live(slot, now)) {
        continue;
      }
      freed += units[(int) (slot % units.length)];
      if (spent - freed + need <= budget) {
        return (slot + 1) * slotMillis + windowMillis - now;
      }
    }
    return windowMillis; // not reached: all slots leave within a window
  }
}
