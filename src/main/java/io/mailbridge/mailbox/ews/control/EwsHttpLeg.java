package io.mailbridge.mailbox.ews.control;

import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundTrust;
import java.net.URI;

/**
 * The HTTP side of one EWS call, handed to {@link OutboundTransportTube} through the port's request
 * context so that every EWS request goes through the platform's outbound client, labelled with its
 * operation in the metrics; {@code ntlm}, when set, authenticates by an NTLM handshake instead of
 * {@code authorization}. {@code anchorMailbox} routes an impersonated request to the user's mailbox
 * server ({@code X-AnchorMailbox}); {@code affinity}, when set, keeps a subscription's requests on
 * one mailbox server ({@code X-PreferServerAffinity}, {@code X-BackEndOverrideCookie}).
 */
record EwsHttpLeg(
    OutboundHttp outbound,
    OutboundCall operation,
    URI endpoint,
    OutboundPolicy policy,
    OutboundLimits limits,
    String authorization,
    OutboundTrust trust,
    String anchorMailbox,
    NtlmAccount ntlm,
    EwsAffinity affinity) {

  static final String PROPERTY = "io.mailbridge.ews.http-leg";

  @Override
  public String toString() {
    // Never print the authorization header.
    return "EwsHttpLeg[" + endpoint + "]";
  }
}
