/**
 * Mailboxes as the rest of Mailbridge sees them: the ports every provider implements ({@link
 * io.mailbridge.mailbox.control.MessageSource} to read a message, open attachments and mark it
 * logged; {@code EntraMailAccess}, {@code TenantConsents}, {@code ExchangeAllowList}), the one
 * place that chooses the caller's mailbox ({@link io.mailbridge.mailbox.control.MailboxOfCaller}),
 * connecting mailboxes with OAuth (code + PKCE) and their tokens, refreshed once at a time across
 * nodes, and revocation. The mailbox's failures are typed here ({@code MailboxReauthRequired},
 * {@code ProviderBusy}, {@code ProviderUnreachable}, …) so callers and jobs tell "needs re-consent"
 * from "busy" without HTTP codes.
 */
package io.mailbridge.mailbox.control;
