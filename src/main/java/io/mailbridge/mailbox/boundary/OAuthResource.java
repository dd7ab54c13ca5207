package io.mailbridge.mailbox.boundary;

import io.mailbridge.mailbox.control.ConnectMailbox;
import io.mailbridge.mailbox.control.OAuthProviders;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.security.control.Caller;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/oauth/{google,microsoft}/start} (signed in: answers the provider URL and sets the
 * browser-binding cookie) and {@code /callback} (the provider sends the browser back here; answers
 * a page that says what happened).
 */
@Path("oauth/{provider}")
public class OAuthResource {

  private static final int MAX_PARAM = 4096;

  @Inject ConnectMailbox connect;
  @Inject OAuthProviders providers;
  @Inject MailbridgeSettings settings;
  @Inject Caller caller;

  @GET
  @Path("start")
  @Produces(MediaType.APPLICATION_JSON)
  public Response start(@PathParam("provider") String provider) {
    ConnectMailbox.Started started =
        connect.start(caller.orgId(), caller.userId(), providers.named(provider));
    return OutcomePage.started(started, settings);
  }

  @GET
  @Path("callback")
  @PermitAll
  @Produces(MediaType.TEXT_HTML)
  public Response callback(
      @PathParam("provider") String provider,
      @QueryParam("state") String state,
      @QueryParam("code") String code,
      @QueryParam("error") String error,
      @QueryParam("error_description") String errorDescription,
      @Context HttpHeaders headers) {
    MailProvider named = providers.named(provider);
    try {
      return OutcomePage.response(
          connect.complete(
              named,
              bounded(state),
              bounded(code),
              bounded(error),
              bounded(errorDescription),
              OutcomePage.cookies(headers)),
          OutcomePage.MAILBOXES_PAGE);
    } catch (DomainProblem problem) {
      // The person in front of the browser gets a page, with the status the API would answer.
      return OutcomePage.response(OutcomePage.failed(problem), OutcomePage.MAILBOXES_PAGE);
    }
  }

  static String bounded(String value) {
    if (value == null) {
      return null;
    }
    return value.length() > MAX_PARAM ? value.substring(0, MAX_PARAM) : value;
  }
}
