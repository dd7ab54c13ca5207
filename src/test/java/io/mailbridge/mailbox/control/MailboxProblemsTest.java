package io.mailbridge.mailbox.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.platform.jobs.control.RetryDecision;
import io.mailbridge.platform.jobs.control.RetryDecision.Next;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The mailbox's failures keep today's HTTP answers and tell jobs what to do. */
class MailboxProblemsTest {

  @Test
  void eachFailureKeepsItsStatusAndCode() {
    assertAnswer(
        409, "mailbox_reauth_required", new MailboxReauthRequired("ended", "/api/oauth/x/start"));
    assertAnswer(409, "mailbox_not_connected", new MailboxNotConnected("connect first"));
    assertAnswer(409, "mailbox_cannot_send", new MailboxCannotSend("rep@contoso.example"));
    assertAnswer(409, "provider_not_configured", new ProviderNotConfigured("not set up"));
    assertAnswer(503, "graph_busy", new ProviderBusy("graph_busy", "busy", Duration.ofSeconds(7)));
    assertAnswer(503, "provider_unavailable", new ProviderUnreachable("provider_unavailable", "x"));
    assertAnswer(504, "gmail_timeout", new ProviderTimeout("gmail_timeout", "late"));
    assertAnswer(502, "exchange_error", new ProviderRefused("exchange_error", "refused"));
    assertAnswer(413, "too_large", new ProviderAnswerTooLarge("too large"));
  }

  @Test
  void retryAfterIsSentInWholeSecondsAndAtLeastOne() {
    assertEquals(
        7L,
        ErrorAnswer.of(new ProviderBusy("graph_busy", "busy", Duration.ofSeconds(7)))
            .retryAfterSeconds());
    assertEquals(
        1L,
        ErrorAnswer.of(new ProviderBusy("exchange_busy", "busy", Duration.ofMillis(50)))
            .retryAfterSeconds());
    assertEquals(null, ErrorAnswer.of(new ProviderTimeout("t", "late")).retryAfterSeconds());
  }

  @Test
  void jobsWaitForABusyProviderBackOffFromAnUnreachableOneAndParkOnReconsent() {
    RetryDecision busy =
        RetryDecision.of(new ProviderBusy("gmail_unavailable", "busy", Duration.ofSeconds(90)));
    assertEquals(Next.RETRY_AFTER, busy.next());
    assertEquals(Duration.ofSeconds(90), busy.after());
    assertEquals(
        Next.BACK_OFF,
        RetryDecision.of(
                new ProviderUnreachable("gmail_unavailable", "down", Duration.ofSeconds(30)))
            .next());
    assertEquals(Next.BACK_OFF, RetryDecision.of(new ProviderTimeout("graph_timeout", "")).next());
    assertTrue(RetryDecision.of(new MailboxReauthRequired("ended", "/start")).parks());
    assertTrue(RetryDecision.of(new MailboxNotConnected("connect")).parks());
    assertTrue(RetryDecision.of(new MailboxCannotSend("rep@contoso.example")).parks());
    assertEquals(
        Next.BACK_OFF, RetryDecision.of(new ProviderRefused("graph_error", "answered 500")).next());
  }

  private static void assertAnswer(
      int status, String code, io.mailbridge.platform.problem.DomainProblem problem) {
    ErrorAnswer answer = ErrorAnswer.of(problem);
    assertEquals(status, answer.status(), code);
    assertEquals(code, answer.code());
    assertEquals(problem.getMessage(), answer.message());
  }
}
