package io.mailbridge.platform.outbound.control;

/** Where the outbound client reports every call it made or refused, for the operators' metrics. */
@FunctionalInterface
public interface OutboundMeter {

  /** Reports nothing: for the client built outside the server, in unit tests. */
  OutboundMeter NONE = (call, outcome, nanos) -> {};

  void record(OutboundCall call, CallOutcome outcome, long nanos);
}
