package io.mailbridge.productivity.boundary;

import io.mailbridge.productivity.control.EmailTracking;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Base64;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /t/o/{token}}: the open pixel. Always a 1×1 transparent GIF that no cache keeps,
 * whatever the token and whatever fails behind it, so a mail client never shows a broken image.
 */
@WebServlet(name = "TrackingPixel", urlPatterns = "/t/o/*")
public class TrackingPixel extends HttpServlet {

  private static final Logger LOG = Logger.getLogger(TrackingPixel.class.getName());

  /** The smallest transparent GIF (43 bytes). */
  static final byte[] GIF =
      Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

  @Inject EmailTracking tracking;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    try {
      tracking.open(TrackingPaths.token(request), request.getHeader("User-Agent"));
    } catch (RuntimeException e) {
      // The image answers anyway; the token stays out of the log (it names an email).
      LOG.log(Level.WARNING, "Could not record an open: {0}", e.getClass().getName());
    }
    answer(response, true);
  }

  /** A HEAD is no open: link checkers and proxies send them. */
  @Override
  protected void doHead(HttpServletRequest request, HttpServletResponse response) {
    answer(response, false);
  }

  private static void answer(HttpServletResponse response, boolean body) {
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("image/gif");
    response.setContentLength(GIF.length);
    response.setHeader("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0, private");
    response.setHeader("Pragma", "no-cache");
    response.setDateHeader("Expires", 0);
    if (body) {
      try {
        response.getOutputStream().write(GIF);
      } catch (IOException e) {
        // The client went away; nothing to tell it.
      }
    }
  }
}
