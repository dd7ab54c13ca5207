package io.mailbridge.platform.jobs.control;

/** A job this node holds the lease of, as handed to its handler. */
public record ClaimedJob(
    String id, String kind, String orgId, String payload, int attempt, String leaseOwner) {}
