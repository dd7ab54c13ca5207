package io.mailbridge.platform.config.control;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure a caller can act on: it carries the HTTP status, a stable error code and a sentence for
 * a person, and is turned into {@code {"error","message"}} by one exception mapper.
 */
public class ApiProblem extends RuntimeException {

  private final int status;
  private final String code;
  private final Duration retryAfter;
  private final Map<String, String> details = new LinkedHashMap<>();

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

  /**
   * Adds a field to the JSON body next to {@code error} and {@code message}, for a caller that must
   * act on more than a sentence (e.g. Entra's claims challenge for the task pane's next sign-in).
   */
  public ApiProblem with(String field, String value) {
    if ("error".equals(field) || "message".equals(field)) {
      throw new IllegalArgumentException(field + " is set by the problem itself");
    }
    details.put(field, value);
    return this;
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

  /** The fields {@link #with} added, in order; empty for most problems. */
  public Map<String, String> details() {
    return Collections.unmodifiableMap(details);
  }
}
