/** The database job queue: enqueue with dedup keys, claim with leases, retry with backoff, park. */
package io.mailbridge.platform.jobs.control;
