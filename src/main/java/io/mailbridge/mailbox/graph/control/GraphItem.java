package io.mailbridge.mailbox.graph.control;

import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import java.util.Map;

/**
 * A Graph message in the normalized model, with its attachments by Graph attachment id; their bytes
 * are fetched from Graph only when someone reads them.
 */
public record GraphItem(MailMessage message, Map<String, MailAttachment> attachments) {}
