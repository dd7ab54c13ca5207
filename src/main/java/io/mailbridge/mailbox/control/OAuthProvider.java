package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import java.net.URI;
import java.util.List;

/**
 * What connecting a mailbox needs from a provider: its authorization URL, its token endpoint for
 * codes and refreshes, the account behind a consent, and revocation. Implemented next to each
 * provider's mailbox code, so nothing provider-specific leaves its package.
 */
public interface OAuthProvider {

  MailProvider provider();

  /** Every scope asked for, identity scopes included (listed in the README). */
  List<String> requestedScopes();

  /** The scopes Mailbridge cannot work without; a consent that lacks one is refused. */
  List<String> requiredScopes();

  /** Whether a granted scope string stands for this required scope (providers spell them apart). */
  boolean grants(List<String> granted, String required);

  /**
   * The scopes sending mail needs beyond {@link #requiredScopes()}: asked for, but a connection
   * made before they were asked lacks them and must be connected again to send.
   */
  default List<String> sendingScopes() {
    return List.of();
  }

  /** Whether a connection with these granted scopes may send mail. */
  default boolean canSend(List<String> granted) {
    return sendingScopes().stream().allMatch(s -> grants(granted, s));
  }

  /**
   * The scopes reading free/busy times and creating meetings need beyond {@link #requiredScopes()}:
   * asked for but optional like {@link #sendingScopes()}, so a connection made before they were
   * asked (or consented without them) must be connected again to use its calendar.
   */
  default List<String> calendarScopes() {
    return List.of();
  }

  /** Whether a connection with these granted scopes may read and write its calendar. */
  default boolean canUseCalendar(List<String> granted) {
    return calendarScopes().stream().allMatch(s -> grants(granted, s));
  }

  URI authorizationUrl(
      ProviderApp app, String redirectUri, String state, String codeChallenge, String nonce);

  TokenGrant exchangeCode(ProviderApp app, String code, String codeVerifier, String redirectUri)
      throws TokenEndpointError, OutboundFailure;

  /**
   * Refreshes; the tenant is the connection's (Microsoft), null for Google. {@code granted} are the
   * connection's granted scopes: a refresh must not ask for more than the user consented to.
   */
  TokenGrant refresh(ProviderApp app, String refreshToken, String tenantId, List<String> granted)
      throws TokenEndpointError, OutboundFailure;

  /** Verifies the ID token of a code exchange and checks the account against the org's rules. */
  ConnectedAccount account(ProviderApp app, TokenGrant grant, String nonce) throws AccountRefused;

  /**
   * Ends the grant at the provider. {@code accessToken} may be null when none is current.
   *
   * @throws TokenEndpointError when the provider answered but did not confirm
   */
  void revoke(ProviderApp app, String accessToken, String refreshToken)
      throws TokenEndpointError, OutboundFailure;

  /** Whether revoking needs a current access token rather than the refresh token. */
  default boolean revokesWithAccessToken() {
    return false;
  }

  /**
   * Checks and normalizes one entry of the org's allowed list (a Workspace domain for Google, a
   * tenant id for Microsoft); throws an {@code InvalidField} naming the field when it is not one.
   */
  String allowedEntry(String raw, String field);

  /** Checks the client id's shape; throws an {@code InvalidField} when it cannot be one. */
  String clientId(String raw);
}
