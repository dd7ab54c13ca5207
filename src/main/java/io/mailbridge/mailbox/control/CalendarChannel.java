package io.mailbridge.mailbox.control;

import java.time.Instant;

/**
 * A push channel a provider opened on a mailbox's primary calendar, beside the mail's channel: the
 * id Mailbridge chose, the provider's id of the watched resource (needed to stop it) and its end.
 */
public record CalendarChannel(String id, String resourceId, Instant expiresAt) {}
