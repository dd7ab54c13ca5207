package io.mailbridge.crm.control;

import io.mailbridge.message.MailMessage;

/**
 * An email entered the CRM through {@link ActivityStore} (a new activity, or one the same message
 * was stored as before): fired once the store is committed, so that other parts can connect what
 * they know of the message to its activity without the CRM knowing them.
 */
public record EmailStored(String orgId, String activityId, MailMessage message) {}
