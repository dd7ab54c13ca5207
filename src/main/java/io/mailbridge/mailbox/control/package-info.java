/**
 * Connecting mailboxes with OAuth (authorization code + PKCE), their tokens, refreshed once at a
 * time across nodes, and revocation; the providers plug in through {@link
 * io.mailbridge.mailbox.control.OAuthProvider}.
 */
package io.mailbridge.mailbox.control;
