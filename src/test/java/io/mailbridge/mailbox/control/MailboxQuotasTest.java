package io.mailbridge.mailbox.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pacing per mailbox: a call waits inline for a near turn and is held back for a far one, a
 * provider's Retry-After pauses only its mailbox, and mailboxes never share a budget.
 */
class MailboxQuotasTest {

  private MailboxQuotas quotas;
  private Instant now;
  private final List<Long> slept = new ArrayList<>();

  @BeforeEach
  void quotas() {
    now = Instant.parse("2026-12-01T08:00:00Z");
    quotas = new MailboxQuotas();
    quotas.graphRequests = 20;
    quotas.graphWindow = Duration.ofMinutes(1);
    quotas.graphConcurrency = 4;
    quotas.gmailUnits = 6000;
    quotas.gmailWindow = Duration.ofMinutes(1);
    quotas.calendarRequests = 600;
    quotas.paceWait = Duration.ofSeconds(5);
    quotas.sharePercent = 90; // the figures below are at 90 %
    quotas.clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now;
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    quotas.sleep =
        millis -> {
          slept.add(millis);
          now = now.plusMillis(millis);
        };
  }

  private void spend(String mailbox, int requests) {
    for (int i = 0; i < requests; i++) {
      quotas.enter(PacedLimit.GRAPH, mailbox, 1).close();
    }
  }

  @Test
  void mailbridgeSpendsItsConfiguredShareOfTheConfiguredLimit() {
    assertEquals(18, quotas.budget(PacedLimit.GRAPH));
    assertEquals(5400, quotas.budget(PacedLimit.GMAIL));
    quotas.sharePercent = 95;
    assertEquals(19, quotas.budget(PacedLimit.GRAPH));
    assertEquals(5700, quotas.budget(PacedLimit.GMAIL));
    assertEquals(9500, MailboxQuotas.share(10_000, 95));
    assertEquals(1, MailboxQuotas.share(1, 95));
    assertEquals(10_000, MailboxQuotas.share(10_000, 250), "never more than the limit");
    assertEquals(100, MailboxQuotas.share(10_000, 0), "never nothing at all");
  }

  @Test
  void aCallWhoseTurnIsFarIsHeldBackWithTheTimeTheBudgetFrees() {
    spend("mb-1", 18);
    MailboxQuotaSpent spent =
        assertThrows(MailboxQuotaSpent.class, () -> quotas.enter(PacedLimit.GRAPH, "mb-1", 1));
    assertEquals("graph_paced", spent.code());
    assertEquals(Duration.ofSeconds(61), spent.retryAfter());
    assertEquals(Duration.ofSeconds(61), quotas.headroom(PacedLimit.GRAPH, "mb-1", 1));
    assertTrue(slept.isEmpty(), "nothing waited for a turn beyond the bound");
  }

  @Test
  void aCallWhoseTurnIsNearWaitsForItThenGoes() {
    spend("mb-1", 18);
    now = now.plusSeconds(58);
    quotas.enter(PacedLimit.GRAPH, "mb-1", 1).close();
    assertEquals(List.of(3_000L), slept);
  }

  @Test
  void oneMailboxOverItsBudgetSlowsNoOtherMailbox() {
    spend("mb-1", 18);
    assertThrows(MailboxQuotaSpent.class, () -> quotas.enter(PacedLimit.GRAPH, "mb-1", 1));
    spend("mb-2", 18);
    assertTrue(slept.isEmpty());
    assertEquals(Duration.ZERO, quotas.headroom(PacedLimit.GMAIL, "mb-1", 100));
  }

  @Test
  void retryAfterPausesOnlyThatMailboxForAsLongAsTheProviderAsked() {
    quotas.pause(PacedLimit.GRAPH, "mb-1", Duration.ofSeconds(120));
    MailboxQuotaSpent spent =
        assertThrows(MailboxQuotaSpent.class, () -> quotas.enter(PacedLimit.GRAPH, "mb-1", 1));
    assertEquals(Duration.ofSeconds(120), spent.retryAfter());
    spend("mb-2", 1);
    quotas.pause(PacedLimit.GRAPH, "mb-3", Duration.ofSeconds(2));
    spend("mb-3", 1); // a short pause is waited out inline
    assertEquals(List.of(2_000L), slept);
  }

  @Test
  void theFifthConcurrentCallOfAMailboxIsHeldBackAndExchangeIsNotPaced() {
    List<MailboxQuotas.Turn> open = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      open.add(quotas.enter(PacedLimit.GRAPH, "mb-1", 1));
    }
    quotas.paceWait = Duration.ZERO;
    assertThrows(MailboxQuotaSpent.class, () -> quotas.enter(PacedLimit.GRAPH, "mb-1", 1));
    open.remove(0).close();
    open.add(quotas.enter(PacedLimit.GRAPH, "mb-1", 1));
    open.forEach(MailboxQuotas.Turn::close);
    for (int i = 0; i < 100; i++) {
      quotas.enter(PacedLimit.ofMail(MailboxKind.EXCHANGE), "mb-1", 1000).close();
      quotas.enter(PacedLimit.GRAPH, null, 1).close();
    }
  }

  @Test
  void gmailCountsUnitsNotRequests() {
    quotas.gmailUnits = 100; // 90 units
    for (int i = 0; i < 18; i++) {
      quotas.enter(PacedLimit.GMAIL, "g-1", 5).close();
    }
    assertThrows(MailboxQuotaSpent.class, () -> quotas.enter(PacedLimit.GMAIL, "g-1", 5));
    quotas.enter(PacedLimit.GMAIL, "g-2", 90).close();
  }

  @Test
  void googleCalendarHasABudgetOfItsOwnBesideGmailsAndItsRetryAfterPausesOnlyIt() {
    assertEquals(540, quotas.budget(PacedLimit.GOOGLE_CALENDAR));
    quotas.paceWait = Duration.ZERO;
    for (int i = 0; i < 540; i++) {
      quotas.enter(PacedLimit.GOOGLE_CALENDAR, "g-1", 1).close();
    }
    MailboxQuotaSpent spent =
        assertThrows(
            MailboxQuotaSpent.class, () -> quotas.enter(PacedLimit.GOOGLE_CALENDAR, "g-1", 1));
    assertEquals("google_calendar_paced", spent.code());
    assertTrue(spent.getMessage().contains("Google Calendar's per-user quota"), spent.getMessage());
    assertEquals(Duration.ofSeconds(61), spent.retryAfter());
    // Gmail's units of the same mailbox are untouched, and so is another mailbox's calendar.
    quotas.enter(PacedLimit.GMAIL, "g-1", 5000).close();
    quotas.enter(PacedLimit.GOOGLE_CALENDAR, "g-2", 1).close();
    assertEquals(
        Duration.ofSeconds(61), quotas.pageHeadroom(PacedLimit.GOOGLE_CALENDAR, "g-1", "cal", 1));

    quotas.pause(PacedLimit.GOOGLE_CALENDAR, "g-2", Duration.ofSeconds(30));
    assertThrows(MailboxQuotaSpent.class, () -> quotas.enter(PacedLimit.GOOGLE_CALENDAR, "g-2", 1));
    quotas.enter(PacedLimit.GMAIL, "g-2", 5).close();
    now = now.plusSeconds(30);
    quotas.enter(PacedLimit.GOOGLE_CALENDAR, "g-2", 1).close();
  }

  @Test
  void aPageWaitsForWhatTheFoldersLastPageCostNotForTheWorstCase() {
    // Budget 18. The first page of the inbox is taken at its worst case, 10.
    assertEquals(Duration.ZERO, quotas.pageHeadroom(PacedLimit.GRAPH, "mb-1", "inbox", 10));
    spend("mb-1", 4); // it cost 4: the delta and three MIME reads
    assertEquals(Duration.ZERO, quotas.pageHeadroom(PacedLimit.GRAPH, "mb-1", "inbox", 10));
    spend("mb-1", 4);
    assertEquals(Duration.ZERO, quotas.pageHeadroom(PacedLimit.GRAPH, "mb-1", "inbox", 10));
    spend("mb-1", 4);
    // 12 spent, 6 left: room for a page like the last (4), none for the worst case (10).
    assertEquals(Duration.ZERO, quotas.pageHeadroom(PacedLimit.GRAPH, "mb-1", "inbox", 10));
    spend("mb-1", 4);
    // 16 spent, 2 left: the next page of 4 waits until the first page's units leave the window.
    assertEquals(
        Duration.ofSeconds(61), quotas.pageHeadroom(PacedLimit.GRAPH, "mb-1", "inbox", 10));
    // A folder not read yet is taken at its worst case; 2 left is room for a worst case of 2 only.
    assertEquals(Duration.ZERO, quotas.pageHeadroom(PacedLimit.GRAPH, "mb-1", "calendar", 2));
    assertEquals(Duration.ZERO, quotas.pageHeadroom(PacedLimit.GRAPH, "mb-2", "inbox", 10));
    assertEquals(
        Duration.ZERO,
        quotas.pageHeadroom(PacedLimit.ofMail(MailboxKind.EXCHANGE), "mb-1", "inbox", 99));
  }

  @Test
  void aPageWhoseRoomComesWithinASecondWaitsForItInline() {
    spend("mb-1", 18);
    now = now.plusMillis(60_400); // the units leave the window at 61 s: 600 ms from now
    assertEquals(Duration.ZERO, quotas.pageHeadroom(PacedLimit.GRAPH, "mb-1", "inbox", 5));
    assertEquals(List.of(600L), slept);
    spend("mb-1", 18);
    assertEquals(Duration.ofSeconds(61), quotas.pageHeadroom(PacedLimit.GRAPH, "mb-1", "inbox", 5));
    assertEquals(List.of(600L), slept, "a wait of a minute ends the run instead");
    quotas.paceWait = Duration.ZERO;
    now = now.plusMillis(60_400);
    assertEquals(Duration.ofMillis(600), quotas.pageHeadroom(PacedLimit.GRAPH, "mb-1", "inbox", 5));
    assertEquals(List.of(600L), slept, "no inline wait when pace-wait is zero");
  }
}
