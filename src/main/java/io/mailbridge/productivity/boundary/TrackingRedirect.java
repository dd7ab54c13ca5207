package io.mailbridge.productivity.boundary;

import io.mailbridge.platform.web.boundary.ErrorBody;
import io.mailbridge.productivity.control.EmailTracking;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * {@code GET /t/c/{token}}: a tracked link. A token this server signed for a link of a stored email
 * answers 302 to that link, the one that was in the email; any other token answers 404, never a
 * redirect (no open redirect).
 */
@WebServlet(name = "TrackingRedirect", urlPatterns = "/t/c/*")
public class TrackingRedirect extends HttpServlet {

  @Inject EmailTracking tracking;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    answer(response, tracking.click(TrackingPaths.token(request), request.getHeader("User-Agent")));
  }

  /** A HEAD (link checkers, proxies) gets the same answer and is not counted as a click. */
  @Override
  protected void doHead(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    answer(response, tracking.peek(TrackingPaths.token(request)));
  }

  private static void answer(HttpServletResponse response, Optional<URI> target)
      throws IOException {
    if (target.isEmpty()) {
      ErrorBody.write(response, 404, "not_found", "Link not found");
      return;
    }
    response.setStatus(HttpServletResponse.SC_FOUND);
    response.setHeader("Location", target.get().toASCIIString());
    response.setHeader("Cache-Control", "no-store");
  }
}
