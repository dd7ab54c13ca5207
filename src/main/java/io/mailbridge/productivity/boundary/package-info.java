/**
 * The productivity API (settings, shortcuts, tracking preparation and read-out) and the public
 * tracking pixel and click redirect.
 */
package io.mailbridge.productivity.boundary;
