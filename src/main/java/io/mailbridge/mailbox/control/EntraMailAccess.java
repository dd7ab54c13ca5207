package io.mailbridge.mailbox.control;

/**
 * What the Outlook add-in's Entra ID sign-in needs of Microsoft 365: the access token nested app
 * authentication gave the add-in, checked, and mail access for that person on their behalf.
 */
public interface EntraMailAccess {

  /** The token's person and orgs; {@code NotAuthenticated} when any check fails. */
  VerifiedEntraToken verify(String accessToken);

  /**
   * Stores (or renews) the person's Microsoft 365 mailbox connection from an on-behalf-of grant and
   * answers its id; a clear problem when Entra will not grant it (consent, MFA, sign in again).
   */
  String connectOnBehalfOf(String orgId, String userId, VerifiedEntraToken token, String assertion);
}
