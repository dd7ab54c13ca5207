package io.mailbridge.platform.security.control;

import io.mailbridge.platform.crypto.control.BlindIndex;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotAuthenticated;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;

/** Login, refresh and logout: turns credentials into Mailbridge's token pair and back. */
@ApplicationScoped
public class Authentication {

  @Inject Users users;
  @Inject Passwords passwords;
  @Inject AccessTokens accessTokens;
  @Inject RefreshTokens refreshTokens;
  @Inject LoginThrottle throttle;

  @Transactional
  public TokenPair login(String email, String password, String clientAddress) {
    AppUser user = verifyCredentials(email, password, clientAddress);
    return new TokenPair(
        accessTokens.issue(user),
        refreshTokens.issueNewFamily(user.orgId(), user.id()),
        accessTokens.lifetime().toSeconds());
  }

  /**
   * The enabled user with these credentials, under the same throttling as a login; used wherever
   * someone proves who they are with their CRM password (login, linking an Exchange mailbox).
   */
  public AppUser verifyCredentials(String email, String password, String clientAddress) {
    if (email == null || email.isBlank()) {
      throw new InvalidField("email", "is required");
    }
    if (password == null || password.isEmpty()) {
      throw new InvalidField("password", "is required");
    }
    String accountKey = BlindIndex.normalize(email);
    throttle.check(accountKey, clientAddress);
    Optional<AppUser> found = users.findByLoginEmail(email);
    boolean matches;
    if (found.isPresent()) {
      matches = passwords.matches(password, found.get().passwordHash());
    } else {
      passwords.spendTimeOfOneCheck(password);
      matches = false;
    }
    if (!matches || found.get().isDisabled()) {
      throttle.recordFailure(accountKey, clientAddress);
      throw new NotAuthenticated(
          "invalid_credentials", "Email or password is wrong, or the account is disabled");
    }
    throttle.recordSuccess(accountKey);
    return found.get();
  }

  // A reused token must leave its family revoked even though the call fails.
  @Transactional(dontRollbackOn = DomainProblem.class)
  public TokenPair refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank()) {
      throw new InvalidField("refreshToken", "is required");
    }
    RefreshTokens.Rotation rotation = refreshTokens.rotate(refreshToken);
    AppUser user =
        users
            .findActive(rotation.orgId(), rotation.userId())
            .orElseThrow(
                () -> new NotAuthenticated("invalid_refresh_token", "The account is disabled"));
    return new TokenPair(
        accessTokens.issue(user), rotation.refreshToken(), accessTokens.lifetime().toSeconds());
  }

  @Transactional
  public void logout(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank()) {
      throw new InvalidField("refreshToken", "is required");
    }
    refreshTokens.revokeFamilyOf(refreshToken);
  }
}
