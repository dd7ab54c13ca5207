/** The contact sync job per user, its timer, leases and merge, and the org's sync settings. */
package io.mailbridge.sync.control;
