/**
 * Exchange Web Services: the allow-list of Exchange hosts ({@code ExchangeAllowList}), the EWS
 * client and {@code ExchangeMailbox}, the {@code MessageSource} for Exchange on-premises. Nothing
 * EWS-specific leaves this package.
 */
package io.mailbridge.mailbox.ews.control;
