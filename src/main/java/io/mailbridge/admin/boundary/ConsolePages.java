package io.mailbridge.admin.boundary;

import io.mailbridge.platform.web.boundary.PagePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The Content-Security-Policy of the web console under {@code /console/}: scripts, styles and API
 * calls from this server only, no inline script or style, never framed. Images may be {@code data:}
 * because stored mail keeps its inline images that way; a mail body is shown in a sandboxed frame
 * whose document inherits this policy.
 */
@ApplicationScoped
public class ConsolePages implements PagePolicy {

  static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none';"
          + " object-src 'none'; frame-ancestors 'none'";

  @Override
  public Optional<String> contentSecurityPolicy(String path) {
    return path.startsWith("/console/") ? Optional.of(POLICY) : Optional.empty();
  }
}
