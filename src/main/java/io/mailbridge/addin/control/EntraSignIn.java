package io.mailbridge.addin.control;

import io.mailbridge.mailbox.control.EntraMailAccess;
import io.mailbridge.mailbox.control.VerifiedEntraToken;
import io.mailbridge.platform.security.control.AddinSessions;
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

  @Inject EntraMailAccess microsoft;
  @Inject ExchangeSignIn signIn;
  @Inject AddinSessions sessions;

  /**
   * A linked person also gets Graph access for their mailbox, in the same transaction: if Entra
   * will not give it, there is no session either, and the error says what the admin or the user
   * must do. The session records that connection: the CRM user may have connected other Microsoft
   * accounts, even of the same tenant, and the pane must read the mailbox of whoever signed in.
   */
  @Transactional
  public ExchangeSignIn.Outcome signIn(String accessToken, String mailbox) {
    VerifiedEntraToken token = microsoft.verify(accessToken);
    String shown = mailbox == null || mailbox.isBlank() ? token.username() : mailbox;
    ExchangeSignIn.Outcome outcome =
        signIn.signIn(
            new VerifiedIdentityToken(
                new ExchangeIdentity(token.issuer(), token.objectId()), token.orgs()),
            shown);
    if (outcome instanceof ExchangeSignIn.SignedIn signedIn) {
      String connectionId =
          microsoft.connectOnBehalfOf(
              signedIn.user().orgId(), signedIn.user().id(), token, accessToken.strip());
      sessions.useMailbox(signedIn.session(), connectionId);
    }
    return outcome;
  }
}
