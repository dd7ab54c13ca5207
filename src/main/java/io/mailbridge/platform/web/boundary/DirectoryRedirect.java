package io.mailbridge.platform.web.boundary;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /addin}, {@code /addin/lib} and {@code /console} without their slash: the container would
 * redirect to an absolute URL built from the request's Host header, which an attacker chooses. This
 * answers with a relative location instead. The server's root leads to the web console.
 */
@WebServlet(
    name = "DirectoryRedirect",
    urlPatterns = {"", "/addin", "/addin/lib", "/console"})
public class DirectoryRedirect extends HttpServlet {

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) {
    // setHeader, not sendRedirect: sendRedirect makes the location absolute from the Host header.
    response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
    // The empty pattern is the root alone: its servlet path is "" and its path info "/".
    String path = request.getServletPath();
    response.setHeader("Location", path.isEmpty() ? "/console/" : path + "/");
    response.setContentLength(0);
  }
}
