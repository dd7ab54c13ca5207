package io.mailbridge.platform.web.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Answers 404 for the {@code WEB-INF__lib__…_jar} markers (empty zips) the build puts at the WAR's
 * root so Payara does not parse the libraries at deployment (pom.xml, execution
 * library-scan-markers): served, they would tell anyone which library versions the server runs.
 */
@WebFilter(filterName = "LibraryScanMarkers", urlPatterns = "/*", asyncSupported = true)
public class LibraryScanMarkers extends HttpFilter {

  static final String PREFIX = "/WEB-INF__";

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (isMarker(request.getServletPath())) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    chain.doFilter(request, response);
  }

  /** In any case: on a file system that ignores case, {@code /web-inf__…} reads the same file. */
  static boolean isMarker(String servletPath) {
    return servletPath != null && servletPath.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }
}
