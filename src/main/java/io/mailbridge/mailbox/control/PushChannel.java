package io.mailbridge.mailbox.control;

import java.time.Instant;

/** A push subscription a provider opened for a mailbox: its id and when it ends. */
public record PushChannel(String id, Instant expiresAt) {}
