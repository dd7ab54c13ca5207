package io.mailbridge.platform.security.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Failed and throttled sign-ins in the server's metrics: {@code mailbridge_login_failures_total}
 * and {@code mailbridge_login_throttled_total}. No account or address is ever a label; and since
 * {@code /metrics} may be readable by whoever reaches the server, a wrong password, an unknown
 * address and a disabled account are one reason, as they are one answer to the caller: counted
 * apart, they would tell a guesser that an address exists or that a password was right.
 */
@ApplicationScoped
public class LoginMetrics {

  static final Metadata FAILURES =
      Metadata.builder()
          .withName("mailbridge_login_failures")
          .withDescription(
              "Sign-ins with a password refused: wrong password, unknown address or disabled"
                  + " account (one reason on purpose)")
          .build();

  static final Metadata THROTTLED =
      Metadata.builder()
          .withName("mailbridge_login_throttled")
          .withDescription(
              "Sign-ins refused with 429 before the password was checked, by the limit that was"
                  + " reached (account or address)")
          .build();

  static final String BAD_CREDENTIALS = "bad_credentials";

  @Inject MetricRegistry registry;

  /** A password that did not sign anyone in. */
  void failed() {
    registry.counter(FAILURES, new Tag("reason", BAD_CREDENTIALS)).inc();
  }

  /** A sign-in refused by the throttle; {@code limit} is {@code account} or {@code address}. */
  void throttled(String limit) {
    registry.counter(THROTTLED, new Tag("limit", limit)).inc();
  }
}
