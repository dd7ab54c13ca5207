package io.mailbridge.platform.outbound.control;

import java.time.Duration;

/**
 * Bounds of one outbound call.
 *
 * @param timeout for the whole call, from connecting to the last byte of the body
 * @param maxBytes the largest body accepted; a longer one fails the call
 * @param maxRedirects how many redirects a GET may follow (each target is checked again)
 */
public record OutboundLimits(Duration timeout, long maxBytes, int maxRedirects) {}
