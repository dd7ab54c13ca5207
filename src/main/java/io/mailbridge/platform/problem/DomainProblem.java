package io.mailbridge.platform.problem;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A failure someone can act on, named by what went wrong rather than by an HTTP status: a stable
 * {@link #code()} and a sentence for a person. The web boundary turns each type into an answer
 * through one table, jobs use the same types to decide between retry, back-off and parking.
 */
public abstract class DomainProblem extends RuntimeException {

  private final String code;
  private final Map<String, String> details = new LinkedHashMap<>();

  protected DomainProblem(String code, String message) {
    // No stack trace: these are expected outcomes, thrown often, and never logged as bugs.
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable error code callers branch on, e.g. {@code invalid_field}. */
  public String code() {
    return code;
  }

  /** How long the caller should wait before trying again, when the cause says so; else null. */
  public Duration retryAfter() {
    return null;
  }

  /**
   * Adds a field next to {@code error} and {@code message} in the answer, for a caller that must
   * act on more than a sentence (e.g. Entra's claims challenge for the task pane's next sign-in).
   */
  public DomainProblem with(String field, String value) {
    if ("error".equals(field) || "message".equals(field)) {
      throw new IllegalArgumentException(field + " is set by the problem itself");
    }
    details.put(field, value);
    return this;
  }

  /** The fields {@link #with} added, in order; empty for most problems. */
  public Map<String, String> details() {
    return Collections.unmodifiableMap(details);
  }
}
