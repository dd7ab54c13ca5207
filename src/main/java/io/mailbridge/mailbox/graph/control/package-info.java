/**
 * Microsoft 365: OAuth with the Microsoft identity platform (Entra ID) and, later, mailboxes read
 * over Microsoft Graph. Nothing Microsoft-specific leaves this package.
 */
package io.mailbridge.mailbox.graph.control;
