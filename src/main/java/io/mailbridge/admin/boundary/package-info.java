/**
 * The web console's edge: the policy its pages are served under. The console itself is static ES
 * modules under {@code src/main/webapp/console}, a client of the same JSON API as everything else.
 */
package io.mailbridge.admin.boundary;
