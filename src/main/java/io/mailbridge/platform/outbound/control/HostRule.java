package io.mailbridge.platform.outbound.control;

/**
 * What an admin allowed for one host beyond the default of HTTPS to a public address.
 *
 * @param plainHttp whether {@code http://} may be used
 * @param privateAddress whether the host may resolve to addresses that are not public: loopback,
 *     private, link-local and the like, and the server's own
 */
public record HostRule(boolean plainHttp, boolean privateAddress) {}
