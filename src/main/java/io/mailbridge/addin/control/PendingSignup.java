package io.mailbridge.addin.control;

import java.util.Set;

/**
 * A verified Exchange identity waiting for a CRM user to claim it on the sign-up page.
 *
 * @param mailbox the address Outlook reported; shown to the person, not part of the identity
 * @param formToken the CSRF token the sign-up form must send back, bound to this ticket
 */
public record PendingSignup(
    ExchangeIdentity identity, String mailbox, Set<String> candidateOrgs, String formToken) {}
