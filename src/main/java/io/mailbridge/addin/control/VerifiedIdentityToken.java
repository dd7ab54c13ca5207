package io.mailbridge.addin.control;

import java.util.Set;

/**
 * An Exchange identity token whose signature, audience and lifetime checked out.
 *
 * @param candidateOrgs the orgs whose allow-list admitted the token's Exchange server: only their
 *     users may be linked to this identity
 */
public record VerifiedIdentityToken(ExchangeIdentity identity, Set<String> candidateOrgs) {}
