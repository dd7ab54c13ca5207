package io.mailbridge.platform.jobs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.platform.jobs.control.RetryDecision.Next;
import io.mailbridge.platform.problem.ActionRequired;
import io.mailbridge.platform.problem.Busy;
import io.mailbridge.platform.problem.Conflict;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.problem.Unavailable;
import io.mailbridge.platform.problem.UpstreamFailure;
import io.mailbridge.platform.problem.UpstreamTimeout;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryDecisionTest {

  private static final class Throttled extends Busy {
    Throttled(Duration retryAfter) {
      super("busy", "wait", retryAfter);
    }
  }

  private static final class Reconnect extends ActionRequired {
    Reconnect() {
      super("reconnect", "connect it again");
    }
  }

  @Test
  void aBusySystemIsTriedAgainAfterTheWaitItAskedFor() {
    RetryDecision decision = RetryDecision.of(new Throttled(Duration.ofSeconds(42)));
    assertEquals(Next.RETRY_AFTER, decision.next());
    assertEquals(Duration.ofSeconds(42), decision.after());
    assertFalse(decision.parks());
  }

  @Test
  void aBusySystemThatNamedNoWaitIsBackedOffFrom() {
    assertEquals(Next.BACK_OFF, RetryDecision.of(new Throttled(null)).next());
  }

  @Test
  void unreachableAndTimedOutSystemsAreBackedOffFromEvenWithAWaitForPeople() {
    RetryDecision unreachable =
        RetryDecision.of(new Unavailable("down", "not reachable", Duration.ofSeconds(30)));
    assertEquals(Next.BACK_OFF, unreachable.next());
    assertNull(unreachable.after());
    assertEquals(Next.BACK_OFF, RetryDecision.of(new UpstreamTimeout("slow", "late")).next());
  }

  @Test
  void failuresOnlyAPersonCanMendParkAtOnce() {
    assertTrue(RetryDecision.of(new Reconnect()).parks());
    assertTrue(RetryDecision.of(new NotFound("Mailbox x")).parks());
    assertTrue(RetryDecision.of(new InvalidField("cursor", "is not a cursor")).parks());
  }

  @Test
  void anythingElseIsRetriedWithBackOffUntilTheAttemptsAreUsedUp() {
    assertEquals(Next.BACK_OFF, RetryDecision.of(new IllegalStateException("bug")).next());
    assertEquals(Next.BACK_OFF, RetryDecision.of(new UpstreamFailure("x_error", "no")).next());
    assertEquals(Next.BACK_OFF, RetryDecision.of(new Conflict("taken", "taken")).next());
  }

  @Test
  void theHandlersOwnWaitAndWrappedProblemsAreHonoured() {
    RetryDecision later = RetryDecision.of(new RetryLater("page 2", Duration.ofMinutes(3)));
    assertEquals(Next.RETRY_AFTER, later.next());
    assertEquals(Duration.ofMinutes(3), later.after());
    assertTrue(
        RetryDecision.of(new RuntimeException("rolled back", new NotFound("Record"))).parks());
  }
}
