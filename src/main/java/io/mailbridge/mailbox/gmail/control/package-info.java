/**
 * Gmail and Google sign-in: OAuth with Google, and mailboxes read through Google's API client over
 * Mailbridge's outbound client. Nothing Google-specific leaves this package.
 */
package io.mailbridge.mailbox.gmail.control;
