package io.mailbridge.mailbox.entity;

/** Whether a connected mailbox can be used or needs its user to connect it again. */
public enum ConnectionState {
  ACTIVE,
  /** The provider refused the refresh token ({@code invalid_grant}): only a new consent helps. */
  REAUTH_REQUIRED
}
