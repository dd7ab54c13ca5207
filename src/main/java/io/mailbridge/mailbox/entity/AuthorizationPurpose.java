package io.mailbridge.mailbox.entity;

/** What a started authorization is for, so a state of one kind never completes the other. */
public enum AuthorizationPurpose {
  /** A user connects their mailbox. */
  CONNECT,
  /** An admin consents to the org's Microsoft app for their tenant. */
  TENANT_CONSENT
}
