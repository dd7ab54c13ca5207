package io.mailbridge.mailbox.boundary;

import io.mailbridge.mailbox.control.ConnectMailbox;
import io.mailbridge.mailbox.control.OAuthStates;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.problem.ActionRequired;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import io.mailbridge.platform.web.boundary.PageHtml;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Instant;

/**
 * The two ends of a browser round trip through a provider: the start's JSON with the cookie that
 * binds the flow to this browser, and the page the callback shows.
 */
public final class OutcomePage {

  private OutcomePage() {}

  /** The start's answer: open {@code authorizationUrl} in the same browser. */
  public record StartView(String authorizationUrl, Instant expiresAt) {}

  static Response started(ConnectMailbox.Started started, MailbridgeSettings settings) {
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

  /** The callback request's cookies, where the browser binding is. */
  static OAuthStates.CookieLookup cookies(HttpHeaders headers) {
    return name -> {
      Cookie cookie = headers.getCookies().get(name);
      return cookie == null ? null : cookie.getValue();
    };
  }

  /**
   * The page for a failure the callback could not turn into an outcome of its own, answered with
   * the status the API gives the same problem.
   */
  static ConnectMailbox.Outcome failed(DomainProblem problem) {
    return new ConnectMailbox.Outcome(
        ErrorAnswer.status(problem),
        problem.code(),
        problem instanceof ActionRequired ? "Not set up" : "Not possible",
        problem.getMessage(),
        null);
  }

  /** Where the web console lists a person's mailboxes, and where an admin consents for a tenant. */
  static final String MAILBOXES_PAGE = "/console/#/mailboxes";

  static final String PROVIDERS_PAGE = "/console/#/providers";

  static Response response(ConnectMailbox.Outcome outcome, String back) {
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
        .entity(page(outcome, back))
        .build();
  }

  private static String page(ConnectMailbox.Outcome outcome, String back) {
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
        // The console keeps its session in the tab, so coming back there finds it signed in.
        + "</p>\n<p><a id=\"back\" href=\""
        + PageHtml.escape(back)
        + "\">Back to Mailbridge</a></p></main></body></html>\n";
  }
}
