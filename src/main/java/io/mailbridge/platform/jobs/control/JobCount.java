package io.mailbridge.platform.jobs.control;

/**
 * How many unfinished jobs of one kind are in one state of the queue as operators see it: {@code
 * queued} (due), {@code scheduled} (waiting for their time), {@code running} or {@code parked}.
 */
public record JobCount(String kind, String state, long count) {}
