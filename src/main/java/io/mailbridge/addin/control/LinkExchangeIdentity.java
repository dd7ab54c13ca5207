package io.mailbridge.addin.control;

import io.mailbridge.platform.problem.Expired;
import io.mailbridge.platform.problem.NotAllowed;
import io.mailbridge.platform.security.control.Authentication;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * The sign-up page's work: a rep proves who they are with CRM credentials and claims the Exchange
 * identity a ticket carries. The ticket is used up only when the link is made.
 */
@ApplicationScoped
public class LinkExchangeIdentity {

  @Inject SignupTickets tickets;
  @Inject ExchangeIdentities identities;
  @Inject Authentication authentication;

  /** The result shown on the page. */
  public record Linked(AppUser user, PendingSignup signup) {}

  public PendingSignup pending(String ticket) {
    return tickets.find(ticket).orElseThrow(LinkExchangeIdentity::ticketGone);
  }

  /**
   * Links the ticket's identity to the user these credentials name. {@code formToken} must be the
   * one issued with the ticket: checked before the password, so a forged form learns nothing.
   */
  @Transactional
  public Linked link(
      String ticket, String formToken, String email, String password, String clientAddress) {
    pending(ticket);
    if (!tickets.formTokenMatches(ticket, formToken)) {
      throw formExpired();
    }
    AppUser user = authentication.verifyCredentials(email, password, clientAddress);
    PendingSignup signup = tickets.consume(ticket).orElseThrow(LinkExchangeIdentity::ticketGone);
    if (!signup.candidateOrgs().contains(user.orgId())) {
      throw new NotAllowed(
          "Your CRM org does not list the Exchange server "
              + signup.identity().host()
              + "; ask your admin to add it");
    }
    identities.link(user.orgId(), user.id(), signup.identity(), signup.mailbox());
    return new Linked(user, signup);
  }

  /** The sign-up form was not the one this server issued for the ticket (CSRF). */
  public static NotAllowed formExpired() {
    return new NotAllowed(
        "signup_form_invalid",
        "This form has expired or was not sent from this page. Open it again.");
  }

  private static Expired ticketGone() {
    return new Expired(
        "signup_ticket_invalid",
        "This sign-up link has expired or was already used; open the add-in again");
  }
}
