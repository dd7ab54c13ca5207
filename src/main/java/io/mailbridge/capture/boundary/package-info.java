/** Capture's HTTP edge: settings, the mailbox switch, health lists and the push receivers. */
package io.mailbridge.capture.boundary;
