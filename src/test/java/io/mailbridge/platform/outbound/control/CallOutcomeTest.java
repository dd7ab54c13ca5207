package io.mailbridge.platform.outbound.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.platform.outbound.control.OutboundFailure.Reason;
import org.junit.jupiter.api.Test;

/** The outcome and provider labels of outbound calls in the metrics. */
class CallOutcomeTest {

  @Test
  void answersAreClassifiedByStatusAndThrottlingByItsTwoSignals() {
    assertEquals(CallOutcome.SUCCESS, CallOutcome.of(200, false));
    assertEquals(CallOutcome.SUCCESS, CallOutcome.of(204, true));
    assertEquals(CallOutcome.SUCCESS, CallOutcome.of(302, false));
    assertEquals(CallOutcome.CLIENT_ERROR, CallOutcome.of(400, false));
    assertEquals(CallOutcome.CLIENT_ERROR, CallOutcome.of(401, true));
    assertEquals(CallOutcome.THROTTLED, CallOutcome.of(429, false));
    assertEquals(CallOutcome.THROTTLED, CallOutcome.of(503, true));
    assertEquals(CallOutcome.SERVER_ERROR, CallOutcome.of(503, false));
    assertEquals(CallOutcome.SERVER_ERROR, CallOutcome.of(500, true));
  }

  @Test
  void failuresWithoutAnAnswerKeepTheirReason() {
    assertEquals(CallOutcome.REFUSED, CallOutcome.of(Reason.REFUSED));
    assertEquals(CallOutcome.TIMEOUT, CallOutcome.of(Reason.TIMEOUT));
    assertEquals(CallOutcome.TOO_LARGE, CallOutcome.of(Reason.TOO_LARGE));
    assertEquals(CallOutcome.UNREACHABLE, CallOutcome.of(Reason.FAILED));
    assertEquals("client_error", CallOutcome.CLIENT_ERROR.label());
    assertEquals("too_large", CallOutcome.TOO_LARGE.label());
  }

  @Test
  void anOutsidersUrlReportsOnlySuccessOrFailure() {
    OutboundCall outsider = new OutboundCall("exchange_metadata", "auth_metadata", true);
    assertEquals("success", outsider.outcomeLabel(CallOutcome.SUCCESS));
    for (CallOutcome outcome : CallOutcome.values()) {
      if (outcome != CallOutcome.SUCCESS) {
        assertEquals("failed", outsider.outcomeLabel(outcome), outcome.name());
      }
    }
    assertEquals(
        "unreachable",
        new OutboundCall("gmail", "read_message").outcomeLabel(CallOutcome.UNREACHABLE));
  }

  @Test
  void labelsAreShortWordsSoAHostOrUrlCannotBecomeOne() {
    for (String notALabel :
        new String[] {"graph.microsoft.com", "https://x", "Gmail", "", "a".repeat(33), "a b"}) {
      assertThrows(
          IllegalArgumentException.class, () -> new OutboundCall(notALabel, "read"), notALabel);
      assertThrows(
          IllegalArgumentException.class, () -> new OutboundCall("gmail", notALabel), notALabel);
    }
    assertThrows(IllegalArgumentException.class, () -> new OutboundCall(null, "read"));
    assertEquals("microsoft_oauth", new OutboundCall("microsoft_oauth", "on_behalf_of").provider());
  }
}
