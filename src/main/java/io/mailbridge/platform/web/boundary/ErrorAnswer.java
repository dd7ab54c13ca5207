package io.mailbridge.platform.web.boundary;

import io.mailbridge.platform.problem.Conflict;
import io.mailbridge.platform.problem.ContentTooLarge;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.Expired;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.problem.NotAllowed;
import io.mailbridge.platform.problem.NotAuthenticated;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.problem.TooManyRequests;
import io.mailbridge.platform.problem.Unavailable;
import io.mailbridge.platform.problem.UpstreamFailure;
import io.mailbridge.platform.problem.UpstreamTimeout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP answer to a {@link DomainProblem}: the one table from problem kinds to statuses, used by
 * the JAX-RS mapper and by the servlet pages alike. A type is answered by its nearest listed
 * ancestor, so the domains' own types (e.g. a provider being busy) need no row of their own.
 */
public record ErrorAnswer(int status, String code, String message, Long retryAfterSeconds) {

  private static final Map<Class<? extends DomainProblem>, Integer> STATUS = new LinkedHashMap<>();

  static {
    STATUS.put(InvalidRequest.class, 400); // and InvalidField
    STATUS.put(NotAuthenticated.class, 401);
    STATUS.put(NotAllowed.class, 403);
    STATUS.put(NotFound.class, 404);
    STATUS.put(Conflict.class, 409); // and ActionRequired: re-consent, not connected, not set up
    STATUS.put(Expired.class, 410);
    STATUS.put(ContentTooLarge.class, 413); // BodyTooLarge, AttachmentTooLarge, provider answers
    STATUS.put(TooManyRequests.class, 429);
    STATUS.put(UpstreamFailure.class, 502);
    STATUS.put(Unavailable.class, 503); // and Busy
    STATUS.put(UpstreamTimeout.class, 504);
  }

  /** The status for this problem; 500 for a kind nobody listed (a bug, not the caller's fault). */
  public static int status(DomainProblem problem) {
    for (Class<?> type = problem.getClass();
        DomainProblem.class.isAssignableFrom(type);
        type = type.getSuperclass()) {
      Integer status = STATUS.get(type);
      if (status != null) {
        return status;
      }
    }
    return 500;
  }

  /**
   * Status, code, message and Retry-After (whole seconds, at least 1) of the answer; the body's
   * extra fields are the problem's {@link DomainProblem#details()}.
   */
  public static ErrorAnswer of(DomainProblem problem) {
    Long retryAfter =
        problem.retryAfter() == null ? null : Math.max(1, problem.retryAfter().toSeconds());
    return new ErrorAnswer(
        status(problem),
        problem.code(),
        problem.getMessage() == null ? "" : problem.getMessage(),
        retryAfter);
  }
}
