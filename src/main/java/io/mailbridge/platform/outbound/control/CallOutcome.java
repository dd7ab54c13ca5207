package io.mailbridge.platform.outbound.control;

import java.util.Locale;

/** How an outbound call ended, as the {@code outcome} label of its metrics. */
public enum CallOutcome {
  /** An answer below 400. */
  SUCCESS,
  /** A 4xx answer other than 429. */
  CLIENT_ERROR,
  /** A 5xx answer other than a 503 asking to retry later. */
  SERVER_ERROR,
  /** 429, or 503 with Retry-After: the provider asks Mailbridge to slow down. */
  THROTTLED,
  /** No full answer within the call's time limit. */
  TIMEOUT,
  /** The connection failed, or a redirect could not be followed. */
  UNREACHABLE,
  /** Mailbridge did not send it: the host, scheme or address is not allowed. */
  REFUSED,
  /** The answer was larger than the call accepts. */
  TOO_LARGE;

  /** The one outcome of a call to a URL an outsider chose that did not succeed. */
  static final String FAILED_LABEL = "failed";

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The outcome of an HTTP answer. */
  public static CallOutcome of(int status, boolean retryAfter) {
    if (status == 429 || (status == 503 && retryAfter)) {
      return THROTTLED;
    }
    if (status >= 500) {
      return SERVER_ERROR;
    }
    return status >= 400 ? CLIENT_ERROR : SUCCESS;
  }

  /** The outcome of a call that gave no usable answer. */
  public static CallOutcome of(OutboundFailure.Reason reason) {
    return switch (reason) {
      case REFUSED -> REFUSED;
      case TOO_LARGE -> TOO_LARGE;
      case TIMEOUT -> TIMEOUT;
      case FAILED -> UNREACHABLE;
    };
  }
}
