package io.mailbridge.platform.web.boundary;

import io.mailbridge.platform.config.control.MailbridgeSettings;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * The headers every answer carries (no MIME sniffing, no referrer, HSTS behind HTTPS, no framing
 * unless a page allows it), and the JSON 405 for methods Mailbridge never serves, which the
 * container would otherwise answer with an HTML 501.
 */
@WebFilter(filterName = "ResponseHeaders", urlPatterns = "/*", asyncSupported = true)
public class ResponseHeaders extends HttpFilter {

  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /** What the server serves, for the {@code Allow} header of a 405. */
  public static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

  /** What an answer that is not a page may do: nothing, and never inside a frame. */
  static final String NO_CONTENT_POLICY = "default-src 'none'; frame-ancestors 'none'";

  static final String HSTS = "max-age=31536000";

  @Inject MailbridgeSettings settings;
  @Inject Instance<PagePolicy> pages;

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    if (settings.publicUrl().startsWith("https://")) {
      response.setHeader("Strict-Transport-Security", HSTS);
    }
    if (!METHODS.contains(request.getMethod())) {
      response.setHeader("Allow", ALLOW);
      ErrorBody.write(response, 405, "method_not_allowed", "This method is not allowed here");
      return;
    }
    String path =
        request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    Optional<String> page = pagePolicy(path);
    if (page.isPresent()) {
      response.setHeader("Content-Security-Policy", page.get());
      if (!page.get().contains("frame-ancestors")
          || page.get().contains("frame-ancestors 'none'")) {
        response.setHeader("X-Frame-Options", "DENY");
      }
    } else {
      // Server-rendered pages set their own, stricter or looser, policy over this one.
      response.setHeader("Content-Security-Policy", NO_CONTENT_POLICY);
      response.setHeader("X-Frame-Options", "DENY");
    }
    chain.doFilter(request, response);
  }

  private Optional<String> pagePolicy(String path) {
    for (PagePolicy policy : pages) {
      Optional<String> csp = policy.contentSecurityPolicy(path);
      if (csp.isPresent()) {
        return csp;
      }
    }
    return Optional.empty();
  }
}
