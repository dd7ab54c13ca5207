package io.mailbridge.platform.security.entity;

/** What a user may do in its org. */
public enum Role {
  ADMIN,
  USER
}
