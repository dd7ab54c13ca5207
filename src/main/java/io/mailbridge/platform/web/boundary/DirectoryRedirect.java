package io.mailbridge.platform.web.boundary;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /addin} and {@code /addin/lib} without their slash: the container would redirect to an
 * absolute URL built from the request's Host header, which an attacker chooses. This answers with a
 * relative location instead.
 */
@WebServlet(
    name = "DirectoryRedirect",
    urlPatterns = {"/addin", "/addin/lib"})
public class DirectoryRedirect extends HttpServlet {

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) {
    // setHeader, not sendRedirect: sendRedirect makes the location absolute from the Host header.
    response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
    response.setHeader("Location", request.getServletPath() + "/");
    response.setContentLength(0);
  }
}
