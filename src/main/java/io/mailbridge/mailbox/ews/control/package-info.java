/**
 * Exchange Web Services: the allow-list of Exchange hosts ({@code ExchangeAllowList}), the EWS
 * client and {@code ExchangeMailbox}, the {@code MessageSource} for Exchange on-premises; the org's
 * Exchange connection (service account, CA bundle) and the connectivity debug tool. Nothing
 * EWS-specific leaves this package.
 */
package io.mailbridge.mailbox.ews.control;
