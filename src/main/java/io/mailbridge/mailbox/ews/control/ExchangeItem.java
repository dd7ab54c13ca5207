package io.mailbridge.mailbox.ews.control;

import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import java.util.Map;

/**
 * An Exchange email in the normalized model, with its attachments described (not downloaded) by
 * their Exchange ids, and the activity id Mailbridge wrote into it when it was logged, if any.
 */
public record ExchangeItem(
    MailMessage message, Map<String, MailAttachment> attachments, String loggedActivityId) {}
