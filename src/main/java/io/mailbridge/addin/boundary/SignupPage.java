package io.mailbridge.addin.boundary;

import io.mailbridge.addin.control.LinkExchangeIdentity;
import io.mailbridge.addin.control.PendingSignup;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import io.mailbridge.platform.web.boundary.PageHtml;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The page the add-in opens as a pop-up for an Exchange identity nobody has claimed: the rep sees
 * which mailbox will be linked, signs in with CRM credentials and confirms. It refuses to be framed
 * and checks a double-submit CSRF token that is also a MAC of the ticket, so a cookie and form
 * value an attacker picked together are refused.
 *
 * <p>The cookie is {@code __Host-mailbridge_signup_csrf} when the public URL is HTTPS (the prefix
 * keeps a sibling host from setting it). Browsers accept that prefix only on {@code Secure}
 * cookies, so on a plain-HTTP public URL (tests, a trial on localhost) it is {@code
 * mailbridge_signup_csrf}; there the MAC binding alone refuses forged values.
 */
@WebServlet(name = "SignupPage", urlPatterns = "/addin/signup")
public class SignupPage extends HttpServlet {

  static final String CSRF_COOKIE = "mailbridge_signup_csrf";
  static final String HOST_CSRF_COOKIE = "__Host-" + CSRF_COOKIE;

  @Inject LinkExchangeIdentity linking;
  @Inject MailbridgeSettings settings;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String ticket = request.getParameter("ticket");
    PendingSignup pending;
    try {
      pending = linking.pending(ticket);
    } catch (DomainProblem problem) {
      render(response, ErrorAnswer.status(problem), errorPage(problem.getMessage()));
      return;
    }
    response.addCookie(csrfCookie(pending.formToken(), https()));
    render(response, 200, form(pending, ticket, null));
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    request.setCharacterEncoding("UTF-8");
    String ticket = request.getParameter("ticket");
    if (!csrfMatches(request)) {
      DomainProblem expired = LinkExchangeIdentity.formExpired();
      render(response, ErrorAnswer.status(expired), errorPage(expired.getMessage()));
      return;
    }
    try {
      LinkExchangeIdentity.Linked linked =
          linking.link(
              ticket,
              request.getParameter("csrf"),
              request.getParameter("email"),
              request.getParameter("password"),
              request.getRemoteAddr());
      render(response, 200, linkedPage(linked));
    } catch (DomainProblem problem) {
      PendingSignup pending;
      try {
        pending = linking.pending(ticket);
      } catch (DomainProblem gone) {
        render(response, ErrorAnswer.status(gone), errorPage(gone.getMessage()));
        return;
      }
      ErrorAnswer answer = ErrorAnswer.of(problem);
      if (answer.retryAfterSeconds() != null) {
        response.setHeader("Retry-After", String.valueOf(answer.retryAfterSeconds()));
      }
      response.addCookie(csrfCookie(pending.formToken(), https()));
      render(response, answer.status(), form(pending, ticket, problem.getMessage()));
    }
  }

  /** Double submit: the form's token must also be in the cookie only this site can set. */
  private boolean csrfMatches(HttpServletRequest request) {
    String sent = request.getParameter("csrf");
    Cookie[] cookies = request.getCookies();
    if (sent == null || cookies == null) {
      return false;
    }
    String name = https() ? HOST_CSRF_COOKIE : CSRF_COOKIE;
    return Arrays.stream(cookies)
        .filter(c -> name.equals(c.getName()))
        .anyMatch(
            c ->
                MessageDigest.isEqual(
                    c.getValue().getBytes(StandardCharsets.UTF_8),
                    sent.getBytes(StandardCharsets.UTF_8)));
  }

  private boolean https() {
    return settings.publicUrl().startsWith("https://");
  }

  /** The CSRF cookie; {@code __Host-} rules: Secure, Path=/ and no Domain. */
  static Cookie csrfCookie(String value, boolean https) {
    Cookie cookie = new Cookie(https ? HOST_CSRF_COOKIE : CSRF_COOKIE, value);
    cookie.setHttpOnly(true);
    cookie.setPath(https ? "/" : "/addin/signup");
    cookie.setSecure(https);
    cookie.setAttribute("SameSite", "Strict");
    return cookie;
  }

  private static void render(HttpServletResponse response, int status, String html)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/html; charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("X-Content-Type-Options", "nosniff");
    // The ticket is in the URL: it must not leak through a Referer.
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self';"
            + " script-src 'self' https://appsforoffice.microsoft.com; connect-src 'self';"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    response.getWriter().write(html);
  }

  private static String form(PendingSignup pending, String ticket, String error) {
    String mailbox = pending.mailbox().isBlank() ? "(Outlook did not say)" : pending.mailbox();
    return head("Link your Exchange mailbox")
        + "<h1>Link your Exchange mailbox</h1>\n"
        + "<p>Sign in with your CRM account to link this Exchange mailbox to it. Afterwards the"
        + " Outlook add-in signs you in by itself.</p>\n"
        + "<dl class=\"linked-mailbox\">\n"
        + "<dt>Mailbox</dt><dd id=\"mailbox\">"
        + PageHtml.escape(mailbox)
        + "</dd>\n<dt>Signed in through</dt><dd id=\"exchange-server\">"
        + PageHtml.escape(pending.identity().host())
        + "</dd>\n<dt>User id there</dt><dd id=\"exchange-user\">"
        + PageHtml.escape(pending.identity().exchangeUserId())
        + "</dd>\n</dl>\n"
        + (error == null
            ? ""
            : "<p class=\"error\" id=\"error\" role=\"alert\">" + PageHtml.escape(error) + "</p>\n")
        + "<form method=\"post\" action=\"/addin/signup\">\n"
        + "<input type=\"hidden\" name=\"ticket\" value=\""
        + PageHtml.escape(ticket)
        + "\">\n<input type=\"hidden\" name=\"csrf\" value=\""
        + PageHtml.escape(pending.formToken())
        + "\">\n"
        + "<label for=\"email\">CRM email</label>\n"
        + "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required>\n"
        + "<label for=\"password\">Password</label>\n"
        + "<input id=\"password\" name=\"password\" type=\"password\""
        + " autocomplete=\"current-password\" required>\n"
        + "<button type=\"submit\" id=\"link-button\">Sign in and link this mailbox</button>\n"
        + "</form>\n"
        + "<p class=\"note\">Continue only if you opened this from Outlook yourself. This link"
        + " works once and expires ten minutes after it was made.</p>\n"
        + tail("");
  }

  private static String linkedPage(LinkExchangeIdentity.Linked linked) {
    return head("Mailbox linked")
        + "<h1>Mailbox linked</h1>\n<p id=\"linked\">The Exchange mailbox "
        + PageHtml.escape(
            linked.signup().mailbox().isBlank()
                ? linked.signup().identity().host()
                : linked.signup().mailbox())
        + " is now linked to "
        + PageHtml.escape(linked.user().displayName())
        + " ("
        + PageHtml.escape(linked.user().email())
        + "). You can close this window.</p>\n"
        + tail(
            "<script src=\"https://appsforoffice.microsoft.com/lib/1/hosted/office.js\"></script>\n"
                + "<script src=\"/addin/signup-done.js\"></script>\n");
  }

  private static String errorPage(String message) {
    return head("Cannot link this mailbox")
        + "<h1>Cannot link this mailbox</h1>\n<p class=\"error\" id=\"error\" role=\"alert\">"
        + PageHtml.escape(message)
        + "</p>\n"
        + tail("");
  }

  private static String head(String title) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
        + PageHtml.escape(title)
        + " · Mailbridge</title>\n<link rel=\"stylesheet\" href=\"/addin/taskpane.css\">\n"
        + "</head>\n<body class=\"signup\">\n<main>\n";
  }

  private static String tail(String scripts) {
    return "</main>\n" + scripts + "</body>\n</html>\n";
  }
}
