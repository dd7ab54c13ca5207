package io.mailbridge.mailbox.control;

import java.time.Duration;

/** Pacing with small limits of a minute, for tests of the code that asks it, in other packages. */
public final class TestQuotas {

  private TestQuotas() {}

  /** Limits per minute: Graph requests, Gmail units, Google Calendar requests. */
  public static MailboxQuotas of(long graphRequests, long gmailUnits, long calendarRequests) {
    MailboxQuotas quotas = new MailboxQuotas();
    quotas.graphRequests = graphRequests;
    quotas.graphWindow = Duration.ofMinutes(1);
    quotas.graphConcurrency = 4;
    quotas.gmailUnits = gmailUnits;
    quotas.gmailWindow = Duration.ofMinutes(1);
    quotas.calendarRequests = calendarRequests;
    quotas.paceWait = Duration.ofSeconds(5);
    quotas.sharePercent = 95;
    return quotas;
  }
}
