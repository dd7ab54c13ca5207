package io.mailbridge.mailbox.control;

import java.util.Set;

/**
 * An Entra ID access token for Mailbridge's API that passed every check.
 *
 * @param issuer the tenant's issuer in its v2.0 form (also for a v1.0 token), which with {@code
 *     objectId} names the person for good
 * @param username {@code preferred_username} (v2.0) or {@code upn} / {@code unique_name} (v1.0):
 *     shown to people, never a key (it can change)
 * @param orgs the orgs whose app the token is for and whose admins consented for its tenant
 */
public record VerifiedEntraToken(
    String tenantId, String objectId, String issuer, String username, Set<String> orgs) {}
