package io.mailbridge.productivity.boundary;

import io.mailbridge.platform.web.boundary.PagePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The Content-Security-Policy of the public booking page ({@code /book/}) and its script and style
 * ({@code /booking/}): everything from this server only, no inline script or style, never framed.
 */
@ApplicationScoped
public class BookingPages implements PagePolicy {

  static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none';"
          + " frame-ancestors 'none'";

  @Override
  public Optional<String> contentSecurityPolicy(String path) {
    return path.startsWith("/book/") || path.startsWith("/booking/")
        ? Optional.of(POLICY)
        : Optional.empty();
  }
}
