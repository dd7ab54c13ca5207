package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.mailbox.control.CapturedItem;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A page's reads overlap up to the feed's parallelism, are taken in page order with whatever the
 * feed threw, and the ones nobody took are never sent.
 */
class ReadAheadTest {

  private static CapturedItem item(String id) {
    MailMessage message =
        new MailMessage(
            "graph", id, null, null, id, null, null, null, null, false, null, null, null, null, 0,
            null);
    return new CapturedItem(new ReadMessage(message, Map.of(), null), MessageMarks.NONE);
  }

  private static String idOf(CapturedItem item) {
    return item.read().message().providerItemId();
  }

  @Test
  void upToTheParallelismReadsAreUnderWayAtOnce() throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(4);
    try {
      // Each of the first three reads waits until all three have started: they complete only
      // if the taker's read and two workers' reads overlap.
      CountDownLatch allStarted = new CountDownLatch(3);
      List<String> overlapped = Collections.synchronizedList(new ArrayList<>());
      Function<String, CapturedItem> read =
          id -> {
            allStarted.countDown();
            try {
              if (allStarted.await(30, TimeUnit.SECONDS)) {
                overlapped.add(id);
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return item(id);
          };
      try (ReadAhead reads = new ReadAhead(List.of("a", "b", "c", "d"), 3, workers, read)) {
        assertEquals("a", idOf(reads.take("a")));
        assertEquals("b", idOf(reads.take("b")));
        assertEquals("c", idOf(reads.take("c")));
        assertEquals("d", idOf(reads.take("d")));
      }
      assertTrue(overlapped.containsAll(List.of("a", "b", "c")), "overlapped: " + overlapped);
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void itemsAreTakenInTheOrderListed() {
    try (ReadAhead reads = new ReadAhead(List.of("a", "b"), 1, null, ReadAheadTest::item)) {
      assertThrows(IllegalStateException.class, () -> reads.take("b"));
    }
  }

  @Test
  void aReadsExceptionReachesTheTakerOfThatItemOnly() {
    RuntimeException gone = new IllegalArgumentException("deleted meanwhile");
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try (ReadAhead reads =
        new ReadAhead(
            List.of("a", "b", "c"),
            3,
            workers,
            id -> {
              if (id.equals("b")) {
                throw gone;
              }
              return item(id);
            })) {
      assertEquals("a", idOf(reads.take("a")));
      assertSame(gone, assertThrows(IllegalArgumentException.class, () -> reads.take("b")));
      assertEquals("c", idOf(reads.take("c")));
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void oneAtATimeReadsOnTheTakersThreadAndNeverUsesTheExecutor() {
    List<String> threads = new ArrayList<>();
    try (ReadAhead reads =
        new ReadAhead(
            List.of("a", "b"),
            1,
            task -> {
              throw new AssertionError("no read goes to the executor");
            },
            id -> {
              threads.add(Thread.currentThread().getName());
              return item(id);
            })) {
      reads.take("a");
      reads.take("b");
    }
    assertEquals(
        List.of(Thread.currentThread().getName(), Thread.currentThread().getName()), threads);
  }

  @Test
  void aRefusedHandOffIsReadByTheTakerAtItsTurn() {
    try (ReadAhead reads =
        new ReadAhead(
            List.of("a", "b", "c"),
            3,
            task -> {
              throw new RejectedExecutionException("saturated");
            },
            ReadAheadTest::item)) {
      assertEquals("a", idOf(reads.take("a")));
      assertEquals("b", idOf(reads.take("b")));
      assertEquals("c", idOf(reads.take("c")));
    }
  }

  @Test
  void readsNobodyTookAreNeverSent() {
    List<Runnable> handedOut = new ArrayList<>();
    List<String> sent = new ArrayList<>();
    try (ReadAhead reads =
        new ReadAhead(
            List.of("a", "b", "c"),
            3,
            handedOut::add,
            id -> {
              sent.add(id);
              return item(id);
            })) {
      reads.take("a"); // the page then ends early (a spent budget, say)
    }
    assertEquals(2, handedOut.size(), "b and c were handed out ahead of their turn");
    handedOut.forEach(Runnable::run); // the workers get to them only now
    assertEquals(List.of("a"), sent);
  }
}
