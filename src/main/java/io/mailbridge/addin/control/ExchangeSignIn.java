package io.mailbridge.addin.control;

import io.mailbridge.addin.entity.ExchangeIdentityLink;
import io.mailbridge.platform.problem.NotAuthenticated;
import io.mailbridge.platform.security.control.AddinSessions;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Signs the Outlook add-in in with an Exchange identity token: a linked identity gets a session, an
 * unknown one a sign-up ticket.
 */
@ApplicationScoped
public class ExchangeSignIn {

  private static final int MAX_MAILBOX_LENGTH = 320;

  @Inject ExchangeIdentityTokens tokens;
  @Inject ExchangeIdentities identities;
  @Inject SignupTickets tickets;
  @Inject AddinSessions sessions;
  @Inject Users users;

  /** What the add-in gets for a token. */
  public sealed interface Outcome permits SignedIn, SignupRequired {}

  /** A session for a linked user. */
  public record SignedIn(AppUser user, AddinSessions.Opened session) implements Outcome {}

  /** The page where the identity can be linked, with its ticket. */
  public record SignupRequired(String signupPath) implements Outcome {}

  @Transactional
  public Outcome signIn(String identityToken, String mailbox) {
    return signIn(tokens.verify(identityToken), mailbox);
  }

  /**
   * Signs in an identity another verifier vouched for (an Entra ID token from nested app
   * authentication): the same links, sign-up tickets and sessions as Exchange identities.
   */
  @Transactional
  public Outcome signIn(VerifiedIdentityToken token, String mailbox) {
    Optional<ExchangeIdentityLink> link = identities.find(token.identity());
    if (link.isEmpty()) {
      String ticket = tickets.create(token, cleanMailbox(mailbox));
      return new SignupRequired(
          "/addin/signup?ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8));
    }
    if (!token.candidateOrgs().contains(link.get().orgId())) {
      throw new NotAuthenticated(
          "invalid_identity_token",
          "Your organisation no longer trusts " + token.identity().host() + " for this mailbox");
    }
    AppUser user =
        users
            .findActive(link.get().orgId(), link.get().userId())
            .orElseThrow(
                () ->
                    new NotAuthenticated(
                        "unauthorized", "The CRM account linked to this mailbox is disabled"));
    identities.markUsed(link.get());
    return new SignedIn(user, sessions.open(user.orgId(), user.id(), link.get().id()));
  }

  private static String cleanMailbox(String mailbox) {
    if (mailbox == null) {
      return "";
    }
    String value = mailbox.strip();
    return value.length() > MAX_MAILBOX_LENGTH ? value.substring(0, MAX_MAILBOX_LENGTH) : value;
  }
}
