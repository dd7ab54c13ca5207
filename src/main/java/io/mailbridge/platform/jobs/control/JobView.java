package io.mailbridge.platform.jobs.control;

import java.time.Instant;

/** A job as stored, for admins and tests. */
public record JobView(
    String id,
    String kind,
    String orgId,
    String payload,
    JobState state,
    int attempts,
    int maxAttempts,
    Instant runAt,
    String leaseOwner,
    Instant leaseExpiresAt,
    String lastError) {}
