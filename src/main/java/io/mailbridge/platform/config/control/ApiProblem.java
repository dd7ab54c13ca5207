package io.mailbridge.platform.config.control;

import java.time.Duration;

/**
 * A failure a caller can act on: it carries the HTTP status, a stable error code and a sentence for
 * a person, and is turned into {@code {"error","message"}} by one exception mapper.
 */
public class ApiProblem extends RuntimeException {

  private final int status;
  private final String code;
  private final Duration retryAfter;

  public ApiProblem(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiProblem(int status, String code, String message, Duration retryAfter) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  public static ApiProblem badRequest(String code, String message) {
    return new ApiProblem(400, code, message);
  }

  public static ApiProblem invalidField(String field, String message) {
    return new ApiProblem(400, "invalid_field", field + ": " + message);
  }

  public static ApiProblem unauthorized(String code, String message) {
    return new ApiProblem(401, code, message);
  }

  public static ApiProblem forbidden(String message) {
    return new ApiProblem(403, "forbidden", message);
  }

  /** Also used for another org's ids, so the answer never confirms that they exist. */
  public static ApiProblem notFound(String what) {
    return new ApiProblem(404, "not_found", what + " not found");
  }

  public static ApiProblem conflict(String code, String message) {
    return new ApiProblem(409, code, message);
  }

  public static ApiProblem tooManyRequests(String message, Duration retryAfter) {
    return new ApiProblem(429, "too_many_requests", message, retryAfter);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
