/**
 * Gmail and Google sign-in: OAuth with Google, and {@code GmailMailbox}, the {@code MessageSource}
 * for Gmail, read through Google's API client over Mailbridge's outbound client. Nothing
 * Google-specific leaves this package.
 */
package io.mailbridge.mailbox.gmail.control;
