package io.mailbridge.mailbox.control;

/**
 * A provider said a mailbox changed over a channel Mailbridge holds open itself (EWS streaming or
 * pull notifications): the subscription it came on, and whether the subscription is gone (the
 * provider no longer knows it, or the stream broke and events may be lost). Capture observes it: it
 * only queues the mailbox's sync, which reads from the stored position, and opens a new
 * subscription when the old one is gone.
 */
public record MailboxChangesPushed(String subscriptionId, boolean subscriptionLost) {}
