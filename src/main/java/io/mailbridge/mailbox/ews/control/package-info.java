/**
 * Exchange Web Services: the allow-list of Exchange hosts ({@code ExchangeAllowList}), the EWS
 * client and {@code ExchangeMailbox}, the {@code MessageSource} for Exchange on-premises; the org's
 * Exchange connection (service account with Basic or NTLMv2, CA bundle, EWS URL given or found by
 * autodiscover) and the connectivity debug tool. Nothing EWS-specific leaves this package.
 */
package io.mailbridge.mailbox.ews.control;
