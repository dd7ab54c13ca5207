package io.mailbridge.mailbox.ews.control;

import io.mailbridge.platform.outbound.control.OutboundPolicy;
import java.net.URI;

/**
 * Where and as whom one EWS request goes: the endpoint, the credential and the org's outbound
 * policy. Only the Bearer form (an Exchange callback token) exists so far.
 */
public record EwsCall(URI endpoint, String bearerToken, OutboundPolicy policy) {

  @Override
  public String toString() {
    return "EwsCall[" + endpoint + "]";
  }
}
