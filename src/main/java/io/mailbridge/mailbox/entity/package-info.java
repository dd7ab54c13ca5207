/** Connected mailboxes, the orgs' provider app registrations and started authorizations. */
package io.mailbridge.mailbox.entity;
