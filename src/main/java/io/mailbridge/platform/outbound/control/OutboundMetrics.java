package io.mailbridge.platform.outbound.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Calls to providers in the server's metrics: {@code mailbridge_provider_calls_seconds} by
 * provider, operation and outcome.
 */
@ApplicationScoped
public class OutboundMetrics implements OutboundMeter {

  static final Metadata CALLS =
      Metadata.builder()
          .withName("mailbridge_provider_calls")
          .withDescription(
              "Calls to providers (Exchange, Graph, Gmail, OAuth endpoints) by provider, operation"
                  + " and outcome")
          // Recorded in nanoseconds; the exporter scales to seconds and names it _seconds.
          .withUnit(MetricUnits.NANOSECONDS)
          .build();

  @Inject MetricRegistry registry;

  @Override
  public void record(OutboundCall call, CallOutcome outcome, long nanos) {
    registry
        .timer(
            CALLS,
            new Tag("provider", call.provider()),
            new Tag("operation", call.operation()),
            new Tag("outcome", call.outcomeLabel(outcome)))
        .update(Duration.ofNanos(nanos));
  }
}
