package io.mailbridge.platform.web.boundary;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The JSON API under {@code /api}, authenticated with Mailbridge's own MicroProfile JWTs; its
 * OpenAPI description is {@code META-INF/openapi.yaml}.
 */
@ApplicationPath("/api")
@LoginConfig(authMethod = "MP-JWT")
@DeclareRoles({"ADMIN", "USER"})
@ApplicationScoped
public class MailbridgeApplication extends Application {}
