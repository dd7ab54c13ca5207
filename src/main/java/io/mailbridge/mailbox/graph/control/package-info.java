/**
 * Microsoft 365: OAuth with the Microsoft identity platform (Entra ID), tenant consent, the
 * add-in's Entra sign-in ({@code EntraMailAccess}) and {@code GraphMailbox}, the {@code
 * MessageSource} for Exchange Online over Microsoft Graph. Nothing Microsoft-specific leaves this
 * package.
 */
package io.mailbridge.mailbox.graph.control;
