/**
 * The capture work: settings, the capture policy, the per-mailbox switch, the sync job that reads a
 * mailbox's change feed page by page into the CRM, push notifications and health.
 */
package io.mailbridge.capture.control;
