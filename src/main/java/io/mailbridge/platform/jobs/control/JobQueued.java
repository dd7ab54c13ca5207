package io.mailbridge.platform.jobs.control;

/**
 * A job became due on this node's transaction: once it commits, the pump is asked for a pass at
 * once, so queued work (a notification's sync above all) does not wait for the next tick.
 *
 * @param kind the job's kind
 */
public record JobQueued(String kind) {}
