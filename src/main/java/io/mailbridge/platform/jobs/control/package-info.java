/**
 * The database job queue: enqueue with dedup keys, claim with leases, and after a failure retry
 * after the wait a busy system asked for, back off, or park, as the failure's type decides.
 */
package io.mailbridge.platform.jobs.control;
