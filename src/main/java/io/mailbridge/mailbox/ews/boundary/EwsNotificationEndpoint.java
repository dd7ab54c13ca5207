package io.mailbridge.mailbox.ews.boundary;

import io.mailbridge.mailbox.ews.control.EwsPushNotifications;
import io.mailbridge.platform.problem.InvalidRequest;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /ews/notifications}: where Exchange posts push notifications ({@code
 * SendNotification}, SOAP 1.1), answered 200 with {@code SendNotificationResult}. No sign-in
 * (Exchange cannot), so only the subscription's own {@code ?token=} lets a notification act; a body
 * that is not such a request is a 400 SOAP client fault, a larger one than allowed a 413 (from
 * {@code RequestBodyLimit}), and neither changes anything. A servlet, not a JAX-RS resource: the
 * path lies outside {@code /api}, and the answer is SOAP, not the API's JSON.
 */
@WebServlet(name = "EwsNotificationEndpoint", urlPatterns = "/ews/notifications")
public class EwsNotificationEndpoint extends HttpServlet {

  private static final Logger LOG = Logger.getLogger(EwsNotificationEndpoint.class.getName());
  private static final String XML = "text/xml; charset=utf-8";

  @Inject EwsPushNotifications notifications;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    // The body is read before anything looks at parameters, so a form body is never parsed as
    // such; its size is held to the route's limit by RequestBodyLimit as it is read.
    byte[] body = request.getInputStream().readAllBytes();
    byte[] answer;
    try {
      answer = notifications.receive(token(request.getQueryString()), body);
    } catch (InvalidRequest unreadable) {
      write(
          response,
          HttpServletResponse.SC_BAD_REQUEST,
          EwsPushNotifications.unreadable(unreadable));
      return;
    } catch (RuntimeException e) {
      // Exchange posts the notification again later; nothing about the request is logged.
      LOG.log(
          Level.WARNING, "A push notification could not be handled: {0}", e.getClass().getName());
      write(
          response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, EwsPushNotifications.unavailable());
      return;
    }
    write(response, HttpServletResponse.SC_OK, answer);
  }

  /** The {@code token} query parameter, read from the query string alone. */
  static String token(String query) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && "token".equals(pair.substring(0, eq))) {
        try {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
          return null;
        }
      }
    }
    return null;
  }

  private static void write(HttpServletResponse response, int status, byte[] body)
      throws IOException {
    response.setStatus(status);
    response.setContentType(XML);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
