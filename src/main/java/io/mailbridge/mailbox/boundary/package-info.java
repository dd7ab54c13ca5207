/**
 * Connecting mailboxes ({@code /api/oauth}), a user's own connections ({@code /api/mailboxes}) and
 * their administration ({@code /api/admin/connections}, {@code /api/admin/providers}).
 */
package io.mailbridge.mailbox.boundary;
