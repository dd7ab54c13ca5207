package io.mailbridge.mailbox.control;

import java.time.Instant;
import java.util.List;

/**
 * What a token endpoint answered: an access token and its expiry, maybe a (new) refresh token, the
 * scopes granted and, for a code exchange with OpenID scopes, an ID token.
 */
public record TokenGrant(
    String accessToken,
    Instant expiresAt,
    String refreshToken,
    List<String> scopes,
    String idToken) {

  @Override
  public String toString() {
    // Never print the tokens.
    return "TokenGrant[expiresAt=" + expiresAt + ", scopes=" + scopes + "]";
  }
}
