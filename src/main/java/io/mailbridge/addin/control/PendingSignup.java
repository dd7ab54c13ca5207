package io.mailbridge.addin.control;

import java.util.Set;

/**
 * A verified Exchange identity waiting for a CRM user to claim it on the sign-up page.
 *
 * @param mailbox the address Outlook reported; shown to the person, not part of the identity
 */
public record PendingSignup(ExchangeIdentity identity, String mailbox, Set<String> candidateOrgs) {}
