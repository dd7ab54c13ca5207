package io.mailbridge.mailbox.graph.control;

import java.util.Set;

/**
 * An Entra ID access token for Mailbridge's API that passed every check.
 *
 * @param issuer the tenant's issuer URL, which with {@code objectId} names the person for good
 * @param username {@code preferred_username}: shown to people, never a key (it can change)
 * @param orgs the orgs whose app the token is for and whose admins consented for its tenant
 */
public record VerifiedEntraToken(
    String tenantId, String objectId, String issuer, String username, Set<String> orgs) {}
