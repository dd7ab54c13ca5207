package io.mailbridge.mailbox.control;

import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundTrust;

/**
 * Checks the authentication metadata an add-in identity token names ({@code amurl}), for the
 * Exchange debug tool: the add-in owns identity tokens, the tool in {@code mailbox/ews} asks here.
 */
public interface ExchangeTokenMetadata {

  /** What the check found, with a fix in words when it failed. */
  record Finding(boolean ok, String detail, String fix) {}

  /** Fetches the token's metadata under the org's policy and trust and checks it. */
  Finding check(String identityToken, OutboundPolicy policy, OutboundTrust trust);
}
