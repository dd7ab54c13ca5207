package io.mailbridge.platform.jobs.control;

/** Where a job is in its life. */
public enum JobState {
  READY,
  RUNNING,
  DONE,
  PARKED
}
