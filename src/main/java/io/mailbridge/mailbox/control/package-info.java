/**
 * Connecting mailboxes with OAuth (authorization code + PKCE), their tokens, refreshed once at a
 * time across nodes, and revocation; the providers plug in through {@link
 * io.mailbridge.mailbox.control.OAuthProvider}. The mailbox's failures are typed here ({@code
 * MailboxReauthRequired}, {@code ProviderBusy}, {@code ProviderUnreachable}, …) so callers and jobs
 * tell "needs re-consent" from "busy" without HTTP codes.
 */
package io.mailbridge.mailbox.control;
