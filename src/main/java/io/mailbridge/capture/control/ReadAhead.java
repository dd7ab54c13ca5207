package io.mailbridge.capture.control;

import io.mailbridge.mailbox.control.CapturedItem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Reads the messages of one page that capture will store a few ahead of the one being stored, so
 * that a mailbox's reads overlap as far as its provider allows (Graph: 4 requests at once per
 * mailbox) instead of each waiting for the one before. Results are taken in page order, and the
 * page is stored in that order as before; a read nobody took is cancelled when the page ends.
 *
 * <p>The taker reads an item itself when no worker has started it yet, so a busy executor slows the
 * page down but never stalls it.
 */
final class ReadAhead implements AutoCloseable {

  private final List<String> itemIds;
  private final List<FutureTask<CapturedItem>> reads;
  private final Executor executor;
  private final int parallel;
  private int handedOut;
  private int taken;

  /**
   * @param itemIds the items the page will take, in the order it takes them
   * @param parallel how many reads may be under way at once, the taker's own included; 1 (or no
   *     executor) reads each item on the taker's thread at its turn, as capture always did
   */
  ReadAhead(
      List<String> itemIds, int parallel, Executor executor, Function<String, CapturedItem> read) {
    this.itemIds = List.copyOf(itemIds);
    this.executor = executor;
    this.parallel = executor == null ? 1 : Math.max(1, parallel);
    this.reads = new ArrayList<>(itemIds.size());
    for (String itemId : this.itemIds) {
      reads.add(new FutureTask<>(() -> read.apply(itemId)));
    }
  }

  /**
   * The read of the next item, which must be {@code itemId}: what the feed answered, or the
   * exception it threw (a deleted item's {@code NotFound}, a spent budget), as a read on this
   * thread would have.
   */
  CapturedItem take(String itemId) {
    int index = taken;
    if (index >= itemIds.size() || !itemIds.get(index).equals(itemId)) {
      throw new IllegalStateException("Items are taken in the order they were listed");
    }
    taken++;
    handOutUpTo(index + parallel - 1);
    FutureTask<CapturedItem> read = reads.get(index);
    read.run(); // does nothing when a worker started it already
    try {
      return read.get();
    } catch (ExecutionException failed) {
      Throwable cause = failed.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("Reading a captured item failed", cause);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading a captured item", interrupted);
    }
  }

  /** Hands the reads after the one being taken, up to {@code last}, to the executor's workers. */
  private void handOutUpTo(int last) {
    int end = Math.min(last, reads.size() - 1);
    handedOut = Math.max(handedOut, taken);
    while (handedOut <= end) {
      FutureTask<CapturedItem> read = reads.get(handedOut++);
      try {
        executor.execute(read);
      } catch (RejectedExecutionException busy) {
        // Read by the taker at its turn.
      }
    }
  }

  /** Cancels the reads nobody took (the page ended early); one under way finishes unheeded. */
  @Override
  public void close() {
    for (int i = taken; i < reads.size(); i++) {
      reads.get(i).cancel(false);
    }
  }
}
