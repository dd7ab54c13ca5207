package io.mailbridge.platform.jobs.control;

import io.mailbridge.platform.problem.ActionRequired;
import io.mailbridge.platform.problem.Busy;
import io.mailbridge.platform.problem.ContentTooLarge;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.Expired;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.problem.NotAllowed;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.problem.TooManyRequests;
import java.time.Duration;

/**
 * What becomes of a job whose run failed, decided on the failure's type: a system that asked to
 * wait (a provider's Retry-After) is tried again after that wait; a failure that needs a person
 * (re-consent, a thing that is gone, input that will never be valid) parks the job at once;
 * anything else, unreachable providers and timeouts included, is retried with exponential back-off
 * until the job's attempts are used up, then parked.
 *
 * @param after the wait before the next attempt when the failure named one, else null (back-off)
 */
public record RetryDecision(Next next, Duration after) {

  /** The three ways a failed run can go on. */
  public enum Next {
    RETRY_AFTER,
    BACK_OFF,
    PARK
  }

  private static final RetryDecision BACK_OFF = new RetryDecision(Next.BACK_OFF, null);
  private static final RetryDecision PARK = new RetryDecision(Next.PARK, null);

  public static RetryDecision of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RetryLater later) {
        return retryAfter(later.after());
      }
      if (t instanceof DomainProblem problem) {
        return of(problem);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return BACK_OFF;
  }

  private static RetryDecision of(DomainProblem problem) {
    if (problem instanceof Busy || problem instanceof TooManyRequests) {
      return retryAfter(problem.retryAfter());
    }
    if (problem instanceof ActionRequired
        || problem instanceof NotFound
        || problem instanceof InvalidRequest
        || problem instanceof NotAllowed
        || problem instanceof Expired
        || problem instanceof ContentTooLarge) {
      return PARK;
    }
    return BACK_OFF;
  }

  private static RetryDecision retryAfter(Duration after) {
    return after == null ? BACK_OFF : new RetryDecision(Next.RETRY_AFTER, after);
  }

  /** Whether the job is parked now, whatever attempts it has left. */
  public boolean parks() {
    return next == Next.PARK;
  }
}
