package io.mailbridge.mailbox.control;

import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The outbound policy for the provider endpoints the operator configured: exactly their hosts, over
 * HTTPS to public addresses unless {@code mailbridge.oauth.allow-private-endpoints} says otherwise
 * (fakes on loopback in tests, or a provider reached through a proxy on the LAN).
 */
@ApplicationScoped
public class ProviderOutbound {

  @Inject
  @ConfigProperty(name = "mailbridge.oauth.allow-private-endpoints", defaultValue = "false")
  boolean allowPrivate;

  /** A policy that allows the hosts of these URLs and no others. */
  public OutboundPolicy policyFor(String... urls) {
    Map<String, HostRule> rules = new HashMap<>();
    for (String url : urls) {
      String host = OutboundHttp.hostOf(URI.create(url));
      if (host != null) {
        rules.put(host, new HostRule(allowPrivate, allowPrivate));
      }
    }
    return host -> Optional.ofNullable(rules.get(host));
  }
}
