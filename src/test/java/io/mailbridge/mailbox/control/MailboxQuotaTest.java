package io.mailbridge.mailbox.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rolling budget, the cap in flight and the provider's pause of one mailbox. */
class MailboxQuotaTest {

  private static final long MINUTE = 60_000;

  @Test
  void theBudgetIsSpentThenTheNextRequestWaitsUntilTheOldestUnitsLeaveTheWindow() {
    MailboxQuota quota = new MailboxQuota(10, Duration.ofMinutes(1), 0);
    for (int i = 0; i < 10; i++) {
      assertTrue(quota.take(1, 500).taken());
    }
    MailboxQuota.Turn refused = quota.take(1, 500);
    assertFalse(refused.taken());
    // The first slot (0..1 s) counts until its end plus the window: 61 s, i.e. 60.5 s from now.
    assertEquals(60_500, refused.waitMillis());
    assertFalse(quota.take(1, 60_999).taken());
    assertTrue(quota.take(1, 61_000).taken());
  }

  @Test
  void theWindowRollsSoUnitsSpentLaterStillCount() {
    MailboxQuota quota = new MailboxQuota(10, Duration.ofMinutes(1), 0);
    assertTrue(quota.take(5, 0).taken());
    assertTrue(quota.take(5, 30_000).taken());
    // At 61 s the first five have left; the later five still count.
    assertTrue(quota.take(5, 61_000).taken());
    MailboxQuota.Turn sixth = quota.take(1, 61_000);
    assertFalse(sixth.taken());
    assertEquals(30_000, sixth.waitMillis()); // until the later five leave at 91 s
    assertEquals(10, quota.spent(61_000));
  }

  @Test
  void theRoomNowIsWhatTheWindowLeavesAndNoneWhileTheProviderAskedToWait() {
    MailboxQuota quota = new MailboxQuota(10, Duration.ofMinutes(1), 0);
    assertEquals(10, quota.room(0));
    assertTrue(quota.take(4, 0).taken());
    assertTrue(quota.take(3, 30_000).taken());
    assertEquals(3, quota.room(30_000));
    // the first four leave the window at 61 s
    assertEquals(3, quota.room(60_999));
    assertEquals(7, quota.room(61_000));
    quota.pause(70_000);
    assertEquals(0, quota.room(69_999));
    assertEquals(7, quota.room(70_000));
  }

  @Test
  void noWindowOfTheProvidersLengthEverHoldsMoreThanTheBudget() {
    long window = 10 * MINUTE;
    MailboxQuota quota = new MailboxQuota(90, Duration.ofMillis(window), 0);
    Random random = new Random(14);
    List<long[]> sent = new ArrayList<>();
    long now = 0;
    for (int i = 0; i < 20_000; i++) {
      now += random.nextInt(3_000);
      long cost = 1 + random.nextInt(3);
      MailboxQuota.Turn turn = quota.take(cost, now);
      if (turn.taken()) {
        quota.release();
        sent.add(new long[] {now, cost});
      } else {
        assertTrue(turn.waitMillis() > 0 && turn.waitMillis() <= window + window / 60);
      }
    }
    // Every window (start, start + window], started at any send, holds at most the budget.
    for (int i = 0; i < sent.size(); i++) {
      long sum = 0;
      for (int j = i; j < sent.size() && sent.get(j)[0] < sent.get(i)[0] + window; j++) {
        sum += sent.get(j)[1];
      }
      assertTrue(sum <= 90, "a window held " + sum);
    }
    assertTrue(sent.size() > 1000, "the budget was used: " + sent.size());
  }

  @Test
  void aCallTheProviderCountsAnyTimeBeforeItsAnswerStaysWithinTheBudget() {
    // A batch's calls are counted by Google one after the other while it runs, up to its answer.
    long window = 10_000;
    MailboxQuota quota = new MailboxQuota(900, Duration.ofMillis(window), 0);
    Random random = new Random(7);
    List<long[]> counted = new ArrayList<>();
    long now = 0;
    for (int i = 0; i < 20_000; i++) {
      now += random.nextInt(200);
      long cost = 5 * (1 + random.nextInt(50));
      if (quota.take(cost, now).taken()) {
        long answered = now + random.nextInt(1_500);
        quota.release(cost, now, answered);
        counted.add(new long[] {answered, cost}); // the latest moment the provider counts it
        now = answered;
      }
    }
    // Every provider window (start, start + window], started at any count, holds at most 900.
    counted.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 0; i < counted.size(); i++) {
      long sum = 0;
      for (int j = i; j < counted.size() && counted.get(j)[0] < counted.get(i)[0] + window; j++) {
        sum += counted.get(j)[1];
      }
      assertTrue(sum <= 900, "a window of the provider's held " + sum);
    }
    assertTrue(counted.size() > 1000, "the budget was used: " + counted.size());
  }

  @Test
  void atMostTheCapIsInFlightAndAnEndedRequestFreesItsPlace() {
    MailboxQuota quota = new MailboxQuota(100, Duration.ofMinutes(10), 4);
    for (int i = 0; i < 4; i++) {
      assertTrue(quota.take(1, 0).taken());
    }
    MailboxQuota.Turn fifth = quota.take(1, 0);
    assertFalse(fifth.taken());
    assertTrue(fifth.inFlight());
    assertEquals(4, quota.spent(0), "a request held back is not counted");
    quota.release();
    assertTrue(quota.take(1, 1).taken());
  }

  @Test
  void theProvidersPauseHoldsEveryRequestUntilItEnds() {
    MailboxQuota quota = new MailboxQuota(100, Duration.ofMinutes(10), 4);
    quota.pause(120_000);
    MailboxQuota.Turn held = quota.take(1, 1_000);
    assertFalse(held.taken());
    assertEquals(119_000, held.waitMillis());
    assertEquals(119_000, quota.headroom(1, 1_000));
    quota.pause(5_000); // a shorter pause never shortens the longer one
    assertFalse(quota.take(1, 100_000).taken());
    assertTrue(quota.take(1, 120_000).taken());
  }

  @Test
  void aCallCostingMoreThanTheWholeBudgetGoesOnceTheWindowIsEmpty() {
    MailboxQuota quota = new MailboxQuota(20, Duration.ofMinutes(1), 0);
    assertTrue(quota.take(1, 0).taken());
    assertFalse(quota.take(100, 0).taken());
    assertEquals(61_000, quota.headroom(100, 0));
    assertTrue(quota.take(100, 61_000).taken());
    assertEquals(20, quota.spent(61_000));
  }

  @Test
  void aQuotaThatSpentNothingForAWindowIsIdle() {
    MailboxQuota quota = new MailboxQuota(20, Duration.ofMinutes(1), 4);
    assertTrue(quota.idle(0));
    assertTrue(quota.take(1, 0).taken());
    assertFalse(quota.idle(0));
    quota.release();
    assertFalse(quota.idle(30_000));
    assertTrue(quota.idle(61_000));
  }

  @Test
  void aPageIsTakenToCostWhatTheLastPageOfItsFolderCostBetweenOneUnitAndTheWorstCase() {
    MailboxQuota quota = new MailboxQuota(100, Duration.ofMinutes(1), 0);
    assertEquals(50, quota.likelyPageCost("inbox", 50), "no page seen: the worst case");
    quota.pageStarted("inbox");
    quota.take(1, 0);
    quota.release();
    quota.take(3, 0);
    quota.release();
    assertEquals(4, quota.likelyPageCost("inbox", 50));
    assertEquals(3, quota.likelyPageCost("inbox", 3), "never above the worst case");
    assertEquals(20, quota.likelyPageCost("calendar", 20), "each folder has its own");
    quota.pageStarted("calendar");
    assertEquals(1, quota.likelyPageCost("calendar", 20), "a page that cost nothing: one unit");
    assertEquals(4, quota.likelyPageCost("inbox", 50), "the inbox's last page is still known");
  }
}
