package io.mailbridge.mailbox.gmail.control;

import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import java.util.Map;

/**
 * A Gmail message in the normalized model, with its attachments by MIME part id (Gmail's {@code
 * partId}, which stays the same across reads, unlike Gmail's attachment ids).
 */
public record GmailItem(MailMessage message, Map<String, MailAttachment> attachments) {}
