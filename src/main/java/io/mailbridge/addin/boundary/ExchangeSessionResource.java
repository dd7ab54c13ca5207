package io.mailbridge.addin.boundary;

import io.mailbridge.addin.control.EntraSignIn;
import io.mailbridge.addin.control.ExchangeSignIn;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.security.boundary.UserView;
import io.mailbridge.platform.security.control.AddinSessions;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;

/**
 * The Outlook add-in's sign-in, with an Exchange identity token (on-premises) or an Entra ID access
 * token (Exchange Online, nested app authentication), and its sign-out.
 */
@Path("addin")
@Produces(MediaType.APPLICATION_JSON)
public class ExchangeSessionResource {

  @Inject ExchangeSignIn signIn;
  @Inject EntraSignIn entraSignIn;
  @Inject AddinSessions sessions;
  @Inject MailbridgeSettings settings;

  /** Sign-in body; {@code mailbox} is what Outlook reports, shown on the sign-up page. */
  public record SessionRequest(String identityToken, String mailbox) {}

  /** Answer to a signed-in add-in. */
  public record SessionView(UserView user, Instant expiresAt) {}

  /** Answer to an identity no CRM user has claimed yet. */
  public record SignupRequired(String error, String message, String signup) {}

  /** Sign-in body on Exchange Online: the Entra ID access token for Mailbridge's API. */
  public record GraphSessionRequest(String accessToken, String mailbox) {}

  @POST
  @Path("exchange/session")
  @PermitAll
  @Consumes(MediaType.APPLICATION_JSON)
  public Response open(SessionRequest request) {
    SessionRequest given = request == null ? new SessionRequest(null, null) : request;
    return answer(signIn.signIn(given.identityToken(), given.mailbox()));
  }

  @POST
  @Path("graph/session")
  @PermitAll
  @Consumes(MediaType.APPLICATION_JSON)
  public Response openWithEntra(GraphSessionRequest request) {
    GraphSessionRequest given = request == null ? new GraphSessionRequest(null, null) : request;
    return answer(entraSignIn.signIn(given.accessToken(), given.mailbox()));
  }

  private Response answer(ExchangeSignIn.Outcome outcome) {
    if (outcome instanceof ExchangeSignIn.SignedIn signedIn) {
      return Response.ok(
              new SessionView(UserView.of(signedIn.user()), signedIn.session().expiresAt()))
          .cookie(cookie(signedIn.session().cookieValue(), sessions.lifetime()))
          .header("Cache-Control", "no-store")
          .build();
    }
    ExchangeSignIn.SignupRequired signup = (ExchangeSignIn.SignupRequired) outcome;
    return Response.status(Response.Status.UNAUTHORIZED)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header("Cache-Control", "no-store")
        .entity(
            new SignupRequired(
                "signup_required",
                "Link this mailbox to your CRM account first",
                signup.signupPath()))
        .build();
  }

  @DELETE
  @Path("session")
  @PermitAll
  public Response close(@CookieParam(AddinSessions.COOKIE) String cookie) {
    sessions.revoke(cookie);
    return Response.noContent().cookie(cookie("", Duration.ZERO)).build();
  }

  // The task pane runs in an Office iframe: over HTTPS the cookie must be SameSite=None; Secure.
  private NewCookie cookie(String value, Duration maxAge) {
    boolean https = settings.publicUrl().startsWith("https://");
    return new NewCookie.Builder(AddinSessions.COOKIE)
        .value(value)
        .path("/api")
        .httpOnly(true)
        .secure(https)
        .sameSite(https ? NewCookie.SameSite.NONE : NewCookie.SameSite.LAX)
        .maxAge((int) maxAge.toSeconds())
        .build();
  }
}
