package io.mailbridge.mailbox.control;

/**
 * Whose mailbox a consent was for, from the provider's verified ID token.
 *
 * @param address the mailbox address
 * @param tenantId the Microsoft Entra tenant; null for Google
 */
public record ConnectedAccount(String address, String tenantId) {}
