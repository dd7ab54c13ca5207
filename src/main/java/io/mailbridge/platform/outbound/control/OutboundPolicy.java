package io.mailbridge.platform.outbound.control;

import java.util.Optional;

/** Decides, for every host a request or a redirect goes to, whether and how it may be reached. */
@FunctionalInterface
public interface OutboundPolicy {

  /** The rule for this host (lower case, no port), or empty when it must not be contacted. */
  Optional<HostRule> ruleFor(String host);
}
