package io.mailbridge.mailbox.boundary;

import io.mailbridge.mailbox.control.ConnectMailbox;
import io.mailbridge.mailbox.control.OAuthProviders;
import io.mailbridge.platform.config.boundary.PageHtml;
import io.mailbridge.platform.config.control.MailbridgeSettings;
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
import java.time.Instant;

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

  /** The start's answer: open {@code authorizationUrl} in the same browser. */
  public record StartView(String authorizationUrl, Instant expiresAt) {}

  @GET
  @Path("start")
  @Produces(MediaType.APPLICATION_JSON)
  public Response start(@PathParam("provider") String provider) {
    ConnectMailbox.Started started =
        connect.start(caller.orgId(), caller.userId(), providers.named(provider));
    // Lax: the provider's redirect back is a top-level GET, which Lax cookies go along with.
    String cookie =
        started.cookieName()
            + "="
            + started.cookieValue()
            + "; Path="
            + started.cookiePath()
            + "; Max-Age="
            + Math.max(1, started.expiresAt().getEpochSecond() - Instant.now().getEpochSecond())
            + "; HttpOnly; SameSite=Lax"
            + (settings.publicUrl().startsWith("https:") ? "; Secure" : "");
    return Response.ok(new StartView(started.authorizationUrl().toString(), started.expiresAt()))
        .header("Set-Cookie", cookie)
        .header("Cache-Control", "no-store")
        .build();
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
    ConnectMailbox.Outcome outcome =
        connect.complete(
            providers.named(provider),
            bounded(state),
            bounded(code),
            bounded(error),
            bounded(errorDescription),
            name -> {
              jakarta.ws.rs.core.Cookie cookie = headers.getCookies().get(name);
              return cookie == null ? null : cookie.getValue();
            });
    return Response.status(outcome.status())
        .type("text/html; charset=UTF-8")
        .header("Cache-Control", "no-store")
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff")
        // The code and state are in this page's URL: no Referer may carry them away.
        .header("Referrer-Policy", "no-referrer")
        .header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'")
        .entity(page(outcome))
        .build();
  }

  private static String bounded(String value) {
    if (value == null) {
      return null;
    }
    return value.length() > MAX_PARAM ? value.substring(0, MAX_PARAM) : value;
  }

  private static String page(ConnectMailbox.Outcome outcome) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>"
        + PageHtml.escape(outcome.title())
        + " · Mailbridge</title>"
        + "<link rel=\"stylesheet\" href=\"/addin/taskpane.css\"></head>\n<body>"
        + "<main data-outcome=\""
        + PageHtml.escape(outcome.code())
        + "\"><h1>"
        + PageHtml.escape(outcome.title())
        + "</h1>\n<p>"
        + PageHtml.escape(outcome.message())
        + "</p></main></body></html>\n";
  }
}
