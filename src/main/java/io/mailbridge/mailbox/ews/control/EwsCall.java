package io.mailbridge.mailbox.ews.control;

import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundTrust;
import java.net.URI;

/**
 * Where and as whom one EWS request goes: the endpoint, the {@code Authorization} header (an
 * Exchange callback token as Bearer, or the org's service account as Basic) or the service
 * account's NTLM credentials (a handshake per request), the org's outbound policy, the CAs trusted
 * besides the JVM's (null: the JVM's only) and, for a request on behalf of a user, the address
 * impersonated ({@code ExchangeImpersonation} and {@code X-AnchorMailbox}).
 */
public record EwsCall(
    URI endpoint,
    String authorization,
    OutboundPolicy policy,
    OutboundTrust trust,
    String impersonate,
    NtlmAccount ntlm) {

  /** A call with an Exchange callback token, as the add-in makes it. */
  public EwsCall(URI endpoint, String bearerToken, OutboundPolicy policy) {
    this(endpoint, "Bearer " + bearerToken, policy, null, null, null);
  }

  /** A call with an {@code Authorization} header (Bearer or Basic). */
  public EwsCall(
      URI endpoint,
      String authorization,
      OutboundPolicy policy,
      OutboundTrust trust,
      String impersonate) {
    this(endpoint, authorization, policy, trust, impersonate, null);
  }

  /** The same call on behalf of another user (or of none). */
  public EwsCall impersonating(String address) {
    return new EwsCall(endpoint, authorization, policy, trust, address, ntlm);
  }

  @Override
  public String toString() {
    // Never print the authorization header.
    return "EwsCall[" + endpoint + "]";
  }
}
