/**
 * The one HTTP client for calls to hosts Mailbridge does not run: allow-lists, limits, timeouts.
 */
package io.mailbridge.platform.outbound.control;
