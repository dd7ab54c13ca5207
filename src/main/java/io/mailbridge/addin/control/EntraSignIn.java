package io.mailbridge.addin.control;

import io.mailbridge.mailbox.graph.control.EntraAccessTokens;
import io.mailbridge.mailbox.graph.control.GraphOnBehalfOf;
import io.mailbridge.mailbox.graph.control.VerifiedEntraToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Signs the Outlook add-in in on Exchange Online with the Entra ID access token nested app
 * authentication gave it. The person is (tenant issuer, object id); from there it is the same as
 * on-premises: a linked identity gets a session, an unknown one a sign-up ticket.
 */
@ApplicationScoped
public class EntraSignIn {

  @Inject EntraAccessTokens tokens;
  @Inject ExchangeSignIn signIn;
  @Inject GraphOnBehalfOf graph;

  /**
   * A linked person also gets Graph access for their mailbox, in the same transaction: if Entra
   * will not give it, there is no session either, and the error says what the admin must do.
   */
  @Transactional
  public ExchangeSignIn.Outcome signIn(String accessToken, String mailbox) {
    VerifiedEntraToken token = tokens.verify(accessToken);
    String shown = mailbox == null || mailbox.isBlank() ? token.username() : mailbox;
    ExchangeSignIn.Outcome outcome =
        signIn.signIn(
            new VerifiedIdentityToken(
                new ExchangeIdentity(token.issuer(), token.objectId()), token.orgs()),
            shown);
    if (outcome instanceof ExchangeSignIn.SignedIn signedIn) {
      graph.connect(signedIn.user().orgId(), signedIn.user().id(), token, accessToken.strip());
    }
    return outcome;
  }
}
