package io.mailbridge.platform.web.boundary;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The JSON API under {@code /api}, authenticated with Mailbridge's own MicroProfile JWTs; its
 * OpenAPI description is {@code META-INF/openapi.yaml}.
 */
@ApplicationPath("/api")
@LoginConfig(authMethod = "MP-JWT")
@DeclareRoles({"ADMIN", "USER"})
@ApplicationScoped
public class MailbridgeApplication extends Application {

  /**
   * Jersey's WADL is off: it answered {@code GET /api/application.wadl} and every {@code OPTIONS}
   * with a description of the whole API naming Jersey's version, beside the OpenAPI document the
   * API is described by, and building its model cost start-up time for every resource.
   */
  static final String WADL_DISABLED = "jersey.config.server.wadl.disableWadl";

  @Override
  public Map<String, Object> getProperties() {
    return Map.of(WADL_DISABLED, true);
  }
}
