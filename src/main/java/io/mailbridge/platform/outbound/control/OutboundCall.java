package io.mailbridge.platform.outbound.control;

import java.util.regex.Pattern;

/**
 * Which provider an outbound call goes to and what it does there: the labels of its metrics. Both
 * are constants of the caller, from a small vocabulary, never taken from a URL or a host name, so
 * no address, id or secret can become a label.
 *
 * @param provider e.g. {@code gmail}, {@code microsoft_oauth}
 * @param operation e.g. {@code read_message}, {@code refresh}
 * @param outsiderUrl whether an outsider chose the URL (Exchange's {@code amurl} in an identity
 *     token that is not verified yet): such calls report only success or failure, since the reason
 *     would tell the outsider, through the metrics, which of an allowed host's ports answer
 */
public record OutboundCall(String provider, String operation, boolean outsiderUrl) {

  private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9_]{0,31}");

  public OutboundCall {
    if (provider == null || !LABEL.matcher(provider).matches()) {
      throw new IllegalArgumentException("A provider label is a short lower-case word");
    }
    if (operation == null || !LABEL.matcher(operation).matches()) {
      throw new IllegalArgumentException("An operation label is a short lower-case word");
    }
  }

  public OutboundCall(String provider, String operation) {
    this(provider, operation, false);
  }

  /** The outcome label this call reports: the outcome itself, or only whether it succeeded. */
  public String outcomeLabel(CallOutcome outcome) {
    if (outsiderUrl && outcome != CallOutcome.SUCCESS) {
      return CallOutcome.FAILED_LABEL;
    }
    return outcome.label();
  }
}
