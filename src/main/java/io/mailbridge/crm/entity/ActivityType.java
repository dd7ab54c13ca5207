package io.mailbridge.crm.entity;

/** What an activity on a timeline is. */
public enum ActivityType {
  EMAIL,
  EVENT,
  TASK
}
