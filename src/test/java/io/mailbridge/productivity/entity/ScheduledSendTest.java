package io.mailbridge.productivity.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduledSendTest {

  private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
  private static final Instant AT = NOW.plusSeconds(3600);

  private static ScheduledSend send(List<String> records) {
    return new ScheduledSend(
        "org1",
        "user1",
        "mbx1",
        "<a@b>",
        "To: x@y\r\n\r\nhi".getBytes(StandardCharsets.UTF_8),
        "Hi",
        records,
        AT,
        NOW);
  }

  @Test
  void aJobTakesItOnlyAtItsTimeAndForItsGeneration() {
    ScheduledSend s = send(List.of());
    assertFalse(s.startSending(0, NOW), "not before its time");
    assertFalse(s.startSending(1, AT), "not for another generation");
    assertTrue(s.startSending(0, AT));
    assertEquals(ScheduledSendState.SENDING, s.state());
    assertEquals(1, s.attempts());
    // A node died mid-send: the same job, run again, takes it again and counts the attempt.
    assertTrue(s.startSending(0, AT.plusSeconds(300)));
    assertEquals(2, s.attempts());
  }

  @Test
  void rescheduleMakesTheEarlierJobDoNothing() {
    ScheduledSend s = send(List.of());
    s.reschedule(AT.plusSeconds(60), NOW);
    assertEquals(1, s.generation());
    assertFalse(s.startSending(0, AT.plusSeconds(60)), "the first time's job");
    assertFalse(s.startSending(1, AT), "not before the new time");
    assertTrue(s.startSending(1, AT.plusSeconds(60)));
  }

  @Test
  void cancelledSendsAreNeverTaken() {
    ScheduledSend s = send(List.of());
    s.cancel(NOW);
    assertEquals(ScheduledSendState.CANCELLED, s.state());
    for (int g = 0; g < 3; g++) {
      assertFalse(s.startSending(g, AT));
    }
    assertThrows(IllegalStateException.class, () -> s.reschedule(AT, NOW));
    assertThrows(IllegalStateException.class, () -> s.cancel(NOW));
  }

  @Test
  void neitherCancelNorRescheduleWhileSendingOrAfterSent() {
    ScheduledSend s = send(List.of());
    s.startSending(0, AT);
    assertThrows(IllegalStateException.class, () -> s.cancel(AT));
    assertThrows(IllegalStateException.class, () -> s.reschedule(AT.plusSeconds(5), AT));
    s.sent(AT);
    assertEquals(ScheduledSendState.SENT, s.state());
    assertThrows(IllegalStateException.class, () -> s.cancel(AT));
    assertThrows(IllegalStateException.class, () -> s.reschedule(AT.plusSeconds(5), AT));
    assertFalse(s.startSending(0, AT), "a sent message is never taken to send again");
  }

  @Test
  void aRetryGoesBackToScheduledAndCanBeCancelled() {
    ScheduledSend s = send(List.of());
    s.startSending(0, AT);
    s.willRetry("Microsoft Graph is busy", AT);
    assertEquals(ScheduledSendState.SCHEDULED, s.state());
    assertEquals("Microsoft Graph is busy", s.lastError());
    assertTrue(s.startSending(0, AT.plusSeconds(10)), "the retry takes it again");
    s.willRetry("again", AT);
    s.cancel(AT);
    assertEquals(ScheduledSendState.CANCELLED, s.state());
  }

  @Test
  void aFailedSendKeepsItsReasonAndCanBeScheduledAgain() {
    ScheduledSend s = send(List.of());
    s.startSending(0, AT);
    s.failed("x".repeat(600), AT);
    assertEquals(ScheduledSendState.FAILED, s.state());
    assertEquals(500, s.lastError().length(), "shortened to the column");
    assertFalse(s.startSending(0, AT));
    s.reschedule(AT.plusSeconds(60), AT);
    assertEquals(ScheduledSendState.SCHEDULED, s.state());
    assertNull(s.lastError());
    assertEquals(0, s.attempts());
    assertTrue(s.startSending(1, AT.plusSeconds(60)));
  }

  @Test
  void loggingIsAwaitedOnlyForASentMessageWithRecords() {
    ScheduledSend none = send(List.of());
    none.startSending(0, AT);
    none.sent(AT);
    assertFalse(none.awaitsLogging(), "no records chosen");

    ScheduledSend s = send(List.of("r1", "r2"));
    assertEquals(List.of("r1", "r2"), s.recordIds());
    assertFalse(s.awaitsLogging(), "not sent yet");
    s.startSending(0, AT);
    s.sent(AT);
    assertTrue(s.awaitsLogging());
    s.logged("act1", AT);
    assertFalse(s.awaitsLogging());

    ScheduledSend lost = send(List.of("r1"));
    lost.startSending(0, AT);
    lost.sent(AT);
    lost.notLogged("Record not found", AT);
    assertFalse(lost.awaitsLogging(), "a logging that cannot succeed is not tried forever");
    assertEquals(ScheduledSendState.SENT, lost.state());
    assertTrue(lost.lastError().startsWith("Sent, but not logged"));
  }

  @Test
  void theMessageIsSealedWithItsRow() {
    ScheduledSend s = send(List.of());
    assertEquals("To: x@y\r\n\r\nhi", new String(s.mime(), StandardCharsets.UTF_8));
    assertEquals("Hi", s.subject());
  }
}
